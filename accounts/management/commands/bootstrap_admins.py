"""Create the three administrator accounts of a new installation (三员), each with a temporary password
printed once. Run once on the server; existing accounts are left alone."""
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services
from accounts.models import User
from accounts.roles import Role
from core.scoping import SYSTEM

DEFAULTS = ((Role.SYSTEM_ADMIN, "sysadmin", "系统管理员"), (Role.SECURITY_ADMIN, "secadmin", "安全管理员"),
            (Role.AUDIT_ADMIN, "auditadmin", "审计管理员"))


class Command(BaseCommand):
    help = "创建系统管理员、安全管理员、审计管理员三个账号（三员分立），临时密码只显示一次"

    def add_arguments(self, parser):
        for role, username, _name in DEFAULTS:
            parser.add_argument(f"--{role.value.replace('_', '-')}", default=username,
                                help=f"{role.label}账号（默认 {username}）")

    def handle(self, *args, **options):
        for role, _username, name in DEFAULTS:
            username = options[role.value]
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"{role.label}：账号 {username} 已存在，未改动")
                continue
            with transaction.atomic():
                user, password = services.create_account(SYSTEM, username, name)
                services.grant(SYSTEM, user, role)
            self.stdout.write(f"{role.label}：账号 {username}，临时密码 {password}"
                              "（首次登录须修改密码并绑定动态验证码）")
