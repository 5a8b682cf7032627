"""Builds the matters of the demo university: for 2019 and for the current year up to today, in every
college, major matters pre-reviewed at the college's committee meetings and decided at its joint meetings
(some returned and resubmitted, some deferred, one in a while rejected), personnel matters decided after the
opinion of each person's branch, and other matters. This year also leaves work waiting now: matters awaiting
pre-review, a branch's opinion or a decision, returned to their proposer, and drafts.

Every write goes through decisions.services and meetings.services as SYSTEM on the day it happened. Seeded,
so the same day builds the same matters. A second run changes nothing: it stops when the demo tree already
has matters."""
import random
from collections import Counter
from datetime import date, timedelta

from core.scoping import path_range
from members.demo import plan

from ..choices import Category
from ..models import Matter
from .sittings import Sittings, working_day
from .stories import CollegeYear

SEED = 20190601
PERSONNEL = [Category.TITLE_REVIEW, Category.CADRE_VETTING, Category.APPRAISAL, Category.AWARDS,
             Category.RECRUITMENT]
PENDING = ["awaiting_review", "awaiting_opinion", "awaiting_decision", "opinions_in", "returned", "deferred", "draft"]


class Run:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.counts = Counter()

    def count(self, key, n=1):
        self.counts[key] += n


def _proposers(state, code):
    people = [d.person for d in state.cadres.get(code, [])[1:7] if d.person.pk]
    if not people:
        raise ValueError(f"no cadres for {code}: the members demo must run first")
    return people


def _complete_year(college, n, shift):
    """A year's finished matters for a college with `n` committee meetings; `shift` varies the mix."""
    c = college
    personnel = PERSONNEL[shift % 5:] + PERSONNEL[:shift % 5]
    stories = [
        (1, lambda: c.major(1)),
        (2, lambda: c.personnel(2, personnel[0])),
        (3, lambda: c.major(3, outcome="agreed_with_changes")),
        (4, lambda: c.other(4)),
        (5, lambda: c.major(5, returned=True)),
        (6, lambda: c.personnel(6, personnel[1], count=2)),
        (7, lambda: c.major(7, deferred=shift % 2 == 0, decision="rejected" if shift % 3 == 1 else "adopted")),
        (8, lambda: c.personnel(8, personnel[2], count=1 + shift % 2)),
    ]
    for index, story in stories:
        if index <= n - 3:  # room for a return, a deferral and the joint meeting after
            story()


def _pending(college, kinds, today, n, member=None, branch=None):
    c = college
    recent = [working_day(today - timedelta(days=back), today) for back in (1, 3, 5, 8)]
    recent = [d for d in recent if d and d.year == today.year] or [today]
    for kind in kinds:
        if kind == "awaiting_review":
            c.major(None, submit_on=recent[0], stop="submitted")
        elif kind == "awaiting_opinion":
            c.personnel(None, Category.TITLE_REVIEW, count=2, submit_on=recent[-1], stop="submitted", within=branch)
        elif kind == "awaiting_decision" and n >= 1:
            c.major(n - 1, stop="reviewed")
        elif kind == "opinions_in" and n >= 2:
            c.personnel(n - 2, Category.AWARDS, stop="opinions")
        elif kind == "returned" and n >= 1:
            c.major(n - 1, returned=True, stop="returned")
        elif kind == "deferred" and n >= 2:
            c.major(n - 2, deferred=True, stop="deferred")
        elif kind == "draft":
            c.major(None, stop="draft")
    if member is not None:
        c.major(None, Category.INTERESTS, submit_on=recent[1 % len(recent)], stop="submitted", proposer=member)


def build(state):
    root = state.orgs[plan.ROOT_CODE]
    lo, hi = path_range(root.path)
    if Matter.objects.filter(organization__path__gte=lo, organization__path__lt=hi).exists():
        return "重大事项决策演示数据已存在，未作修改。"
    run = Run()
    today = state.today
    colleges = [c.code for c in plan.COLLEGES if c.unit_kind == "college"]
    made = 0
    years = [(2019, date(2019, 12, 31))] + ([(today.year, today)] if today.year > 2019 else [])
    for year, last in years:
        sittings = Sittings(year, last)
        for shift, code in enumerate(colleges):
            college = CollegeYear(run, sittings, state.orgs[code], _proposers(state, code))
            n = len(college.committees)
            _complete_year(college, n, shift + year)
            if year == today.year:
                if code == "CS":
                    _pending(college, PENDING, today, n, member=state.login_people.get("member"),
                             branch=state.orgs.get("CS-01"))
                else:
                    _pending(college, [PENDING[shift % len(PENDING)], PENDING[(shift + 2) % len(PENDING)]], today, n)
        made += sittings.made
    c = run.counts
    reviews = c["review_agreed"] + c["review_agreed_with_changes"] + c["review_returned"]
    decided = c["decision_adopted"] + c["decision_rejected"]
    return (f"重大事项决策演示数据：事项 {c['matters']} 项（2019 年及今年），前置把关 {reviews} 次（退回 "
            f"{c['review_returned']} 次，重新提交 {c['resubmitted']} 次），支部意见 {c['opinions']} 条，联席会议决定 "
            f"{decided} 项（暂缓 {c['decision_deferred']} 次）；新建会议 {made} 次。")
