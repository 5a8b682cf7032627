"""The current year: a directive ledger and a task list caught mid-year, with every status a real one shows:
done (some late, some after a return), submitted and waiting, in progress, not started, returned, overdue
(deadline passed, still open), due within a week, one cancelled with its reason; milestones on some.

The lists are issued in January, or 75 days before today early in a year, so there is always some history
to show. The 计算机科学与技术学院党委 items are planned one by one (Requirement.cs_now), so the demo
logins have work: cs_secretary's open items, one split among its branches with a sub-task waiting for the
college's verification, and branch_secretary's own sub-task due within the week."""
from datetime import date, timedelta

from core.scoping import SYSTEM

from .. import services
from ..choices import LedgerKind
from . import directives, tasklist, wording
from .runner import DAY, between, report_days
from .year2019 import branches_of

LOGIN_COLLEGE = "CS"
LOGIN_BRANCH = "CS-01"
# Every status at least once in the task list, then a realistic mix.
REQUIRED = ["cancelled", "returned", "overdue_returned", "overdue", "overdue", "overdue_new", "due_soon", "due_soon",
            "submitted", "submitted", "not_started", "done_late", "done_returned", "done", "done"]
MIX = {"done": 45, "in_progress": 30, "submitted": 10, "not_started": 10, "done_late": 5}
DIRECTIVE_FATES = ["done", "done", "done_late", "submitted", "in_progress", "overdue", "due_soon", "not_started",
                   "returned"]
WITH_MILESTONES = {"done", "in_progress", "overdue", "due_soon", "submitted"}


def issued_on(today):
    return min(date(today.year, 1, 10), today - timedelta(days=75))


class CurrentYear:
    def __init__(self, run, state, seats, top_level, colleges):
        self.run, self.rng, self.state, self.seats = run, run.rng, state, seats
        self.today = state.today
        self.issued = issued_on(self.today)
        self.top_level, self.colleges = top_level, colleges
        self.later = max(date(self.today.year, 12, 31), self.today + 30 * DAY)

    # --- the two ledgers ---------------------------------------------------------------------------

    def directive_ledger(self):
        year, orgs = self.today.year, self.state.orgs
        ledger = services.create_ledger(SYSTEM, kind=LedgerKind.DIRECTIVE_LEDGER,
                                        name=f"{year}年{directives.LEDGER_NAME}", organization=orgs["ROOT"], year=year,
                                        description=directives.LEDGER_DESCRIPTION)
        fates = list(DIRECTIVE_FATES)
        self.rng.shuffle(fates)
        for source in directives.current_directives(year, self.issued):
            directive = services.add_directive(SYSTEM, ledger=ledger, title=source.title,
                                               document_number=source.document_number, issuing_level=source.level,
                                               issued_on=source.issued_on)
            for item in source.tasks:
                self.play(ledger, orgs[item.owner], item.title, fates.pop(), directive=directive,
                          leader_keys=item.leaders)
        return ledger

    def task_list(self):
        rng, orgs = self.rng, self.state.orgs
        ledger = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name=f"{self.today.year}年{tasklist.NAME}",
                                        organization=orgs["ROOT"], year=self.today.year,
                                        description=tasklist.DESCRIPTION)
        plan, sections = [], {}
        for number, title, sub_number, sub_title, req in tasklist.requirements():
            if number not in sections:
                sections[number] = services.add_section(SYSTEM, ledger=ledger, number=number, title=title)
            key = (number, sub_number)
            if key not in sections:
                sections[key] = services.add_section(SYSTEM, ledger=ledger, parent=sections[number],
                                                     number=sub_number, title=sub_title)
            pool = self.top_level if req.pool == tasklist.ALL else self.colleges
            others = [c for c in pool if c != LOGIN_COLLEGE]
            chosen = set(rng.sample(others, max(1, req.count // 3) - bool(req.cs_now)))
            for code in pool:
                if code == LOGIN_COLLEGE and req.cs_now:
                    plan.append((sections[key], req.title, code, req.cs_now))
                elif code in chosen:
                    plan.append((sections[key], req.title, code, None))
        fates = REQUIRED + rng.choices(list(MIX), weights=list(MIX.values()),
                                       k=max(0, sum(f is None for *_x, f in plan) - len(REQUIRED)))
        rng.shuffle(fates)
        for section, title, code, fate in plan:
            fate = fate or fates.pop()
            if fate.startswith("split"):
                self.split(ledger, section, title, orgs[code], done=fate == "split_done")
            else:
                self.play(ledger, orgs[code], title, fate, section=section)
        return ledger

    # --- one task ----------------------------------------------------------------------------------------

    def deadline(self, fate, assigned):
        rng, today = self.rng, self.today
        if fate.startswith("overdue"):
            return between(rng, max(assigned + 30 * DAY, today - 40 * DAY), today - 3 * DAY)
        if fate == "due_soon":
            return today + rng.randint(1, 6) * DAY
        if fate == "done_late":
            return between(rng, assigned + 30 * DAY, today - 30 * DAY)
        if fate in ("done", "done_returned"):
            return between(rng, assigned + 40 * DAY, self.later)
        return between(rng, today + 14 * DAY, self.later)

    def milestones(self, fate, assigned, deadline):
        if fate not in WITH_MILESTONES or self.rng.random() > 0.35:
            return []
        span = (deadline - assigned).days
        dues = [assigned + timedelta(days=span * i // 3) for i in (1, 2)] + [deadline]
        return [{"title": t, "due_on": d} for t, d in zip(wording.MILESTONES, dues, strict=True)]

    def play(self, ledger, owner, title, fate, *, parent=None, leader_keys=None, assigned=None, deadline=None,
             **fields):
        """Create a task and take it as far as its fate says."""
        run, rng, today = self.run, self.rng, self.today
        assigned = assigned or self.issued + rng.randint(0, 10) * DAY
        deadline = deadline or self.deadline(fate, assigned)
        if leader_keys:
            leaders = self.seats.leaders(leader_keys, assigned)
        else:
            leaders = [p for p in [self.seats.secretary(owner, assigned)] if p]
        task = run.create(ledger, owner, title, assigned, deadline, parent=parent, leaders=leaders,
                          milestones=self.milestones(fate, assigned, deadline), **fields)
        branch = parent is not None
        if fate in ("done", "done_returned", "done_late"):
            if fate == "done_late":
                submit = between(rng, deadline + 3 * DAY, min(deadline + 20 * DAY, today - 12 * DAY))
            else:
                submit = between(rng, assigned + 15 * DAY, min(deadline, today - 12 * DAY))
            run.milestones(task, submit, finishing=True)
            return run.finish(task, submit, updates=3, returned=fate == "done_returned", limit=today,
                              evidence=rng.choice(["pdf", "png", "", "", ""]) if not branch else "", branch=branch)
        if fate in ("not_started", "overdue_new"):
            return task
        if fate == "cancelled":
            run.progress(task, [assigned + 5 * DAY])
            return services.cancel_task(SYSTEM, task, wording.CANCEL_REASON,
                                        today=between(rng, assigned + 10 * DAY, today - DAY))
        if fate == "overdue_returned":
            submit = between(rng, assigned + 10 * DAY, deadline - 5 * DAY)
            run.progress(task, report_days(rng, assigned, submit - DAY, 2), branch)
            run.submit(task, submit, branch)
            return run.return_(task, submit + 3 * DAY)
        if fate in ("submitted", "returned"):
            submit = between(rng, today - 14 * DAY, today - 6 * DAY)
            run.milestones(task, submit, finishing=True)
            run.progress(task, report_days(rng, assigned, submit - DAY, rng.randint(1, 2)), branch)
            task = run.submit(task, submit, branch)
            return run.return_(task, submit + 2 * DAY) if fate == "returned" else task
        # in_progress, overdue, due_soon: work started, not finished
        run.milestones(task, min(deadline, today))
        run.progress(task, report_days(rng, assigned, today - DAY, rng.randint(1, 3)), branch)
        return task

    # --- a college's item split among its branches ---------------------------------------------------------

    def split(self, ledger, section, title, college, *, done):
        run, rng, today = self.run, self.rng, self.today
        assigned = self.issued + rng.randint(0, 10) * DAY
        if done:
            deadline = between(rng, assigned + 70 * DAY, today + 30 * DAY)
        else:
            deadline = between(rng, today + 30 * DAY, self.later)
        secretary = self.seats.secretary(college, assigned)
        parent = run.create(ledger, college, title, assigned, deadline, section=section,
                            leaders=[secretary] if secretary else [])
        run.progress(parent, [assigned + 3 * DAY])
        sub_assigned = assigned + 7 * DAY
        branches = branches_of(self.state, college, sub_assigned)
        if done:
            last = sub_assigned
            for branch in branches:
                sub = self.play(ledger, branch, title, "done", parent=parent, assigned=sub_assigned,
                                deadline=deadline - 15 * DAY)
                last = max(last, sub.verified_on)
            submit = between(rng, last + DAY, max(last + DAY, min(deadline, today - 8 * DAY)))
            return run.finish(parent, submit, updates=1, limit=today)
        # The login branch's own sub-task is due within the week; one waits for the college's verification.
        fates = {LOGIN_BRANCH: "due_soon"}
        rest = [b for b in branches if b.code != LOGIN_BRANCH]
        for branch, fate in zip(rest, ["submitted", "overdue", "not_started"], strict=False):
            fates[branch.code] = fate
        for branch in branches:
            fate = fates.get(branch.code, "done")
            if fate == "done":
                sub_deadline = between(rng, sub_assigned + 40 * DAY, today + 20 * DAY)
            else:
                sub_deadline = self.deadline(fate, sub_assigned)
            sub_deadline = min(sub_deadline, deadline)
            self.play(ledger, branch, title, fate, parent=parent, assigned=sub_assigned, deadline=sub_deadline)
        return parent
