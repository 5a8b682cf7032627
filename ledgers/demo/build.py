"""Builds the ledgers of the demo university: for 2019 the directive ledger (33 tasks, all implemented), the
153-item task list of the grassroots responsibility programme and the leadership's responsibility list;
for the current year the same three, caught mid-year. Every write goes through ledgers.services as SYSTEM
with the day it happened (`today=`), so the audit trail, transitions and progress read as history.
Seeded, so the same day builds the same ledgers; a second run changes nothing."""
import random
from datetime import date

from members.demo import plan

from ..choices import LedgerKind
from ..models import Ledger
from . import directives, duties, tasklist, year2019
from .current import CurrentYear
from .runner import Runner
from .seats import SeatBook

SEED = 20191001


def _present(root):
    return Ledger.objects.filter(organization=root, kind=LedgerKind.DIRECTIVE_LEDGER, year=year2019.YEAR,
                                 name=f"{year2019.YEAR}年{directives.LEDGER_NAME}").exists()


def build(state):
    root = state.orgs[plan.ROOT_CODE]
    if _present(root):
        return "台账演示数据已存在，未作修改。"
    tasklist.check()
    run = Runner(random.Random(SEED))
    seats = SeatBook(root)
    top_level = [c.code for c in plan.COLLEGES]
    colleges = [c.code for c in plan.COLLEGES if c.unit_kind == "college"]

    ledgers = [year2019.directive_ledger(run, state, seats), year2019.task_list(run, state, seats, top_level, colleges),
               duties.responsibility_list(state, seats, year2019.YEAR, date(year2019.YEAR, 3, 1))]
    today = state.today
    if today.year > year2019.YEAR:
        now = CurrentYear(run, state, seats, top_level, colleges)
        ledgers += [now.directive_ledger(), now.task_list(),
                    duties.responsibility_list(state, seats, today.year, now.issued)]
    c = run.counts
    return (f"台账演示数据：台账与清单 {len(ledgers)} 个（{year2019.YEAR} 年及今年），任务 {c['tasks']} 项，"
            f"进展 {c['updates']} 条，佐证材料 {c['evidence']} 份，退回 {c['returned']} 次。")
