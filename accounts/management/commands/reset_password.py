"""Reset an account's password from the server, for the cases the web pages refuse: the security and
audit administrators (whose accounts the system administrator may not take over), or a locked-out
system administrator. Audited as 'system'; the new password is temporary and printed once."""
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User
from core.scoping import SYSTEM


class Command(BaseCommand):
    help = "在服务器上重置账号密码（生成临时密码，只显示一次，下次登录须修改）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset-totp", action="store_true", help="同时解绑动态验证码，下次登录重新绑定")

    def handle(self, *args, username, reset_totp=False, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号 {username} 不存在")
        password = services.reset_password(SYSTEM, user)
        if reset_totp:
            services.reset_second_factor(SYSTEM, user)
        self.stdout.write(f"账号 {username} 的临时密码：{password}")
