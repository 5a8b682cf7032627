"""The liaison figures (issue 7): liaison, dual-leader and visit coverage, visits and the problems they found.

The populations (branches on a day or during a period, leaders on a day) and what covers them come from
liaison.coverage, the module the coverage page reads, so a figure and the page's rule are one computation.
A rate's records are its whole population, each annotated `covered` and listed gaps first; its value is
the covered share in %. The subtree is taken on the tree as it was on the as-of date (orgs.history)."""
from datetime import date

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from core.figures import Period, registry
from ledgers.choices import TaskStatus
from ledgers.models import Task
from members.choices import MEMBER_STATUSES
from members.figures import MEMBERS, status_on
from members.models import CommitteeSeat, Membership
from orgs.history import subtree_q
from orgs.models import Organization
from rollups import maintain
from rollups.computed import ComputedSource
from rollups.specs import Rollup, Source, count
from rollups.stocks import StockSource

from . import coverage
from .choices import ProblemStatus
from .models import BranchVisit, Liaison, Problem

SECTION = "grassroots"


def covered_rate(qs):
    """The share of the records annotated covered, in % (None for an empty population).

    One pass over the flags: filtering on the annotation made PostgreSQL run the covered subquery once per
    row (5 s for the demo's leader coverage at the root)."""
    flags = list(qs.order_by().values_list("covered", flat=True))
    return coverage.percent(sum(flags), len(flags))


def mark(population, covered):
    """`population` annotated with whether each row is in `covered` (a queryset of the same model), the gaps
    first: the drill-down of a rate opens on what is missing. The drill-down page lists the two parts one
    after the other (core.figure_views.InParts) rather than sorting the whole population by the flag."""
    flag = ExpressionWrapper(Q(pk__in=covered.values("pk")), output_field=BooleanField())
    ordering = population.model._meta.ordering
    marked = population.annotate(covered=flag).order_by("covered", *ordering)
    hit = Exists(covered.filter(pk=OuterRef("pk")))
    marked.listed_in_parts = (population.filter(~hit).order_by(*ordering), population.filter(hit).order_by(*ordering))
    marked.part_sizes = lambda measures: (measures["total"] - measures["covered"], measures["covered"])  # _rate's
    return marked


# The branch coverage rates are rolled up (rollups/computed.py): each branch counts in its own cell, once in
# the population and, when covered, once among the covered. Who liaises with a branch and who is its
# secretary are taken on 31 December, so those two rates are read for that day only; a year's visits
# hold on any later day.
def _flags(code, population, covered):
    hit = set(covered.values_list("pk", flat=True))
    cells = {}
    for pk in population.values_list("pk", flat=True):
        cells[pk, f"{code}:total"], cells[pk, f"{code}:covered"] = 1, int(pk in hit)
    return cells


def _on_year_end(org_ids, year, keys):
    day = date(year, 12, 31)
    branches = coverage.existing(Organization.objects.filter(pk__in=org_ids), day, day)
    teachers = coverage.teacher_led(branches)
    return {**_flags("liaison.branch_coverage", branches, coverage.with_liaison(branches, day)),
            **_flags("liaison.dual_leader_coverage", teachers, coverage.with_dual_leader(teachers, day))}


def _in_year(org_ids, year, keys):
    period = Period.year(year)
    branches = coverage.existing(Organization.objects.filter(pk__in=org_ids), period.start, period.end)
    return _flags("liaison.visit_coverage", branches, coverage.visited(branches, period))


def _branch_facts(org):
    return {(org.pk, None, None, org.kind, org.composition, org.established_on, org.dissolved_on)}


def _liaison_facts(liaison):
    return {(liaison.branch_id, liaison.valid_from.year, None, liaison.valid_from, liaison.valid_to)}


def _seat_facts(seat):
    return {(seat.organization_id, seat.started_on.year, None, seat.post, seat.started_on, seat.ended_on,
             seat.is_dual_leader)}


def _visit_facts(visit):
    return {(visit.branch_id, visit.visited_on.year, visit.visited_on.year)}


def _branches():
    return Organization.objects.filter(kind="branch")


def _keys(*codes):
    return tuple(f"{code}:{m}" for code in codes for m in ("total", "covered"))


class _CoveredOnDay(ComputedSource):
    def on_day(self, org, period, as_of):
        """Both rates' measures for `org`'s subtree on `as_of`, as their builders count them, in one query
        (rollups.read: a page of a year still running counts them once, not once per figure)."""
        branches = coverage.branches_on(Organization.objects.all(), org, as_of)
        teacher, liaised, dual = coverage.teacher_led_q(), coverage.liaised_q(as_of), coverage.dual_leader_q(as_of)
        return branches.aggregate(**{
            "liaison.branch_coverage:total": Count("pk"),
            "liaison.branch_coverage:covered": Count("pk", filter=liaised),
            "liaison.dual_leader_coverage:total": Count("pk", filter=teacher),
            "liaison.dual_leader_coverage:covered": Count("pk", filter=teacher & dual)})


class _VisitedOnDay(ComputedSource):
    def on_day(self, org, period, as_of):
        """The visit coverage's measures for `org`'s subtree, as its builders count them, in one query."""
        branches = coverage.branches_during(Organization.objects.all(), org, period, as_of)
        visited = coverage.visited_q(period)
        return branches.aggregate(**{"liaison.visit_coverage:total": Count("pk"),
                                     "liaison.visit_coverage:covered": Count("pk", filter=visited)})


COVERED_ON_YEAR_END = _CoveredOnDay(
    "liaison.coverage", Organization, count=_on_year_end, orgs=_branches, final_at_year_end=False,
    keys=_keys("liaison.branch_coverage", "liaison.dual_leader_coverage"),
    follows=((Organization, _branch_facts), (Liaison, _liaison_facts), (CommitteeSeat, _seat_facts)))
VISITED_IN_YEAR = _VisitedOnDay(
    "liaison.visited", Organization, count=_in_year, orgs=_branches, keys=_keys("liaison.visit_coverage"),
    follows=((Organization, _branch_facts), (BranchVisit, _visit_facts)))


def _rate(source):
    return Rollup(source, {"total": Q(), "covered": Q()},
                  combine=lambda v: coverage.percent(v["covered"], v["total"]), records="total")


@registry.register("liaison.branch_coverage", _("党支部联系领导覆盖率"), "%", SECTION, Organization,
                   _("统计日本组织及下级的党支部中，有联系领导（一对一联系在当日有效）的比例；明细中未覆盖的党支部排在最前"),
                   aggregate=covered_rate, rollup=_rate(COVERED_ON_YEAR_END))
def branch_coverage(qs, org, period, as_of):
    branches = coverage.branches_on(qs, org, as_of)
    return mark(branches, coverage.with_liaison(branches, as_of))


# The leaders and the covered ones among them, a stock on 31 December (rollups/stocks.py) over the same
# memberships as the membership counts: it follows what they follow, and a liaison from its first day on
# (its leader's memberships from then, wherever they are).
def _liaison_cells(liaison):
    rows = Membership.objects.filter(person_id=liaison.leader_id).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=liaison.valid_from))
    return [(org_id, max(start, liaison.valid_from)) for org_id, start in
            rows.values_list("organization_id", "valid_from")]


LEADERS = StockSource(
    "liaison.leaders", Membership, "organization",
    records=lambda day: Membership.objects.on(day).annotate(status_then=status_on(day), led=coverage.branches_led(day)),
    follows=(*MEMBERS.follows, (Liaison, _liaison_cells)))
_LEADER = Q(status_then__in=sorted(MEMBER_STATUSES), person__cadre_level__in=coverage.LEADER_LEVELS)


@registry.register("liaison.leader_coverage", _("中层及以上党员领导人员一对一联系党支部覆盖率"), "%", SECTION,
                   Membership,
                   _("统计日组织关系在本组织及下级的中层及以上党员领导人员中，恰好联系一个党支部的比例（未联系或同时联系多个的"
                     "均为未覆盖，排在最前）"), aggregate=covered_rate,
                   rollup=Rollup(LEADERS, {"total": _LEADER, "covered": _LEADER & Q(led=1)},
                                 combine=lambda v: coverage.percent(v["covered"], v["total"]), records="total"))
def leader_coverage(qs, org, period, as_of):
    leaders = coverage.leaders_on(qs, org, as_of)
    return mark(leaders, coverage.leaders_with_one_branch(leaders, as_of))


@registry.register("liaison.dual_leader_coverage", _("教师党支部书记“双带头人”覆盖率"), "%", SECTION, Organization,
                   _("统计日本组织及下级的教师党支部（含师生联合支部）中，在任书记为“双带头人”的比例；没有在任书记的"
                     "计为未覆盖"), aggregate=covered_rate, rollup=_rate(COVERED_ON_YEAR_END))
def dual_leader_coverage(qs, org, period, as_of):
    branches = coverage.teacher_branches_on(qs, org, as_of)
    return mark(branches, coverage.with_dual_leader(branches, as_of))


@registry.register("liaison.branches_visited", _("党员领导深入调研走访的党支部"), _("个"), SECTION, Organization,
                   _("期内存在的本组织及下级党支部中，期内有领导调研走访（问诊把脉）记录的党支部数"),
                   rollup=Rollup(VISITED_IN_YEAR, {"covered": Q()}, combine=lambda v: v["covered"],
                                 cells="liaison.visit_coverage"))
def branches_visited(qs, org, period, as_of):
    return coverage.visited(coverage.branches_during(qs, org, period, as_of), period)


@registry.register("liaison.visit_coverage", _("党支部调研走访覆盖率"), "%", SECTION, Organization,
                   _("期内存在的本组织及下级党支部中，期内有领导调研走访记录的比例；明细中未走访的党支部排在最前"),
                   aggregate=covered_rate, rollup=_rate(VISITED_IN_YEAR))
def visit_coverage(qs, org, period, as_of):
    branches = coverage.branches_during(qs, org, period, as_of)
    return mark(branches, coverage.visited(branches, period))


# Roll-ups of the two counts over the visit records (rollups/): one group, so that moving a visit to another
# day or branch recounts its problems too.
VISITS = Source("liaison", BranchVisit, "branch", "visited_on")
PROBLEMS = Source("liaison", Problem, "visit__branch", "visit__visited_on")


def visits_in(qs, org, period, as_of):
    return qs.filter(subtree_q(org, as_of, "branch"), visited_on__gte=period.start, visited_on__lte=period.end)


@registry.register("liaison.visits", _("领导调研走访党支部次数"), _("次"), SECTION, BranchVisit,
                   _("期内领导到本组织及下级党支部调研走访的次数（一次走访多名领导计一次）"), rollup=count(VISITS))
def visits(qs, org, period, as_of):
    return visits_in(qs, org, period, as_of)


def problems_in(qs, org, period, as_of):
    return qs.filter(subtree_q(org, as_of, "visit__branch"),
                     visit__visited_on__gte=period.start, visit__visited_on__lte=period.end)


@registry.register("liaison.problems", _("调研走访发现的问题"), _("个"), SECTION, Problem,
                   _("期内调研走访本组织及下级党支部时发现的问题数"), rollup=count(PROBLEMS))
def problems(qs, org, period, as_of):
    return problems_in(qs, org, period, as_of).select_related("visit")


# Closed as services.problem_is_closed says: resolved here, or handed to a ledger task that is done.
CLOSED = Q(status=ProblemStatus.RESOLVED) | Q(status=ProblemStatus.TASKED, task__status=TaskStatus.DONE)


# A problem handed to a task closes with the task: a task's status change recounts its problems' cells.
def _recount_problems(sender, instance, **kwargs):
    cells = list(Problem.objects.filter(task_id=instance.pk).values_list("visit__branch_id", "visit__visited_on"))
    if cells:
        maintain.touch(PROBLEMS.group, cells)


post_save.connect(_recount_problems, sender=Task, weak=False, dispatch_uid="liaison.figures:task_closes_problems")


@registry.register("liaison.problems_closed", _("已整改的调研走访问题"), _("个"), SECTION, Problem,
                   _("期内调研走访发现的问题中，已登记整改完成或转为台账任务且任务已完成的问题数"),
                   rollup=count(PROBLEMS, CLOSED))
def problems_closed(qs, org, period, as_of):
    return problems_in(qs, org, period, as_of).filter(CLOSED).select_related("visit")
