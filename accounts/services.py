"""Every write to users and role assignments."""
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.models import Action
from core.models import snapshot

from .models import RoleAssignment, User


def create_user(actor, username, password, *, person=None, must_change_password=True, **fields):
    user = User(username=username, person=person, must_change_password=must_change_password, **fields)
    user.set_password(password)
    return audit.create(actor, user)


def grant(actor, user, role, organization=None, include_subtree=True, note=""):
    assignment = RoleAssignment(user=user, role=role, organization=organization, include_subtree=include_subtree,
                                note=note)
    with transaction.atomic():
        audit.create(actor, assignment)
        audit.record(actor, Action.GRANT, user, after=snapshot(assignment))
    user.forget_assignments()
    return assignment


def revoke(actor, assignment):
    with transaction.atomic():
        audit.delete(actor, assignment)
        audit.record(actor, Action.REVOKE, assignment.user, before=snapshot(assignment))


def set_password(actor, user, password, *, must_change=False):
    """Set a password (the user's own change, or an administrator's reset which forces a change)."""
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = must_change
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit.record(actor, Action.PASSWORD, user, note="重置密码" if must_change else "修改密码")
    return user
