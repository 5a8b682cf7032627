"""Every write to users and role assignments.

三员分立: the system administrator manages accounts, the security administrator roles, the audit
administrator reads the log. The guards here keep any one of them from doing (or taking over the account
of) another: a system administrator cannot reset or disable the account of a security or audit
administrator, and nobody grants or revokes their own roles.
"""
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import Action
from core.errors import BusinessRuleError
from core.models import snapshot
from core.scoping import ensure
from members.identity import InvalidIdentity, parse_id_number
from members.models import Person

from .models import RoleAssignment, User
from .roles import Role

TEMP_PASSWORD_LENGTH = 14
# No look-alikes (0/O, 1/l/I) and no characters that HTML escapes, so a password read off the screen or
# copied from the page is typed right the first time.
_ALPHABETS = ("abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "!@#$%*-_=+?")


def generate_password(length=TEMP_PASSWORD_LENGTH):
    """A random password that meets the password rules: every character class at least once."""
    pool = "".join(_ALPHABETS)
    while True:
        chars = [secrets.choice(a) for a in _ALPHABETS] + [secrets.choice(pool) for _ in range(length - 4)]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password)
        except ValidationError:
            continue
        return password


def person_for_id_number(id_number, *, user=None):
    """The person an account is to be linked to, found by the exact ID number the administrator typed.

    The system administrator has no access to people, so they cannot pick one from a list; typing the
    ID number proves they already know who the account is for, and the answer reveals nothing beyond
    "found" or "not found".
    """
    try:
        value, _birth, _gender = parse_id_number(id_number)
    except InvalidIdentity as exc:
        raise ValidationError({"id_number": str(exc)}) from exc
    person = Person.objects.filter(id_number=value).first()
    if person is None:
        raise ValidationError({"id_number": _("系统中没有该身份证号对应的人员，请先由组织管理员录入人员信息")})
    holder = User.objects.filter(person=person).exclude(pk=getattr(user, "pk", None)).first()
    if holder is not None:
        raise ValidationError({"id_number": _("该人员已关联账号 %(username)s") % {"username": holder.username}})
    return person


def _refuse_admin_target(actor, user, what):
    """The system administrator may not take over a security or audit administrator's account."""
    if getattr(actor, "pk", None) is None or actor.pk == user.pk:
        return
    if actor.has_role(Role.SYSTEM_ADMIN) and user.has_role(Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        raise BusinessRuleError(_("安全管理员、审计管理员的账号不能由系统管理员%(what)s（三员分立），"
                                  "请在服务器上使用 manage.py reset_password 处理") % {"what": what})


def create_user(actor, username, password, *, person=None, must_change_password=True, **fields):
    user = User(username=username, person=person, must_change_password=must_change_password, **fields)
    user.set_password(password)
    return audit.create(actor, user)


def create_account(actor, username, name, *, id_number=""):
    """A new account with a temporary password, which the user must change at first login.
    Returns (user, temporary password); the password is shown once and never stored in clear."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该账号已存在")})
    person = person_for_id_number(id_number) if id_number else None
    password = generate_password()
    user = create_user(actor, username, password, person=person, must_change_password=True, last_name=name)
    return user, password


def update_user(actor, user, changes, expected_version=None):
    """Name, enabled flag and linked person, by the system administrator."""
    if "is_active" in changes:
        if not changes["is_active"] and getattr(actor, "pk", None) == user.pk:
            raise BusinessRuleError(_("不能停用自己的账号"))
        _refuse_admin_target(actor, user, _("停用或启用"))
    return audit.update(actor, user, changes, expected_version=expected_version)


def set_password(actor, user, password, *, must_change=False):
    """Set a password (the user's own change, or an administrator's reset which forces a change)."""
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = must_change
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit.record(actor, Action.PASSWORD, user, note="重置密码" if must_change else "修改密码")
    return user


def reset_password(actor, user):
    """An administrator's reset: a new temporary password (returned, shown once) that must be changed at
    the next login. The user's sessions end, because the password hash they were signed with changed."""
    if getattr(actor, "pk", None) == user.pk:
        raise BusinessRuleError(_("请通过“修改密码”修改自己的密码"))
    _refuse_admin_target(actor, user, _("重置密码"))
    ensure(actor, "change", user)
    password = generate_password()
    set_password(actor, user, password, must_change=True)
    return password


def reset_second_factor(actor, user):
    """Unbind the user's TOTP devices (lost phone): the next login enrols a new one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        if count:
            audit.record(actor, Action.UPDATE, user, note="解绑动态验证码")
    return count


def grant(actor, user, role, organization=None, include_subtree=True, note=""):
    if getattr(actor, "pk", None) is not None and actor.pk == user.pk:
        # A security administrator granting themselves an organisation role would see people, and one of
        # the other two administrator roles would hold two jobs.
        raise ValidationError({"user": _("不能给自己授予角色（三员分立）")})
    assignment = RoleAssignment(user=user, role=role, organization=organization, include_subtree=include_subtree,
                                note=note)
    with transaction.atomic():
        audit.create(actor, assignment)
        audit.record(actor, Action.GRANT, user, after=snapshot(assignment))
    user.forget_assignments()
    return assignment


def revoke(actor, assignment):
    if getattr(actor, "pk", None) is not None and actor.pk == assignment.user_id:
        raise BusinessRuleError(_("不能撤销自己的授权（三员分立）"))
    with transaction.atomic():
        audit.delete(actor, assignment)
        audit.record(actor, Action.REVOKE, assignment.user, before=snapshot(assignment))
    assignment.user.forget_assignments()
