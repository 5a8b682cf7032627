"""The ledger figures against independent counts, as of past dates, and within the user's scope."""
from datetime import date

import pytest

from core.figures import Period, registry
from core.scoping import SYSTEM
from ledgers import services
from ledgers.choices import LedgerKind, TaskStatus
from ledgers.models import Task

Y2019 = Period.year(2019)


def value(code, org, user=None, as_of=None, period=Y2019):
    return registry.get(code).value(user, org, period, as_of)


def records(code, org, user=None, as_of=None):
    return set(registry.get(code).records(user, org, Y2019, as_of))


def work(owner_user, task, submit_on, verify_user=None, verify_on=None):
    services.add_progress(owner_user, task, "推进中", written_on=task.assigned_on, today=task.assigned_on)
    services.submit_task(owner_user, task, "已完成", today=submit_on)
    if verify_user:
        services.verify_task(verify_user, task, today=verify_on or submit_on)


@pytest.fixture
def year(ledger):
    """College A's task split to its two branches (both done, one late), college B's task done late,
    a third task overdue, a fourth cancelled; a task list item done on time."""
    t = ledger
    new = dict(ledger=t.ledger, assigned_on=date(2019, 1, 15), deadline=date(2019, 6, 30))
    t.b1, t.b2 = (services.create_task(t.sec_a, ledger=t.ledger, parent=t.task, owner=o, title=f"{o.name}落实",
                                       deadline=date(2019, 6, 1), assigned_on=date(2019, 2, 1))
                  for o in (t.ca_b1, t.ca_b2))
    work(t.sec_a, t.b1, date(2019, 5, 20), t.sec_a)
    work(t.sec_a, t.b2, date(2019, 6, 10), t.sec_a)  # late: due 6-1
    work(t.sec_a, t.task, date(2019, 6, 20), t.org_admin, date(2019, 7, 1))
    t.cb_task = services.create_task(t.org_admin, owner=t.cb, title="乙学院任务", **new)
    work(t.sec_b, t.cb_task, date(2019, 7, 10), t.org_admin)
    t.late = services.create_task(t.org_admin, owner=t.cb_b1, title="逾期任务", **new)
    t.gone = services.create_task(t.org_admin, owner=t.cb, title="取消的任务", **new)
    services.cancel_task(t.org_admin, t.gone, "并入其他任务", today=date(2019, 3, 1))
    t.tl = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name="2019年任务清单", organization=t.root,
                                  year=2019)
    t.item = services.create_task(t.org_admin, ledger=t.tl, owner=t.ca_b1, title="清单任务项",
                                  assigned_on=date(2019, 1, 15), deadline=date(2019, 12, 31))
    work(t.sec_a, t.item, date(2019, 11, 1), t.org_admin)
    return t


def test_the_root_counts_each_ledger_item_once(year):
    t = year
    assert value("ledgers.directive.tasks", t.root) == 3  # A (its sub-tasks not again), B, overdue; not cancelled
    assert records("ledgers.directive.done", t.root) == {t.task, t.cb_task}
    assert value("ledgers.task_list.items", t.root) == 1 == value("ledgers.task_list.done", t.root)
    assert value("ledgers.tasks.completion_rate", t.root) == round(100 * 3 / 4, 1)
    assert records("ledgers.tasks.overdue", t.root, as_of=date(2019, 12, 31)) == {t.late}
    assert records("ledgers.tasks.on_time", t.root) == {t.task, t.item}
    assert value("ledgers.status.cancelled", t.root) == 1


def test_a_college_counts_its_own_and_a_branch_its_sub_tasks(year):
    t = year
    assert records("ledgers.directive.tasks", t.ca) == {t.task}
    assert records("ledgers.directive.tasks", t.ca_b1) == {t.b1}
    assert records("ledgers.tasks.on_time", t.ca_b2) == set()  # submitted after its deadline
    assert records("ledgers.tasks.overdue", t.cb, as_of=date(2019, 12, 31)) == {t.late}


def test_status_as_of_a_past_date_comes_from_the_transitions(year):
    t = year
    # On 2019-06-15 college A's own task was in progress (its branches' sub-tasks are counted inside it),
    # and so was the task-list item of its first branch.
    assert records("ledgers.status.done", t.ca, as_of=date(2019, 6, 15)) == set()
    assert records("ledgers.status.in_progress", t.ca, as_of=date(2019, 6, 15)) == {t.task, t.item}
    assert records("ledgers.status.submitted", t.root, as_of=date(2019, 6, 25)) == {t.task}
    # Before a task existed it is not counted at all.
    assert value("ledgers.directive.tasks", t.root, as_of=date(2019, 1, 1)) == 0
    # Reopened later: the past report still shows it done.
    services.reopen_task(t.org_admin, t.cb_task, "补充", today=date(2020, 2, 1))
    assert t.cb_task in records("ledgers.directive.done", t.root, as_of=date(2019, 12, 31))
    assert t.cb_task not in records("ledgers.directive.done", t.root, as_of=date(2020, 3, 1))


def test_figures_match_an_independent_count(year):
    t = year
    top = Task.objects.filter(parent__isnull=True, ledger__year=2019)
    assert value("ledgers.status.done", t.root) == top.filter(status=TaskStatus.DONE).count()
    assert value("ledgers.status.not_started", t.root) == top.filter(status=TaskStatus.NOT_STARTED).count()


def test_a_college_secretary_counts_nothing_outside_their_scope(year):
    t = year
    assert value("ledgers.directive.tasks", t.root, user=t.sec_a) == 1  # college A's task only
    assert value("ledgers.directive.tasks", t.root, user=t.sec_b) == 2  # B's task and its branch's overdue one
    assert value("ledgers.directive.tasks", t.root, user=t.member) == 0
