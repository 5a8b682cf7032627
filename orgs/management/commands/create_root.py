from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.scoping import SYSTEM
from orgs.models import Organization
from orgs.services import create_organization


class Command(BaseCommand):
    help = "创建根党委（新安装时运行一次；其余组织由组织管理员新增或用 Excel 导入）"

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="组织代码，如 ROOT")
        parser.add_argument("--name", required=True, help="名称，如 中共某某大学委员会")
        parser.add_argument("--short-name", default="", help="简称")
        parser.add_argument("--established-on", default=None, help="成立日期 YYYY-MM-DD")

    def handle(self, *args, **options):
        if Organization.objects.filter(parent__isnull=True).exists():
            raise CommandError("已有根党委；一个安装只有一棵组织树")
        try:
            org = create_organization(SYSTEM, code=options["code"], name=options["name"], kind="committee",
                                      short_name=options["short_name"], established_on=options["established_on"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已创建根党委：{org.name}（{org.code}）"))
