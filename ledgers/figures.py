"""The ledger figures. Each counts tasks, with their status as it was on the as-of date (from the
transitions), so a past report shows what was true then.

Which tasks a subtree counts: a task owned in the subtree whose parent (if any) is owned outside it. At
the root that is every ledger's top-level items ("33 tasks", "153 items"); for a branch, the sub-tasks
its college gave it. A task split into sub-tasks is counted once, at the highest level inside the subtree.
The period selects ledgers by their year.
"""
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.figures import registry, remembered
from orgs.history import subtree_q
from rollups.specs import Rollup

from .choices import OWNER_OPEN, Event, LedgerKind, TaskStatus
from .models import Task, Transition
from .rollup import LEDGERS, MEASURES

SECTION = "political"


def _then(as_of, task):
    return Transition.objects.filter(task=task, on__lte=as_of).order_by("-on", "-id")


def as_of_status(qs, as_of):
    """Annotate `status_then` (status on `as_of`) and `submitted_then` (day of the last submission by
    then); tasks that did not exist yet are left out."""
    then = _then(as_of, OuterRef("pk"))
    submitted = then.filter(event=Event.SUBMITTED)
    return (qs.annotate(status_then=Subquery(then.values("status")[:1]),
                        submitted_then=Subquery(submitted.values("on")[:1]))
            .filter(Exists(then)))


def status_in(as_of, statuses):
    """Whether the task's status on `as_of` is one of `statuses`. An EXISTS rather than a filter on
    `status_then`: PostgreSQL guesses that such a comparison keeps a handful of tasks, and on a province it
    then joined every organisation to every task before the first page of a drill-down (2.4 s)."""
    latest = _then(as_of, OuterRef(OuterRef("pk"))).values("pk")[:1]
    return Exists(Transition.objects.filter(pk=Subquery(latest), status__in=sorted(statuses)))


def submitted_in_time(as_of):
    """Whether the task's last submission by `as_of` was on or before its deadline (an EXISTS, as status_in)."""
    latest = _then(as_of, OuterRef(OuterRef("pk"))).filter(event=Event.SUBMITTED).values("pk")[:1]
    return Exists(Transition.objects.filter(pk=Subquery(latest), on__lte=OuterRef("deadline")))


def counted(qs, org, period, as_of, kind=None):
    """The tasks the subtree of `org` answers for in the ledgers of the period's years, as of `as_of`: owner
    in the subtree and parent's owner outside it, both on the tree as it was that day (orgs.history)."""
    # A dozen figures start from the same tasks: on a page (core.figures.remembered) they are selected once
    # and each figure filters a clone. `qs` itself is in the key (not its id), so it cannot be another's.
    return remembered(("ledgers.counted", qs, org.pk, period, as_of, kind),
                      lambda: _counted(qs, org, period, as_of, kind))


def _counted(qs, org, period, as_of, kind):
    qs = qs.filter(subtree_q(org, as_of, "owner"),
                   ledger__year__gte=period.start.year, ledger__year__lte=period.end.year)
    qs = qs.filter(Q(parent__isnull=True) | ~subtree_q(org, as_of, "parent__owner"))
    if kind:
        qs = qs.filter(ledger__kind=kind)
    return as_of_status(qs, as_of)


LIVE = set(TaskStatus) - {TaskStatus.CANCELLED}


def rolled(code, combine=lambda v: v["n"], records=""):
    """The figure's roll-up (ledgers/rollup.py: the same counts, task by task, kept per organisation)."""
    return Rollup(LEDGERS, {m: None for m in MEASURES[code]}, combine=combine, records=records)


def live(qs, as_of):
    return qs.filter(status_in(as_of, LIVE))


def done(qs, as_of):
    return qs.filter(status_in(as_of, {TaskStatus.DONE}))


@registry.register("ledgers.directive.tasks", _("落实指示批示和决策部署的具体任务"), _("项"), SECTION, Task,
                   _("本组织及下级组织承担的落实指示批示和决策部署台账任务（不含已取消的）"),
                   rollup=rolled("ledgers.directive.tasks"))
def directive_tasks(qs, org, period, as_of):
    return live(counted(qs, org, period, as_of, LedgerKind.DIRECTIVE_LEDGER), as_of)


@registry.register("ledgers.directive.done", _("已落实的指示批示和决策部署任务"), _("项"), SECTION, Task,
                   _("落实指示批示和决策部署台账中经审核确认完成的任务"),
                   rollup=rolled("ledgers.directive.done"))
def directive_done(qs, org, period, as_of):
    return done(counted(qs, org, period, as_of, LedgerKind.DIRECTIVE_LEDGER), as_of)


@registry.register("ledgers.task_list.items", _("任务清单任务项"), _("项"), SECTION, Task,
                   _("本组织及下级组织承担的任务清单任务项（不含已取消的；分解给下级的子任务不重复计算）"),
                   rollup=rolled("ledgers.task_list.items"))
def task_list_items(qs, org, period, as_of):
    return live(counted(qs, org, period, as_of, LedgerKind.TASK_LIST), as_of)


@registry.register("ledgers.task_list.done", _("已完成的任务清单任务项"), _("项"), SECTION, Task,
                   _("任务清单中经审核确认完成的任务项"),
                   rollup=rolled("ledgers.task_list.done"))
def task_list_done(qs, org, period, as_of):
    return done(counted(qs, org, period, as_of, LedgerKind.TASK_LIST), as_of)


def _percent(done, total):
    return round(100 * done / total, 1) if total else None


def completion_rate(qs):
    counts = qs.aggregate(total=Count("pk"), done=Count("pk", filter=Q(status_then=TaskStatus.DONE)))
    return _percent(counts["done"], counts["total"])


@registry.register("ledgers.tasks.completion_rate", _("任务完成率"), "%", SECTION, Task,
                   _("各类台账任务中经审核确认完成的比例（不含已取消的任务）"), aggregate=completion_rate,
                   rollup=rolled("ledgers.tasks.completion_rate", lambda v: _percent(v["done"], v["total"]), "total"))
def tasks_for_rate(qs, org, period, as_of):
    return live(counted(qs, org, period, as_of), as_of)


@registry.register("ledgers.tasks.overdue", _("逾期未完成任务"), _("项"), SECTION, Task,
                   _("截至统计日已过完成时限、仍未提交完成的任务（已提交待审核的不计）"),
                   rollup=rolled("ledgers.tasks.overdue"))
def tasks_overdue(qs, org, period, as_of):
    return counted(qs, org, period, as_of).filter(status_in(as_of, OWNER_OPEN), deadline__lt=as_of)


@registry.register("ledgers.tasks.on_time", _("按时完成任务"), _("项"), SECTION, Task,
                   _("经审核确认完成、且在完成时限内提交完成的任务"),
                   rollup=rolled("ledgers.tasks.on_time"))
def tasks_on_time(qs, org, period, as_of):
    return done(counted(qs, org, period, as_of), as_of).filter(submitted_in_time(as_of))


def _by_status(status):
    def builder(qs, org, period, as_of):
        return counted(qs, org, period, as_of).filter(status_in(as_of, {status}))
    return builder


# Tasks by status ("ledgers.status.done"...): one figure per status.
for _status in TaskStatus:
    registry.register(f"ledgers.status.{_status.value}", format_lazy(_("任务（{status}）"), status=_status.label),
                      _("项"), SECTION, Task, _("截至统计日处于该状态的任务"),
                      rollup=rolled(f"ledgers.status.{_status.value}"))(_by_status(_status))
