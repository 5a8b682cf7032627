"""The liaison demo (see core.demo): 2019 as the seed article tells it, at the root, and this year with a
few gaps for the coverage page to show.

2019: the two temporary branches of that autumn are set up (and dissolved early in 2020), so 63 branches
existed; every one has a liaison leader, every middle-or-senior leader who was a member liaises with
exactly one branch, every teacher-led branch's secretary is a dual leader, and every branch was visited.
This year: the current temporary branches have no liaison leader, one leader's liaison ended without a new
one, one teacher branch's secretary is not yet a dual leader, and a few branches are not yet visited.

Seeded, so the same day builds the same records; a second run changes nothing (it stops when the demo
tree already has liaisons)."""
import random
from datetime import date

from core.scoping import path_range
from members.demo import plan
from orgs.models import Organization

from .. import coverage
from ..models import BranchVisit, Liaison, Problem
from . import branches as demo_branches
from . import dual, liaisons
from .visits import Visits

SEED = 20191231
PRESENT = "一对一联系与调研走访演示数据已存在，未作修改。"


def _in_tree(qs, root, field):
    lo, hi = path_range(root.path)
    return qs.filter(**{f"{field}__gte": lo, f"{field}__lt": hi})


def build(state):
    root = state.orgs[plan.ROOT_CODE]
    if _in_tree(Liaison.objects.all(), root, "branch__path").exists():
        return PRESENT
    rng = random.Random(SEED)
    today = state.today
    temporary = demo_branches.create_temporary(state)
    college = demo_branches.college_of(state)
    college.update({org.pk: code for org, code, _d in temporary.values()})
    college_of_org = demo_branches.top_level(state)
    orgs = Organization.objects.all()
    temp_ids = {org.pk for org, _c, _d in temporary.values()}
    in_2019 = list(coverage.branches_on(orgs, root, liaisons.YEAR_END).order_by("path"))
    book = liaisons.Book(rng, [b for b in in_2019 if b.pk not in temp_ids], college)
    leaders_2019 = liaisons.build_2019(book, state, root, temporary, college_of_org)
    # Branches that take leaders now: existing today, not temporary (this year's have none yet: a gap).
    current = [b for b in coverage.branches_on(orgs, root, today).order_by("path") if not b.is_temporary]
    ended = liaisons.build_later(book, root, today, leaders_2019, college_of_org, current)

    visits = Visits(rng, state, today)
    visits.year_2019(in_2019)
    demo_branches.dissolve_temporary(temporary)
    this_year = list(coverage.branches_on(orgs, root, today).order_by("path"))
    visits.this_year(this_year, skip_first="CS-01")

    seated = dual.seat_missing_secretaries(rng, root)
    former, serving, gap = dual.mark_dual_leaders(root, today, rng)
    problems = _in_tree(Problem.objects.all(), root, "visit__branch__path")
    return (f"一对一联系与调研走访演示数据：联系记录 {liaisons.liaison_count(root)} 条（2019 年 "
            f"{len(leaders_2019)} 名领导联系 {len(in_2019)} 个党支部，含 2 个临时党支部），调研走访 {visits.made} 次，"
            f"发现问题 {problems.count()} 个"
            f"（已整改 {problems.filter(status='resolved').count()} 个，转为任务 "
            f"{problems.filter(status='tasked').count()} 个）；补录书记任职 {seated} 个，认定“双带头人” "
            f"{former + serving} 人次；今年待补：{ended.name}的联系已结束未重新安排，{gap.organization.name}书记未认定"
            f"“双带头人”。截至 {today:%Y-%m-%d} 走访 {_visited_this_year(root, today)} 个党支部。")


def _visited_this_year(root, today):
    return (_in_tree(BranchVisit.objects.all(), root, "branch__path").filter(visited_on__gte=date(today.year, 1, 1))
            .values("branch").distinct().count())
