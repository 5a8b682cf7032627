"""Property: every figure checked here equals an independent count over the raw rows, for random trees,
records, moves, dissolutions, subtrees, periods and as-of dates (issue 5, "Correctness").

Each example builds a small tree (random kinds, parents and establishment dates), meetings and ledger
tasks with status transitions on random organisations and days, people with memberships, transfers and
status changes (through members.services: a transfer or change the service refuses is left out), matters
with timelines of submissions, pre-reviews and decisions, branch visits, brand projects and honours, then
moves subtrees on random days
through orgs.services (a move the service refuses is left out) and dissolves a few organisations. The
figures (through the registry, unrestricted) are compared with counts computed here in Python from the
rows as created (memberships and statuses as the services were asked to write them) and a tree on each
day rebuilt by replaying the moves: an organisation was in the tree
on day d if d is not before its establishment date (nor any ancestor's that day), and under the parent
its last move by d gave it. Nothing here reads orgs.PathHistory or reuses the figures' code.

Each example runs in a savepoint rolled back at its end, so examples do not see each other's rows.
"""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.errors import BusinessRuleError
from core.figures import SYSTEM_USER, Period, registry
from core.scoping import SYSTEM
from decisions.choices import Action as MatterAction
from decisions.choices import Category as MatterCategory
from decisions.models import Event as MatterEvent
from decisions.models import Matter
from ledgers.choices import OWNER_OPEN, Event, LedgerKind, TaskStatus
from ledgers.models import Ledger, Task, Transition
from liaison.models import BranchVisit
from meetings.models import Meeting
from members import services as members
from members.choices import Category, PartyStatus
from members.identity import make_id_number
from members.models import Person
from orgs import services
from orgs.choices import ALLOWED_CHILDREN
from orgs.models import Organization
from recognition.models import BrandProject, Honor

pytestmark = pytest.mark.django_db

TODAY = date.today()
EARLY = date(1900, 1, 1)  # the start of an organisation without an establishment date (as documented)
MEETING_KINDS = ("branch_committee", "member_assembly")
STATUSES = [s.value for s in TaskStatus]
PARTY_STATUSES = [PartyStatus.FULL, PartyStatus.FULL, PartyStatus.PROBATIONARY, PartyStatus.PROBATIONARY,
                  PartyStatus.CANDIDATE, PartyStatus.RETAINED, PartyStatus.LEFT]  # members twice as likely
COUNTED = {PartyStatus.FULL, PartyStatus.PROBATIONARY}  # written out here, not imported from the figures
MATTER_ACTIONS = {"decisions.submitted": MatterAction.SUBMIT, "decisions.pre_reviewed": MatterAction.PRE_REVIEW_AGREE,
                  "decisions.returned": MatterAction.PRE_REVIEW_RETURN, "decisions.decided": MatterAction.DECIDE}

days = st.dates(date(2014, 1, 1), TODAY)
record_days = st.dates(date(2015, 1, 1), min(TODAY, date(2025, 12, 31)))
periods = st.one_of(
    st.integers(2016, 2024).map(Period.year),
    st.builds(Period.quarter, st.integers(2016, 2024), st.integers(1, 4)),
)


class Rollback(Exception):
    pass


class World:
    """The rows as created, and the tree on any day rebuilt from the creation and the accepted moves."""

    def __init__(self):
        self.orgs = []       # Organization, in creation order
        self.parent0 = {}    # pk -> parent pk at creation
        self.start = {}      # pk -> establishment date (EARLY if none; never after today)
        self.kind = {}
        self.moves = []      # (pk, new parent pk, day), in the order (and so the day order) accepted
        self.meetings = []   # (org pk, kind, day, status, has_first_topic)
        self.ledgers = []    # (Ledger, year, kind)
        self.tasks = []      # dicts: pk, ledger, owner, parent (task index or None), deadline, transitions
        self.people = []     # dicts: category, memberships [org pk, from, to or None], statuses [(day, status)]
        self.matters = []    # (org pk, [(action, day)])
        self.visits = []     # (branch pk, day)
        self.brands = []     # (org pk, level, approved_on or None, rejected)
        self.honors = []     # (org pk, kind, year)
        self.dissolved = {}  # pk -> dissolution day

    def parent_on(self, pk, day):
        parent = self.parent0[pk]
        for moved, new_parent, on in self.moves:
            if moved == pk and on <= day:
                parent = new_parent
        return parent

    def chain_on(self, pk, day):
        """pk and its ancestors on `day`, or None if it was not in the tree that day."""
        chain, seen = [], set()
        while pk is not None:
            assert pk not in seen, "the replayed tree has a cycle"
            seen.add(pk)
            if day < self.start[pk]:
                return None
            chain.append(pk)
            pk = self.parent_on(pk, day)
        return chain

    def within(self, pk, root, day):
        chain = self.chain_on(pk, day)
        return chain is not None and root in chain

    # --- the independent counts ---

    def meetings_of_kind(self, kind, root, period, as_of):
        return sum(1 for org, k, day, status, _first in self.meetings
                   if k == kind and status == "held" and day in period and self.within(org, root, as_of))

    def first_topic_branches(self, root, period, as_of):
        return sum(1 for org, _k, day, status, first in self.meetings
                   if first and status == "held" and day in period and self.kind[org] == "branch"
                   and self.within(org, root, as_of))

    def counted_tasks(self, root, period, as_of):
        """(task, status on as_of) for the tasks the subtree answers for."""
        out = []
        for task in self.tasks:
            _ledger, year, _kind = self.ledgers[task["ledger"]]
            if not period.start.year <= year <= period.end.year or not self.within(task["owner"], root, as_of):
                continue
            if task["parent"] is not None and self.within(self.tasks[task["parent"]]["owner"], root, as_of):
                continue
            then = [(on, n, status) for n, (on, status) in enumerate(task["transitions"]) if on <= as_of]
            if then:
                out.append((task, max(then)[2]))
        return out

    def task_list_items(self, root, period, as_of):
        return sum(1 for task, status in self.counted_tasks(root, period, as_of)
                   if self.ledgers[task["ledger"]][2] == LedgerKind.TASK_LIST and status != TaskStatus.CANCELLED)

    def tasks_with_status(self, status, root, period, as_of):
        return sum(1 for _task, s in self.counted_tasks(root, period, as_of) if s == status)

    def members(self, root, as_of):
        """The status on as_of of each person whose membership in force on as_of (from <= as_of < to) was in
        the subtree that day, and whose latest status by then (same day: the later written) is a member's."""
        out = []
        for person in self.people:
            held = [org for org, since, until in person["memberships"]
                    if since <= as_of and (until is None or as_of < until)]
            assert len(held) <= 1, "memberships overlap"
            if not held or not self.within(held[0], root, as_of):
                continue
            then = [(on, n, status) for n, (on, status) in enumerate(person["statuses"]) if on <= as_of]
            if then and max(then)[2] in COUNTED:
                out.append((person, max(then)[2]))
        return out

    def matters_through(self, action, root, period, as_of):
        return sum(1 for org, timeline in self.matters
                   if self.within(org, root, as_of)
                   and any(a == action and period.start <= on <= min(period.end, as_of) for a, on in timeline))

    def visits_in(self, root, period, as_of):
        return sum(1 for org, day in self.visits if day in period and self.within(org, root, as_of))

    def branches_visited(self, root, period, as_of):
        """Branches in the subtree on as_of, existing on some day of the period, visited in it."""
        return len({org for org, day in self.visits
                    if day in period and self.within(org, root, as_of) and self.kind[org] == "branch"
                    and self.start[org] <= period.end
                    and (org not in self.dissolved or self.dissolved[org] > period.start)})

    def brands_approved(self, level, root, period, as_of):
        return sum(1 for org, lv, approved, rejected in self.brands
                   if lv == level and approved and not rejected and period.start <= approved <= min(period.end, as_of)
                   and self.within(org, root, as_of))

    def honors_in(self, root, period, as_of, kind=None):
        return sum(1 for org, k, year in self.honors
                   if (kind is None or k == kind) and period.start.year <= year <= period.end.year
                   and self.within(org, root, as_of))

    def overdue(self, root, period, as_of):
        return sum(1 for task, s in self.counted_tasks(root, period, as_of)
                   if s in OWNER_OPEN and task["deadline"] < as_of)


def build(data, world):
    root_est = data.draw(st.one_of(st.none(), st.dates(date(2010, 1, 1), date(2016, 12, 31))), label="root")
    kinds = ["committee"]
    for i in range(data.draw(st.integers(2, 8), label="size") + 1):
        if i == 0:
            parent, kind, est = None, "committee", root_est
        else:
            hosts = [j for j, k in enumerate(kinds[:len(world.orgs)]) if ALLOWED_CHILDREN[k]]
            parent = data.draw(st.sampled_from(hosts), label="parent")
            kind = data.draw(st.sampled_from(sorted(ALLOWED_CHILDREN[kinds[parent]])), label="kind")
            est = data.draw(st.one_of(st.none(), st.dates(date(2012, 1, 1), date(2021, 12, 31))), label="est")
            kinds.append(kind)
        org = Organization.objects.create(code=f"P{i}", name=f"组织{i}", kind=kind, established_on=est,
                                          parent=world.orgs[parent] if parent is not None else None)
        world.orgs.append(org)
        world.parent0[org.pk] = world.orgs[parent].pk if parent is not None else None
        world.start[org.pk] = min(est or EARLY, TODAY)
        world.kind[org.pk] = kind
    pks = [o.pk for o in world.orgs]
    orgs = st.sampled_from(pks)

    for _ in range(data.draw(st.integers(0, 14), label="meetings")):
        row = (data.draw(orgs), data.draw(st.sampled_from(MEETING_KINDS)), data.draw(record_days),
               data.draw(st.sampled_from(["held", "held", "cancelled"])), data.draw(st.booleans()))
        Meeting.objects.create(organization_id=row[0], kind=row[1], held_on=row[2], status=row[3],
                               has_first_topic=row[4], title="会议")
        world.meetings.append(row)

    for n in range(data.draw(st.integers(1, 2), label="ledgers")):
        year = data.draw(st.integers(2017, 2023))
        kind = data.draw(st.sampled_from([LedgerKind.TASK_LIST, LedgerKind.DIRECTIVE_LEDGER]))
        ledger = Ledger.objects.create(kind=kind, name=f"台账{n}", organization=world.orgs[0], year=year)
        world.ledgers.append((ledger, year, kind))
    for _ in range(data.draw(st.integers(0, 10), label="tasks")):
        li = data.draw(st.integers(0, len(world.ledgers) - 1))
        same = [n for n, t in enumerate(world.tasks) if t["ledger"] == li]
        parent = data.draw(st.one_of(st.none(), st.sampled_from(same))) if same else None
        owner = data.draw(orgs)
        deadline = data.draw(record_days)
        transitions = data.draw(st.lists(st.tuples(record_days, st.sampled_from(STATUSES)), min_size=1, max_size=3))
        task = Task.objects.create(ledger=world.ledgers[li][0], owner_id=owner, title="任务", deadline=deadline,
                                   assigned_on=transitions[0][0],
                                   parent_id=world.tasks[parent]["pk"] if parent is not None else None)
        for on, status in transitions:  # in this order: same-day ties go to the later one
            Transition.objects.create(task=task, event=Event.STARTED, status=status, on=on)
        world.tasks.append(dict(pk=task.pk, ledger=li, owner=owner, parent=parent, deadline=deadline,
                                transitions=transitions))

    hosts = [pk for pk in pks if world.kind[pk] in ("branch", "general_branch", "committee")]
    for n in range(data.draw(st.integers(0, 8), label="people")):
        org, joined = data.draw(st.sampled_from(hosts)), data.draw(record_days)
        status, since = data.draw(st.sampled_from(PARTY_STATUSES)), data.draw(st.one_of(st.none(), record_days))
        category = data.draw(st.sampled_from([c.value for c in Category]))
        try:
            person = members.create_person(
                SYSTEM, joined_on=joined, name=f"人员{n}", id_number=make_id_number("440305", date(1990, 1, 1), n),
                category=category, party_status=status, status_since=since, organization=Organization(pk=org))
        except (BusinessRuleError, ValidationError):
            continue  # the organisation was not yet established on that day
        row = dict(category=category, memberships=[[org, joined, None]], statuses=[(since or joined, status)])
        world.people.append(row)
        for to, on in sorted(data.draw(st.lists(st.tuples(st.sampled_from(pks), record_days), max_size=3)),
                             key=lambda t: t[1]):
            try:
                person = members.transfer(SYSTEM, person, Organization(pk=to), on)
            except (BusinessRuleError, ValidationError):
                continue  # same organisation, a group, not yet established, or not after the last transfer
            row["memberships"][-1][2] = on
            row["memberships"].append([to, on, None])
        for status, on in sorted(data.draw(st.lists(st.tuples(st.sampled_from(PARTY_STATUSES), record_days),
                                                    max_size=3)), key=lambda t: t[1]):
            try:
                person = members.change_status(SYSTEM, person, status, on)
            except BusinessRuleError:
                continue  # before the last change
            row["statuses"].append((on, status))

    steps = st.tuples(st.sampled_from(sorted(MATTER_ACTIONS.values())), record_days)
    matters = data.draw(st.lists(st.tuples(orgs, st.lists(steps, max_size=4)), max_size=5), label="matters")
    if matters:
        proposer = Person.objects.create(name="提出人", id_number=make_id_number("440305", date(1980, 1, 1), 1),
                                         birth_date=date(1980, 1, 1), gender="female", category="teacher",
                                         organization=world.orgs[0])
    for org, timeline in matters:
        matter = Matter.objects.create(title="事项", category=MatterCategory.OTHER, organization_id=org,
                                       proposer=proposer)
        for action, on in timeline:
            MatterEvent.objects.create(matter=matter, action=action, status="submitted", on=on)
        world.matters.append((org, timeline))

    branches = [pk for pk in pks if world.kind[pk] == "branch"]
    for branch, day in data.draw(st.lists(st.tuples(st.sampled_from(branches), record_days), max_size=6)
                                 if branches else st.just([]), label="visits"):
        BranchVisit.objects.create(branch_id=branch, visited_on=day)
        world.visits.append((branch, day))
    for org, level, approved, rejected in data.draw(st.lists(st.tuples(
            orgs, st.sampled_from(["college", "branch"]), st.one_of(st.none(), record_days), st.booleans()),
            max_size=5), label="brands"):
        BrandProject.objects.create(level=level, organization_id=org, name="品牌", started_on=date(2015, 1, 1),
                                    approved_on=None if rejected else approved,
                                    status="rejected" if rejected else "approved" if approved else "proposed")
        world.brands.append((org, level, None if rejected else approved, rejected))
    for org, kind, year in data.draw(st.lists(st.tuples(orgs, st.sampled_from(["model_branch", "advanced_collective"]),
                                                        st.integers(2015, 2025)), max_size=5), label="honors"):
        Honor.objects.create(kind=kind, level="university", title="荣誉", year=year, issuer="校党委",
                             organization_id=org)
        world.honors.append((org, kind, year))

    moves = data.draw(st.lists(st.tuples(st.sampled_from(pks[1:]), orgs, days), max_size=4), label="moves")
    for pk, new_parent, on in sorted(moves, key=lambda m: m[2]):
        try:
            services.move_organization(SYSTEM, Organization(pk=pk), Organization(pk=new_parent), on_date=on)
        except BusinessRuleError:
            continue  # a cycle, a kind that cannot hang there, or a day before the last change of place
        world.moves.append((pk, new_parent, on))

    for pk, on in data.draw(st.lists(st.tuples(orgs, st.dates(date(2015, 1, 1), TODAY)), max_size=2), label="dissolve"):
        try:
            services.dissolve_organization(SYSTEM, Organization.objects.get(pk=pk), on)
        except (BusinessRuleError, ValidationError):
            continue
        world.dissolved[pk] = on


def check(data, world):
    pks = [o.pk for o in world.orgs]
    by_pk = {o.pk: o for o in world.orgs}
    for _ in range(4):
        root = by_pk[data.draw(st.sampled_from(pks), label="org")]
        # Some periods are the year of a record, so that counts are not mostly of empty periods.
        years = sorted({day.year for _o, _k, day, _s, _f in world.meetings}
                       | {on.year for _o, timeline in world.matters for _a, on in timeline}
                       | {day.year for _o, day in world.visits} & set(range(2016, 2025)))
        period = data.draw(st.one_of(periods, st.sampled_from(years).map(Period.year)) if years else periods,
                           label="period")
        as_of = data.draw(st.one_of(st.none(), days), label="as_of")
        day = as_of or period.end

        expected = {
            **{f"meetings.kind.{k}": world.meetings_of_kind(k, root.pk, period, day) for k in MEETING_KINDS},
            "meetings.first_topic.branches": world.first_topic_branches(root.pk, period, day),
            "ledgers.task_list.items": world.task_list_items(root.pk, period, day),
            "ledgers.tasks.overdue": world.overdue(root.pk, period, day),
            **{f"ledgers.status.{s}": world.tasks_with_status(s, root.pk, period, day)
               for s in (TaskStatus.DONE, TaskStatus.NOT_STARTED, TaskStatus.CANCELLED)},
            **{code: world.matters_through(action, root.pk, period, day) for code, action in MATTER_ACTIONS.items()},
            "liaison.visits": world.visits_in(root.pk, period, day),
            "liaison.branches_visited": world.branches_visited(root.pk, period, day),
            "recognition.brands": world.brands_approved("college", root.pk, period, day),
            "recognition.features": world.brands_approved("branch", root.pk, period, day),
            "recognition.model_branches": world.honors_in(root.pk, period, day, "model_branch"),
            "recognition.honors": world.honors_in(root.pk, period, day),
        }
        counted = world.members(root.pk, day)
        expected["members.total"] = len(counted)
        for s in COUNTED:
            expected[f"members.status.{s.value}"] = sum(1 for _p, status in counted if status == s)
        for c in Category:
            expected[f"members.category.{c.value}"] = sum(1 for p, _s in counted if p["category"] == c)
        actual = {code: registry.get(code).value(SYSTEM_USER, root, period, as_of) for code in expected}
        event(f"moves accepted: {len(world.moves)}")
        event("some meeting counted" if expected["meetings.kind.branch_committee"] else "no meeting counted")
        event("some task counted" if expected["ledgers.status.not_started"] else "no task counted")
        event("some member counted" if expected["members.total"] else "no member counted")
        event("some matter decided" if expected["decisions.decided"] else "no matter decided")
        event("some branch visited" if expected["liaison.branches_visited"] else "no branch visited")
        assert actual == expected, (root.code, period, as_of, world.moves)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(data=st.data())
def test_figures_equal_independent_counts(db, data):
    try:
        with transaction.atomic():
            world = World()
            build(data, world)
            check(data, world)
            raise Rollback
    except Rollback:
        pass


def test_the_property_sees_moves_that_change_counts(db):
    """The generated worlds are not all trivial: a move between colleges changes a past count (of meetings
    and of members), and the independent count follows it (a guard against a property that could only ever
    compare zeros)."""
    world = World()
    root = Organization.objects.create(code="R", name="根", kind="committee", established_on=date(2010, 1, 1))
    a = Organization.objects.create(code="A", name="甲", kind="committee", parent=root)
    b = Organization.objects.create(code="B", name="乙", kind="committee", parent=root)
    branch = Organization.objects.create(code="A1", name="支部", kind="branch", parent=a)
    for org in (root, a, b, branch):
        world.orgs.append(org)
        world.parent0[org.pk] = org.parent_id
        world.start[org.pk] = date(2010, 1, 1)
        world.kind[org.pk] = org.kind
    Meeting.objects.create(organization=branch, kind="branch_committee", held_on=date(2019, 5, 1), title="会议")
    world.meetings.append((branch.pk, "branch_committee", date(2019, 5, 1), "held", False))
    members.create_person(SYSTEM, joined_on=date(2018, 3, 1), name="党员", category="teacher",
                          id_number=make_id_number("440305", date(1990, 1, 1), 7), party_status=PartyStatus.FULL,
                          organization=branch)
    world.people.append(dict(category="teacher", memberships=[[branch.pk, date(2018, 3, 1), None]],
                             statuses=[(date(2018, 3, 1), PartyStatus.FULL)]))
    services.move_organization(SYSTEM, branch, b, on_date=date(2020, 1, 1))
    world.moves.append((branch.pk, b.pk, date(2020, 1, 1)))
    code, period = "meetings.kind.branch_committee", Period.year(2019)
    for org, as_of, n in ((a, None, 1), (b, None, 0), (a, TODAY, 0), (b, TODAY, 1)):
        assert registry.get(code).value(SYSTEM_USER, org, period, as_of) == n
        assert world.meetings_of_kind("branch_committee", org.pk, period, as_of or period.end) == n
        assert registry.get("members.total").value(SYSTEM_USER, org, period, as_of) == n
        assert len(world.members(org.pk, as_of or period.end)) == n
