"""2019: the directive ledger (33 tasks) and the 153-item task list, everything done and verified within
the year; most on time, a few late, a couple returned once before they were accepted."""
from datetime import date, timedelta

from core.scoping import SYSTEM

from .. import services
from ..choices import LedgerKind
from . import directives, tasklist
from .runner import DAY, between

YEAR = 2019
YEAR_END = date(YEAR, 12, 31)
LIST_ISSUED = date(YEAR, 3, 20)  # the programme was adopted in March; its list went out with it


def branches_of(state, college, day):
    """The branches under a college-level organisation that existed on `day`, in tree order."""
    return [o for o in state.orgs.values() if o.kind == "branch" and o.path.startswith(college.path)
            and o.established_on <= day and not o.dissolved_on]


def directive_ledger(run, state, seats):
    rng, orgs = run.rng, state.orgs
    ledger = services.create_ledger(SYSTEM, kind=LedgerKind.DIRECTIVE_LEDGER, name=f"{YEAR}年{directives.LEDGER_NAME}",
                                    organization=orgs["ROOT"], year=YEAR, description=directives.LEDGER_DESCRIPTION)
    for source in directives.DIRECTIVES_2019:
        directive = services.add_directive(SYSTEM, ledger=ledger, title=source.title,
                                           document_number=source.document_number, issuing_level=source.level,
                                           issued_on=source.issued_on)
        for item in source.tasks:
            deadline = date(YEAR, *item.deadline)
            assigned = max(source.issued_on, date(YEAR, 1, 8)) + timedelta(days=rng.randint(5, 15))
            assigned = min(assigned, deadline - timedelta(days=30))
            task = run.create(ledger, orgs[item.owner], item.title, assigned, deadline, directive=directive,
                              co_owners=[orgs[c] for c in item.co_owners],
                              leaders=seats.leaders(item.leaders, assigned))
            if item.late:
                submit = deadline + timedelta(days=rng.randint(4, 18))
            else:
                submit = between(rng, max(assigned + 20 * DAY, deadline - 45 * DAY), deadline)
            run.finish(task, submit, updates=3, evidence=item.evidence, returned=rng.random() < 0.08,
                       limit=YEAR_END)
    return ledger


def task_list(run, state, seats, top_level, colleges):
    rng, orgs = run.rng, state.orgs
    pools = {tasklist.ALL: top_level, tasklist.COLLEGES: colleges}
    ledger = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name=f"{YEAR}年{tasklist.NAME}",
                                    organization=orgs["ROOT"], year=YEAR, description=tasklist.DESCRIPTION)
    sections = {}
    for number, title, sub_number, sub_title, req in tasklist.requirements():
        if number not in sections:
            sections[number] = services.add_section(SYSTEM, ledger=ledger, number=number, title=title)
        key = (number, sub_number)
        if key not in sections:
            sections[key] = services.add_section(SYSTEM, ledger=ledger, parent=sections[number], number=sub_number,
                                                 title=sub_title)
        pool = pools[req.pool]
        chosen = set(req.split) | set(rng.sample([c for c in pool if c not in req.split], req.count - len(req.split)))
        for code in (c for c in pool if c in chosen):
            org = orgs[code]
            deadline = date(YEAR, *req.deadline)
            leader = seats.secretary(org, LIST_ISSUED)
            task = run.create(ledger, org, req.title, LIST_ISSUED, deadline, section=sections[key],
                              leaders=[leader] if leader else [])
            if code in req.split:
                _split_and_finish(run, state, seats, task)
            else:
                submit = between(rng, max(LIST_ISSUED + 20 * DAY, deadline - 50 * DAY), deadline)
                run.finish(task, submit, updates=1, returned=rng.random() < 0.02, limit=YEAR_END)
    return ledger


def _split_and_finish(run, state, seats, task):
    """The college splits its item among its branches; each branch finishes before the college submits."""
    rng = run.rng
    assigned = task.assigned_on + 7 * DAY
    sub_deadline = task.deadline - 15 * DAY
    last = assigned
    for branch in branches_of(state, task.owner, assigned):
        secretary = seats.secretary(branch, assigned)
        sub = run.create(task.ledger, branch, task.title, assigned, sub_deadline, parent=task,
                         leaders=[secretary] if secretary else [])
        submit = between(rng, max(assigned + 15 * DAY, sub_deadline - 40 * DAY), sub_deadline)
        done = run.finish(sub, submit, updates=1, branch=True, limit=YEAR_END)
        last = max(last, done.verified_on)
    submit = between(rng, last + DAY, max(last + DAY, task.deadline))
    run.finish(task, submit, updates=2, limit=YEAR_END)
