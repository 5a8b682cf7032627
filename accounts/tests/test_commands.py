"""Server-side commands for what the web pages deliberately refuse."""
import io
import re

from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from audit.models import Action, AuditEntry


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_bootstrap_admins_creates_the_three_once(db):
    out = run("bootstrap_admins")
    passwords = dict(re.findall(r"账号 (\w+)，临时密码 (\S+)（", out))
    assert set(passwords) == {"sysadmin", "secadmin", "auditadmin"}
    for username, role in (("sysadmin", Role.SYSTEM_ADMIN), ("secadmin", Role.SECURITY_ADMIN),
                           ("auditadmin", Role.AUDIT_ADMIN)):
        user = User.objects.get(username=username)
        assert user.roles() == {role} and user.must_change_password
        assert user.check_password(passwords[username])
    assert AuditEntry.objects.filter(action=Action.GRANT, actor_name="system").count() == 3
    out = run("bootstrap_admins")
    assert out.count("已存在，未改动") == 3 and User.objects.count() == 3


def test_reset_password_command_for_an_audit_admin(users):
    TOTPDevice.objects.create(user=users.audit_admin, name="手机", confirmed=True)
    out = run("reset_password", "auditadmin", "--reset-totp")
    password = out.rsplit("：", 1)[1].strip()
    admin = User.objects.get(pk=users.audit_admin.pk)
    assert admin.check_password(password) and admin.must_change_password
    assert not TOTPDevice.objects.filter(user=admin).exists()
    notes = set(AuditEntry.objects.filter(object_id=str(admin.pk), actor_name="system",
                                          model="accounts.user").values_list("note", flat=True))
    assert {"重置密码", "解绑动态验证码"} <= notes
