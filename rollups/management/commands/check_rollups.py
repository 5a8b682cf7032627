from django.core.management.base import BaseCommand, CommandError

from rollups import computed, stocks
from rollups.maintain import differences


class Command(BaseCommand):
    help = "把统计汇总表与业务记录的重新计数逐格比较；有差异时列出并以非零状态退出"

    def add_arguments(self, parser):
        parser.add_argument("--show", type=int, default=20, help="最多列出多少处差异")

    def handle(self, *args, show, **options):
        wrong = differences() + stocks.differences() + computed.differences()
        for org_id, year, key, have, want in wrong[:show]:
            self.stdout.write(f"组织 {org_id} {year} {key}：表中 本级/含下级 {have[0]}/{have[1]}，"
                              f"重新计数 {want[0]}/{want[1]}")
        if wrong:
            raise CommandError(f"统计汇总与重新计数有 {len(wrong)} 处不一致；运行 rebuild_rollups 修复")
        self.stdout.write("统计汇总与重新计数一致")
