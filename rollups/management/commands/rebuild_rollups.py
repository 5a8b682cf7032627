import time
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand
from django.db import connection, connections

from rollups import computed, stocks
from rollups.maintain import rebuild


def _timed(rebuild_one):
    start = time.monotonic()
    return rebuild_one(), time.monotonic() - start


def _timed_apart(rebuild_one):
    """_timed on a pool thread: on that thread's own connection, closed when done."""
    try:
        return _timed(rebuild_one)
    finally:
        connections.close_all()  # this thread's connections only


class Command(BaseCommand):
    help = "从业务记录重新计算统计汇总表（批量导入数据或修复之后运行）"

    def handle(self, *args, **options):
        # The three tables are independent. On PostgreSQL, outside a caller's transaction, the stocks (one
        # statement in the database) are rebuilt on a connection of their own while the counts and then the
        # verdicts (judged in Python) are rebuilt here, so that both cores work (province: 858 s one after
        # the other). Inside a transaction (tests, a caller's atomic block) another connection would not see
        # the caller's rows, and SQLite has one writer: there, one after the other.
        apart = connection.vendor == "postgresql" and not connection.in_atomic_block
        with ThreadPoolExecutor(max_workers=1) as pool:
            stock = pool.submit(_timed_apart, stocks.rebuild) if apart else None
            rows, seconds = _timed(rebuild)
            self.stdout.write(f"统计汇总已重建：{rows} 行，用时 {seconds:.1f} 秒")
            if apart:
                judged = _timed(computed.rebuild)
                stocked = stock.result()
            else:
                stocked = _timed(stocks.rebuild)
                judged = _timed(computed.rebuild)
        self.stdout.write(f"存量汇总（近 {stocks.STOCK_YEARS} 年）已重建：{stocked[0]} 行，用时 {stocked[1]:.1f} 秒")
        self.stdout.write(f"评判汇总（会议按期召开，近 {stocks.STOCK_YEARS} 年）已重建：{judged[0]} 行，"
                          f"用时 {judged[1]:.1f} 秒")
