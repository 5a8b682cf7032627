"""The ledger figures read from their roll-up (ledgers/rollup.py) equal their builders: a split task counted
once at each level, statuses on 31 December from the transitions, after writes, moves and ledger changes."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.figures import NOT_APPLICABLE, Period, registry
from core.scoping import SYSTEM
from ledgers import services
from ledgers.choices import LedgerKind
from ledgers.rollup import MEASURES, meeting_points
from orgs import services as orgs
from orgs.models import Organization
from rollups import computed
from rollups.models import ComputedRollup

pytestmark = pytest.mark.django_db

YEAR = date.today().year - 1
PERIOD = Period.year(YEAR)
FIGURES = [registry.get(code) for code in MEASURES]


def day(month, dom=1):
    return date(YEAR, month, dom)


def work(user, task, submit_on, verify_on=None):
    services.add_progress(user, task, "推进中", written_on=task.assigned_on, today=task.assigned_on)
    services.submit_task(user, task, "已完成", today=submit_on)
    if verify_on:
        services.verify_task(SYSTEM, task, today=verify_on)


def check(t, rolled=True):
    """Every ledger figure equals its builder (read from the roll-up, unless an organisation moved since)."""
    for figure in FIGURES:
        for org in Organization.objects.filter(pk__in=[o.pk for o in (t.root, t.ca, t.cb, t.ca_b1, t.ca_b2, t.cb_b1)]):
            answered = figure.rollup.value(None, org, PERIOD, PERIOD.end) is not NOT_APPLICABLE
            assert answered or not rolled, (figure.code, org.code)
            assert figure.value(None, org, PERIOD) == figure.recount(None, org, PERIOD), (figure.code, org.code)
    assert computed.differences() == []


@pytest.fixture
def tasks(users):
    """A directive ledger at the root: college A's task split to its two branches, college B's task, an
    overdue one at a branch of B, a cancelled one; a task list item at a branch."""
    t = users
    t.ledger = services.create_ledger(SYSTEM, kind=LedgerKind.DIRECTIVE_LEDGER, name="台账", organization=t.root,
                                      year=YEAR)
    new = dict(ledger=t.ledger, assigned_on=day(1, 15), deadline=day(6, 30))
    t.task = services.create_task(SYSTEM, owner=t.ca, title="甲学院任务", **new)
    t.b1, t.b2 = (services.create_task(SYSTEM, ledger=t.ledger, parent=t.task, owner=o, title=f"{o.name}落实",
                                       deadline=day(6), assigned_on=day(2))
                  for o in (t.ca_b1, t.ca_b2))
    t.cb_task = services.create_task(SYSTEM, owner=t.cb, title="乙学院任务", **new)
    t.late = services.create_task(SYSTEM, owner=t.cb_b1, title="逾期任务", **new)
    t.gone = services.create_task(SYSTEM, owner=t.cb, title="取消的任务", **new)
    t.tl = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name="清单", organization=t.root, year=YEAR)
    t.item = services.create_task(SYSTEM, ledger=t.tl, owner=t.ca_b1, title="清单任务项", assigned_on=day(1, 15),
                                  deadline=day(12, 31))
    computed.rebuild()
    return t


def test_a_split_task_meets_where_its_owners_meet(tasks):
    t = tasks
    assert meeting_points(YEAR) == {t.b1.pk: t.ca.pk, t.b2.pk: t.ca.pk}
    assert meeting_points(YEAR, [t.root.pk]) == {}
    tasks_ = registry.get("ledgers.directive.tasks")
    # The root counts A's task once (not its sub-tasks), B's, the overdue and the cancelled one's absence.
    assert [tasks_.value(None, o, PERIOD) for o in (t.root, t.ca, t.ca_b1, t.cb)] == [4, 1, 1, 3]
    check(t)


def test_transitions_and_edits_keep_the_roll_up_equal_to_the_builder(tasks):
    t = tasks
    work(SYSTEM, t.b1, day(5, 20), day(5, 21))
    work(SYSTEM, t.b2, day(6, 10), day(6, 11))  # late
    work(SYSTEM, t.task, day(6, 20), day(7, 1))
    services.cancel_task(SYSTEM, t.gone, "并入其他任务", today=day(3))
    work(SYSTEM, t.item, day(11), day(11, 2))
    done = registry.get("ledgers.directive.done")
    assert [done.value(None, o, PERIOD) for o in (t.root, t.ca, t.ca_b1)] == [1, 1, 1]
    assert registry.get("ledgers.tasks.completion_rate").value(None, t.root, PERIOD) == 50.0  # A and the item
    assert registry.get("ledgers.tasks.overdue").value(None, t.root, PERIOD) == 2  # B's and the overdue one
    check(t)
    # A task reassigned to another owner, then deleted.
    services.update_task(SYSTEM, t.late, {"owner": t.ca_b2})
    check(t)
    services.delete_task(SYSTEM, t.late)
    check(t)


def test_on_a_page_a_day_before_the_year_end_counts_every_ledger_figure_at_once(tasks):
    """The cells hold 31 December. On a page (the annual report of a year still running) another day is counted
    from the tasks for every ledger figure in one query (LedgerSource.on_day), equal to each builder; off a
    page the one figure asked for runs its builder."""
    t = tasks
    work(SYSTEM, t.b1, day(5, 20), day(5, 21))
    work(SYSTEM, t.b2, day(6, 10), day(6, 12))
    work(SYSTEM, t.task, day(6, 20), day(7, 1))
    services.cancel_task(SYSTEM, t.gone, "并入其他任务", today=day(3))
    for as_of in (day(2), day(5, 31), day(6, 15), day(7, 1), day(11, 30)):
        for org in (t.root, t.ca, t.ca_b1, t.cb, t.cb_b1):
            assert FIGURES[0].rollup.value(None, org, PERIOD, as_of) is NOT_APPLICABLE
            with CaptureQueriesContext(connection) as ctx, registry.page():
                values = {f.code: f.value(None, org, PERIOD, as_of) for f in FIGURES}
            assert values == {f.code: f.recount(None, org, PERIOD, as_of) for f in FIGURES}, (org.code, as_of)
            assert sum('FROM "ledgers_task"' in q["sql"] for q in ctx.captured_queries) == 1
    with registry.page():
        assert registry.get("ledgers.directive.done").value(None, t.root, PERIOD, day(7, 1)) == 1
        assert registry.get("ledgers.tasks.overdue").value(None, t.root, PERIOD, day(7, 1)) == 2


def test_moves_recompute_where_owners_meet_and_ledger_changes_unmark_the_year(tasks):
    t = tasks
    orgs.move_organization(SYSTEM, t.ca_b2, t.cb, on_date=date.today())
    assert meeting_points(YEAR)[t.b2.pk] == t.root.pk  # B2 now meets its parent's owner only at the root
    # As of last year's end, before the move, the builder answers (where owners met then differs).
    check(t, rolled=False)
    # The cells hold the current tree: no status changed since 31 December, so they equal the builder today.
    for code in ("ledgers.directive.tasks", "ledgers.status.not_started"):  # (overdue: the day counts)
        for org in Organization.objects.filter(pk__in=[t.root.pk, t.ca.pk, t.cb.pk]):
            cell = ComputedRollup.objects.filter(organization=org, year=YEAR, key=f"{code}:n").first()
            assert (cell.total if cell else 0) == registry.get(code).recount(None, org, PERIOD, date.today())
    figure = registry.get("ledgers.directive.tasks")
    assert figure.rollup.value(None, t.root, PERIOD, PERIOD.end) is NOT_APPLICABLE
    assert figure.rollup.value(None, t.root, PERIOD, date.today()) is NOT_APPLICABLE  # a stock: 31 Dec only
    services.update_ledger(SYSTEM, t.tl, {"name": "清单（修订）"})  # no count changes: the year stays built
    assert computed.differences() == [] and computed.ComputedSource.built(registry.get(
        "ledgers.task_list.items").rollup.source, YEAR)
    services.update_ledger(SYSTEM, t.tl, {"year": YEAR - 1})
    assert not registry.get("ledgers.task_list.items").rollup.source.built(YEAR)
    assert registry.get("ledgers.task_list.items").value(None, t.root, PERIOD) == 0
