"""The liaison figures (issue 7): liaison, dual-leader and visit coverage, visits and the problems they found.

The populations (branches on a day or during a period, leaders on a day) and what covers them come from
liaison.coverage, the module the coverage page reads, so a figure and the page's rule are one computation.
A rate's records are its whole population, each annotated `covered` and listed gaps first; its value is
the covered share in %. The subtree is taken on the tree as it was on the as-of date (orgs.history)."""
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _

from core.figures import registry
from ledgers.choices import TaskStatus
from members.models import Membership
from orgs.history import subtree_q
from orgs.models import Organization
from rollups.specs import Source, count

from . import coverage
from .choices import ProblemStatus
from .models import BranchVisit, Problem

SECTION = "grassroots"


def covered_rate(qs):
    """The share of the records annotated covered, in % (None for an empty population).

    One pass over the flags: filtering on the annotation made PostgreSQL run the covered subquery once per
    row (5 s for the demo's leader coverage at the root)."""
    flags = list(qs.order_by().values_list("covered", flat=True))
    return coverage.percent(sum(flags), len(flags))


def mark(population, covered):
    """`population` annotated with whether each row is in `covered` (a queryset of the same model), the gaps
    first: the drill-down of a rate opens on what is missing."""
    flag = ExpressionWrapper(Q(pk__in=covered.values("pk")), output_field=BooleanField())
    return population.annotate(covered=flag).order_by("covered", *population.model._meta.ordering)


@registry.register("liaison.branch_coverage", _("党支部联系领导覆盖率"), "%", SECTION, Organization,
                   _("统计日本组织及下级的党支部中，有联系领导（一对一联系在当日有效）的比例；明细中未覆盖的党支部排在最前"),
                   aggregate=covered_rate)
def branch_coverage(qs, org, period, as_of):
    branches = coverage.branches_on(qs, org, as_of)
    return mark(branches, coverage.with_liaison(branches, as_of))


@registry.register("liaison.leader_coverage", _("中层及以上党员领导人员一对一联系党支部覆盖率"), "%", SECTION,
                   Membership,
                   _("统计日组织关系在本组织及下级的中层及以上党员领导人员中，恰好联系一个党支部的比例（未联系或同时联系多个的"
                     "均为未覆盖，排在最前）"), aggregate=covered_rate)
def leader_coverage(qs, org, period, as_of):
    leaders = coverage.leaders_on(qs, org, as_of)
    return mark(leaders, coverage.leaders_with_one_branch(leaders, as_of))


@registry.register("liaison.dual_leader_coverage", _("教师党支部书记“双带头人”覆盖率"), "%", SECTION, Organization,
                   _("统计日本组织及下级的教师党支部（含师生联合支部）中，在任书记为“双带头人”的比例；没有在任书记的"
                     "计为未覆盖"), aggregate=covered_rate)
def dual_leader_coverage(qs, org, period, as_of):
    branches = coverage.teacher_branches_on(qs, org, as_of)
    return mark(branches, coverage.with_dual_leader(branches, as_of))


@registry.register("liaison.branches_visited", _("党员领导深入调研走访的党支部"), _("个"), SECTION, Organization,
                   _("期内存在的本组织及下级党支部中，期内有领导调研走访（问诊把脉）记录的党支部数"))
def branches_visited(qs, org, period, as_of):
    return coverage.visited(coverage.branches_during(qs, org, period, as_of), period)


@registry.register("liaison.visit_coverage", _("党支部调研走访覆盖率"), "%", SECTION, Organization,
                   _("期内存在的本组织及下级党支部中，期内有领导调研走访记录的比例；明细中未走访的党支部排在最前"),
                   aggregate=covered_rate)
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


@registry.register("liaison.problems_closed", _("已整改的调研走访问题"), _("个"), SECTION, Problem,
                   _("期内调研走访发现的问题中，已登记整改完成或转为台账任务且任务已完成的问题数"))
def problems_closed(qs, org, period, as_of):
    return problems_in(qs, org, period, as_of).filter(CLOSED).select_related("visit")
