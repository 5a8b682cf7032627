"""restrict(): the one gate between a user and scoped records.

The user's role assignments (accounts app) become a Q filter here. Core does not import accounts:
it asks the user object for `scope_q(model, action)`, which accounts.User provides.
"""
from django.db import models
from django.utils.translation import gettext as _

from .errors import NotInScope, PermissionDenied


def path_range(path):
    """Subtree filter bounds: path >= p and path < p_end, which uses the index on both databases."""
    return path, path[:-1] + chr(ord(path[-1]) + 1)


def scope_q(user, model, action, fields=None):
    """The user's filter for `model` (see accounts.User.scope_q); `fields` replaces the model's scope
    declarations (path, organisation, person) to reach the record through another organisation."""
    if user is None or not getattr(user, "is_authenticated", False) or not hasattr(user, "scope_q"):
        return None
    return user.scope_q(model, action, fields) if fields else user.scope_q(model, action)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        q = scope_q(user, self.model, action)
        return self.none() if q is None else self.filter(q)


def ensure(user, action, obj):
    """Re-check inside the write's transaction that the user may do `action` to `obj` (saved or not).

    Outside the view scope the object does not exist for this user (404); inside it but without the
    action's right, 403.
    """
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "can"):
        raise PermissionDenied(_("请先登录"))
    if user.can(action, obj):
        return
    if obj.pk is not None and not user.can("view", obj):
        raise NotInScope()
    raise PermissionDenied(_("您没有执行此操作的权限"))


class SystemActor:
    """The actor for management commands (demo data, repairs): may do everything, audited as 'system'."""

    is_authenticated = True
    pk = None
    username = "system"

    def get_username(self):
        return self.username

    def can(self, action, obj):
        return True

    def scope_q(self, model, action, fields=None):
        return models.Q()

    def sees_whole_subtree(self, model, org):
        return True


SYSTEM = SystemActor()
