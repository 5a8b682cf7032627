from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orgs import top


class Command(BaseCommand):
    help = "检查各大表记录的顶层组织（分片键 top_id）是否与其组织的路径一致；有差异时列出并以非零状态退出"

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="按组织路径重写全部记录的顶层组织（orgs.top.refresh）")
        parser.add_argument("--show", type=int, default=20, help="每张表最多列出多少条差异")

    def handle(self, *args, fix, show, **options):
        if fix:
            with transaction.atomic():
                for label, rows in top.refresh().items():
                    self.stdout.write(f"{label}: 重写 {rows} 行")
        wrong = top.differences(limit=show)
        for label, (count, sample) in wrong.items():
            self.stdout.write(f"{label}: {count} 行的顶层组织不一致")
            for pk, stored, expected in sample:
                self.stdout.write(f"  {label} {pk}: top_id={stored} 应为 {expected}")
        if wrong:
            rows = sum(count for count, _sample in wrong.values())
            raise CommandError(f"{rows} 行记录的顶层组织不一致；运行 check_top --fix 修复")
        self.stdout.write("各表的顶层组织与组织路径一致")
