from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import VersionedModel
from core.scoping import ScopedQuerySet, path_range

from .roles import SYSTEM_ROLES, Role, grants, is_global


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    person = models.OneToOneField("members.Person", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="account", verbose_name=_("对应人员"))
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = ScopedUserManager()
    audit_exclude = ("password", "last_login")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")
        ordering = ["username"]

    def __str__(self):
        return f"{self.get_full_name() or self.username}（{self.username}）"

    def get_full_name(self):
        return f"{self.last_name}{self.first_name}".strip()

    def get_absolute_url(self):
        return f"/accounts/users/?q={self.username}"

    # --- scoping -------------------------------------------------------------------------------

    def assignments(self):
        """This user's role assignments, loaded once per user object (i.e. once per request)."""
        if not hasattr(self, "_qj_assignments"):
            self._qj_assignments = list(self.role_assignments.select_related("organization"))
        return self._qj_assignments

    def roles(self):
        return {a.role for a in self.assignments()}

    def scope_q(self, model, action, fields=None):
        """The Q that keeps of `model` only what this user may `action`; None when nothing.

        `fields` (path field, organisation field, person field) replaces the model's own declarations, for
        a record reached through a second organisation (a task seen through its ledger's organisation)."""
        label = model._meta.label_lower
        path_field, org_field, person_field = fields or tuple(
            getattr(model, f, None) for f in ("scope_path_field", "scope_org_field", "scope_person_field"))
        on_tree = any((path_field, org_field, person_field))
        parts = []
        for a in self.assignments():
            if not grants(a.role, label, action):
                continue
            if is_global(a.role) or not on_tree:
                # Installation-wide roles see everything; records not on the tree (units, reference
                # data) are seen whole by any role the table grants them to.
                return Q()
            if a.role == Role.MEMBER and person_field:
                if self.person_id:
                    parts.append(Q(**{person_field: self.person_id}))
            elif a.include_subtree and path_field:
                lo, hi = path_range(a.organization.path)
                parts.append(Q(**{f"{path_field}__gte": lo, f"{path_field}__lt": hi}))
            elif org_field:
                parts.append(Q(**{org_field: a.organization_id}))
        if not parts:
            return None
        q = parts[0]
        for p in parts[1:]:
            q |= p
        return q

    def sees_whole_subtree(self, model, org):
        """Does this user see every `model` record of `org`'s current subtree? (A roll-up summing the
        subtree may then stand for the records the user's scope would count.)"""
        label = model._meta.label_lower
        for a in self.assignments():
            if not grants(a.role, label, "view"):
                continue
            if is_global(a.role) or (a.include_subtree and org.path.startswith(a.organization.path)):
                return True
        return False

    def can(self, action, obj):
        """May this user `action` this object (saved or not)? Decided in Python from the assignments,
        so it also works for a record about to be created."""
        label = obj._meta.label_lower
        org = obj.scope_organization() if hasattr(obj, "scope_organization") else None
        person_field = getattr(obj, "scope_person_field", None)
        for a in self.assignments():
            if not grants(a.role, label, action):
                continue
            if is_global(a.role) or (org is None and not person_field and not getattr(obj, "scope_org_field", None)):
                return True
            if a.role == Role.MEMBER and person_field:
                attr = "pk" if person_field == "id" else person_field
                if self.person_id and getattr(obj, attr, None) == self.person_id:
                    return True
                continue
            if org is None:
                continue
            if a.include_subtree and org.path.startswith(a.organization.path):
                return True
            if org.pk == a.organization_id:
                return True
        return False

    def has_role(self, *roles):
        return bool(self.roles() & set(roles))

    def forget_assignments(self):
        self.__dict__.pop("_qj_assignments", None)


class RoleAssignment(VersionedModel):
    """A role held on an organisation (with or without its subtree), or installation-wide for the three
    administrators."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="role_assignments", verbose_name=_("组织"))
    include_subtree = models.BooleanField(_("含下级组织"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = pgettext_lazy("plural", "角色授权")
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], name="role_assignment_unique"),
        ]

    def get_absolute_url(self):
        return f"/accounts/assignments/?user={self.user.username}"

    def __str__(self):
        where = self.organization.name if self.organization_id else "全局"
        return f"{self.user.username} {self.get_role_display()} @ {where}"

    def clean(self):
        if is_global(self.role) and self.organization_id:
            raise ValidationError({"organization": _("系统、安全、审计管理员为全局角色，不选择组织")})
        if not is_global(self.role) and not self.organization_id:
            raise ValidationError({"organization": _("请选择该角色所在的组织")})
        if self.role == Role.MEMBER and self.user_id and not self.user.person_id:
            raise ValidationError({"role": _("“党员”角色须先为账号关联人员")})
        if not self.user_id:
            return
        held = RoleAssignment.objects.filter(user_id=self.user_id).exclude(pk=self.pk)
        # The unique constraint lets two NULL organisations through, so installation-wide duplicates are
        # caught here.
        if held.filter(role=self.role, organization_id=self.organization_id).exists():
            raise ValidationError({"role": _("该账号已有此授权")})
        if is_global(self.role):
            # 三员分立: one person may not hold two of the three administrator roles.
            if held.filter(role__in=[r for r in SYSTEM_ROLES if r != self.role]).exists():
                raise ValidationError({"role": _("系统管理员、安全管理员、审计管理员须由不同账号担任")})
            if held.exclude(role__in=SYSTEM_ROLES).exists():
                raise ValidationError({"role": _("该账号已担任组织角色；三员账号不得同时担任其他角色")})
        elif held.filter(role__in=SYSTEM_ROLES).exists():
            # An administrator who also held an organisation role would see people, which none of the
            # three may.
            raise ValidationError({"role": _("该账号为系统、安全或审计管理员，不得同时担任其他角色（三员分立）")})


class NotificationQuerySet(ScopedQuerySet):
    def restrict(self, user, action="view"):
        """A notification is its recipient's alone, whatever roles anyone holds."""
        if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
            return self.none()
        return self.filter(user_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user (reminders of meetings due, tasks due...). `dedupe_key` makes a
    repeated run of a reminder job create nothing new."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True, null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = pgettext_lazy("plural", "通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.link or "/accounts/notifications/"
