"""The demo loads records in bulk, past the services: sum them once at the end."""
from . import computed, stocks
from .maintain import rebuild


def build(state):
    return f"统计汇总：{rebuild()} 行，存量汇总：{stocks.rebuild()} 行，评判汇总：{computed.rebuild()} 行"
