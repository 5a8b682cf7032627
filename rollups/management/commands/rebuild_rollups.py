import time

from django.core.management.base import BaseCommand

from rollups import computed, stocks
from rollups.maintain import rebuild


class Command(BaseCommand):
    help = "从业务记录重新计算统计汇总表（批量导入数据或修复之后运行）"

    def handle(self, *args, **options):
        start = time.monotonic()
        rows = rebuild()
        self.stdout.write(f"统计汇总已重建：{rows} 行，用时 {time.monotonic() - start:.1f} 秒")
        start = time.monotonic()
        rows = stocks.rebuild()
        self.stdout.write(f"存量汇总（近 {stocks.STOCK_YEARS} 年）已重建：{rows} 行，"
                          f"用时 {time.monotonic() - start:.1f} 秒")
        start = time.monotonic()
        rows = computed.rebuild()
        self.stdout.write(f"评判汇总（会议按期召开，近 {stocks.STOCK_YEARS} 年）已重建：{rows} 行，"
                          f"用时 {time.monotonic() - start:.1f} 秒")
