"""Branch visits (问诊把脉): every branch that existed in 2019 visited at least once that year (the
temporary ones between their set-up and the year's end), and most branches this year; the leaders are the
branch's liaison leaders that day, now and then with a university leader. Some visits found problems:
most of 2019's were resolved, a few are still open; this year's are resolved, handed to a task of this
year's task list (liaison.services.problem_to_task), or open. All through liaison.services as SYSTEM."""
from datetime import date, timedelta

from core.scoping import SYSTEM
from ledgers.choices import LedgerKind
from ledgers.models import Ledger

from .. import services
from ..models import Liaison
from . import wording

UNVISITED_NOW = 7  # branches not yet visited this year


def _weekday(day):
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _key(branch):
    return "temporary" if branch.is_temporary else (branch.composition or "mixed")


class Visits:
    def __init__(self, rng, state, today):
        self.rng, self.state, self.today = rng, state, today
        self.made = self.problems = 0
        self.seniors = [d.person for d in state.seniors]

    def leaders(self, branch, day, fallback):
        people = [lia.leader for lia in Liaison.objects.on(day).filter(branch=branch).select_related("leader")
                  .order_by("leader_id")]
        people = self.rng.sample(people, min(len(people), 3)) or [fallback]
        if self.rng.random() < 0.25:
            people.append(self.rng.choice(self.seniors))
        return list(dict.fromkeys(people))

    def visit(self, branch, day, fallback):
        key = _key(branch)
        found = []
        if self.rng.random() < 0.4:
            found = self.rng.sample(wording.PROBLEMS[key], min(len(wording.PROBLEMS[key]), self.rng.randint(1, 2)))
        visit = services.record_visit(SYSTEM, branch=branch, visited_on=day,
                                      leaders=self.leaders(branch, day, fallback),
                                      heard=self.rng.choice(wording.HEARD[key]),
                                      findings=wording.FINDINGS if found else wording.NO_FINDINGS,
                                      problems=found, today=self.today)
        self.made += 1
        self.problems += len(found)
        return visit

    def resolve(self, problem, day):
        services.resolve_problem(SYSTEM, problem, resolution=self.rng.choice(wording.RESOLUTIONS), resolved_on=day,
                                 today=self.today)

    def year_2019(self, branches):
        """At least one visit to each branch in 2019; most problems resolved within a few weeks."""
        end = date(2019, 12, 20)
        for branch in branches:
            first = max(date(2019, 3, 1), (branch.established_on or date(2019, 1, 1)) + timedelta(days=21))
            span = (end - first).days
            days = sorted({_weekday(first + timedelta(days=self.rng.randint(0, span)))
                           for _ in range(2 if self.rng.random() < 0.25 else 1)})
            days = [d if d >= first else first for d in days]
            for day in days:
                visit = self.visit(branch, day, self.seniors[2])
                for problem in visit.problems.all():
                    if self.rng.random() < 0.85:
                        self.resolve(problem, min(day + timedelta(days=self.rng.randint(20, 75)), self.today))

    def this_year(self, branches, skip_first):
        """Visits this year to all but a few branches; problems resolved, tasked or open."""
        year_start = date(self.today.year, 1, 1)
        if self.today - year_start < timedelta(days=30):
            return
        pool = [b for b in branches if b.code != skip_first]
        skipped = {b.pk for b in self.rng.sample(pool, min(UNVISITED_NOW, len(pool)))}
        ledger = Ledger.objects.filter(organization=self.state.orgs["ROOT"], kind=LedgerKind.TASK_LIST,
                                       year=self.today.year).first()
        for branch in branches:
            if branch.pk in skipped:
                continue
            first = max(year_start + timedelta(days=9), (branch.established_on or year_start) + timedelta(days=14))
            last = self.today - timedelta(days=2)
            if first > last:
                continue
            day = max(first, _weekday(first + timedelta(days=self.rng.randint(0, (last - first).days))))
            visit = self.visit(branch, day, self.seniors[2])
            for problem in visit.problems.all():
                roll = self.rng.random()
                assigned = day + timedelta(days=3)
                if roll < 0.35 and ledger is not None and assigned <= self.today:
                    services.problem_to_task(SYSTEM, problem, ledger=ledger, owner=branch,
                                             deadline=max(assigned, date(self.today.year, 12, 31)),
                                             today=assigned)
                elif roll < 0.75 and day + timedelta(days=20) <= self.today:
                    self.resolve(problem, day + timedelta(days=self.rng.randint(20, 40)) if
                                 day + timedelta(days=40) <= self.today else day + timedelta(days=20))
