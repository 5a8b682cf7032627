"""Drives demo tasks through their life cycle with ledgers.services, as SYSTEM, each step on its own date
(the services' `today=`), so that transitions, progress updates and completion dates read as history."""
from collections import Counter
from datetime import timedelta

from core.scoping import SYSTEM

from .. import services
from . import files, wording

DAY = timedelta(days=1)


def between(rng, start, end):
    """A day from start to end inclusive (start when the range is empty)."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, span)) if span > 0 else start


def spread(rng, start, end, count):
    """Up to `count` distinct days from start to end, in order."""
    span = (end - start).days + 1
    if span <= 0:
        return []
    return [start + timedelta(days=d) for d in sorted(rng.sample(range(span), min(count, span)))]


def report_days(rng, assigned, end, count):
    """Days of `count` progress reports up to `end`: owners report within four weeks of getting a task,
    then now and then. Never before the second day of the task, never after `end` (at least one report,
    on `end` itself when there is no room before)."""
    start = assigned + 2 * DAY
    if end < start:
        return [max(end, assigned)]
    first = between(rng, start, min(start + 26 * DAY, end))
    return [first] + spread(rng, first + DAY, end, count - 1)


class Runner:
    def __init__(self, rng):
        self.rng = rng
        self.counts = Counter()

    def create(self, ledger, owner, title, assigned, deadline, **fields):
        self.counts["tasks"] += 1
        return services.create_task(SYSTEM, ledger=ledger, owner=owner, title=title, deadline=deadline,
                                    assigned_on=assigned, **fields)

    def progress(self, task, days, branch=False):
        """One update per day, the first from the early phase, the last from the late one."""
        for i, day in enumerate(days):
            if branch:
                text = wording.BRANCH[min(i, len(wording.BRANCH) - 1)]
            elif i == 0:
                text = self.rng.choice(wording.EARLY)
            elif i == len(days) - 1 and len(days) > 1:
                text = self.rng.choice(wording.LATE)
            else:
                text = self.rng.choice(wording.MIDDLE)
            services.add_progress(SYSTEM, task, text, written_on=day, today=day)
            self.counts["updates"] += 1

    def evidence(self, task, kind):
        services.add_evidence(SYSTEM, task, files.upload(kind, self.counts["evidence"], task),
                              note="演示佐证材料")
        self.counts["evidence"] += 1

    def submit(self, task, day, branch=False):
        note = self.rng.choice(wording.BRANCH_COMPLETION if branch else wording.COMPLETION)
        return services.submit_task(SYSTEM, task, note, today=day)

    def verify(self, task, day):
        return services.verify_task(SYSTEM, task, today=day)

    def return_(self, task, day):
        self.counts["returned"] += 1
        return services.return_task(SYSTEM, task, self.rng.choice(wording.RETURN_REASONS), today=day)

    def milestones(self, task, until, *, finishing=False):
        """Mark done the milestones due before `until`, each on or a few days before its due date; when the
        task is `finishing` on `until`, all of them, none later than that day."""
        rows = task.milestones.all() if finishing else task.milestones.filter(due_on__lt=until)
        for m in rows:
            done = min(until, max(task.assigned_on, m.due_on - timedelta(days=self.rng.randint(0, 4))))
            services.complete_milestone(SYSTEM, m, done, today=done)

    def finish(self, task, submit, *, updates=2, evidence="", returned=False, limit=None, branch=False):
        """Progress (1 to `updates` reports), evidence, submit on `submit`, verify a few days later but not
        after `limit`. `returned`: the first submission is sent back once and resubmitted six days later.
        Returns the verified task."""
        rng = self.rng
        self.progress(task, report_days(rng, task.assigned_on, submit - DAY, rng.randint(1, updates)), branch)
        if evidence:
            self.evidence(task, evidence)
        if returned:
            self.submit(task, submit, branch)
            self.return_(task, submit + 2 * DAY)
            services.add_progress(SYSTEM, task, wording.AFTER_RETURN, written_on=submit + 4 * DAY,
                                  today=submit + 4 * DAY)
            self.counts["updates"] += 1
            submit = submit + 6 * DAY
        self.submit(task, submit, branch)
        verified = submit + timedelta(days=rng.randint(1, 5))
        if limit is not None:
            verified = min(verified, limit)
        return self.verify(task, max(verified, submit))
