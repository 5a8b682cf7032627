"""The synthetic data generator behind `manage.py synth`.

Deterministic: every pass draws from its own `random.Random(f"{seed}:{pass}")` and every id is given
explicitly, so the same preset, seed and last year give the same rows, ids included, on any database.

Rows are written straight into the tables (synth.sink: COPY on PostgreSQL), bypassing the services and the
audit trail on purpose: this is bulk synthetic data for benchmarks, millions of rows that no user entered.
What the services would derive is derived here the same way (Organization.path/depth, one PathHistory row
per organisation, Person name keys, Meeting.has_first_topic from its agenda), and parents are loaded before
children with every constraint on. Only the three benchmark users go through the services.

Passes, each one table (a COPY at a time per connection): organisations, path history, people, status
changes, memberships, committee seats, meetings, agenda items, attendance, ledgers, tasks, transitions,
matters, matter events, liaisons, branch visits, their leaders, visit problems. Later passes read compact
arrays that earlier passes kept (person id ranges per organisation, meeting kinds), never the database.
"""
import random
from array import array
from datetime import UTC, date, datetime, time, timedelta

from decisions.choices import Action
from decisions.choices import Category as MatterCategory
from decisions.choices import Status as MatterStatus
from decisions.models import Event as MatterEvent
from decisions.models import Matter
from ledgers.choices import Event as TaskEvent
from ledgers.choices import LedgerKind, TaskStatus
from ledgers.models import Ledger, Task, Transition
from liaison.choices import ProblemStatus
from liaison.models import BranchVisit, Liaison, Problem
from meetings.choices import ATTENDEES_FROM, AttendanceStatus
from meetings.choices import Kind as MeetingKind
from meetings.models import AgendaItem, Attendance, Meeting
from members.choices import CadreLevel, Category, Education, PartyStatus, Post
from members.models import CommitteeSeat, Membership, Person, StatusChange
from orgs.choices import Composition, Kind
from orgs.models import Organization, PathHistory, path_segment

from .people import Identities, birth_between
from .sink import Sink, Table

KIND_NAMES = {Kind.COMMITTEE: "党委", Kind.GENERAL_BRANCH: "党总支", Kind.BRANCH: "党支部"}
COMPOSITIONS = ((Composition.TEACHER, 3), (Composition.STUDENT, 4), (Composition.STAFF, 1),
                (Composition.RETIREE, 1), (Composition.TEACHER_STUDENT_JOINT, 1))
CATEGORY_OF = {Composition.TEACHER: Category.TEACHER, Composition.STUDENT: Category.STUDENT,
               Composition.STAFF: Category.STAFF, Composition.RETIREE: Category.RETIREE}
BIRTH_YEARS = {Category.TEACHER: (1962, 1994), Category.STUDENT: (1996, 2005), Category.STAFF: (1965, 1998),
               Category.RETIREE: (1938, 1962)}
EDUCATION = {Category.TEACHER: (Education.DOCTORATE, Education.MASTER),
             Category.STUDENT: (Education.BACHELOR, Education.MASTER, Education.DOCTORATE),
             Category.STAFF: (Education.BACHELOR, Education.COLLEGE, Education.MASTER),
             Category.RETIREE: (Education.BACHELOR, Education.COLLEGE, Education.SECONDARY)}
# Meetings a year, by who holds them (weights); each kind is one the organisation kind may hold (HELD_BY).
MEETING_MIX = {
    Kind.BRANCH: ((MeetingKind.MEMBER_ASSEMBLY, 4), (MeetingKind.BRANCH_COMMITTEE, 2), (MeetingKind.THEME_DAY, 2),
                  (MeetingKind.PARTY_LECTURE, 1), (MeetingKind.LIFE_MEETING, 1), (MeetingKind.STUDY_SEMINAR, 1)),
    Kind.GENERAL_BRANCH: ((MeetingKind.MEMBER_ASSEMBLY, 2), (MeetingKind.BRANCH_COMMITTEE, 3),
                          (MeetingKind.PARTY_LECTURE, 1), (MeetingKind.THEME_DAY, 1)),
    Kind.COMMITTEE: ((MeetingKind.COMMITTEE_MEETING, 4), (MeetingKind.CENTRAL_GROUP_STUDY, 2),
                     (MeetingKind.JOINT_MEETING, 2), (MeetingKind.STUDY_SEMINAR, 1), (MeetingKind.PARTY_LECTURE, 1)),
}
THEMES = ("学习贯彻党的二十大精神", "学习习近平新时代中国特色社会主义思想", "学习贯彻全会精神", "党纪学习教育",
          "主题教育专题学习", "发展党员工作", "党费收缴情况", "年度工作总结", "民主评议党员", "组织生活会准备")
LEDGER_NAMES = {LedgerKind.DIRECTIVE_LEDGER: "落实指示批示和决策部署台账", LedgerKind.TASK_LIST: "任务清单"}
FIRST_TOPIC = "第一议题：学习习近平总书记重要讲话精神"
SEATS = {Kind.BRANCH: (Post.SECRETARY, Post.ORGANIZATION, Post.PUBLICITY),
         Kind.GENERAL_BRANCH: (Post.SECRETARY, Post.ORGANIZATION, Post.PUBLICITY),
         Kind.COMMITTEE: (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.ORGANIZATION)}
TASK_STATES = ((TaskStatus.DONE, 60), (TaskStatus.IN_PROGRESS, 20), (TaskStatus.NOT_STARTED, 8),
               (TaskStatus.SUBMITTED, 7), (TaskStatus.CANCELLED, 5))
MODELS = [Organization, PathHistory, Person, StatusChange, Membership, CommitteeSeat, Meeting, AgendaItem,
          Attendance, Ledger, Task, Transition, Matter, MatterEvent, Liaison, BranchVisit,
          BranchVisit.leaders.through, Problem]


def _weighted(pairs):
    return [k for k, w in pairs for _ in range(w)]


def default_last_year():
    return date.today().year - 1


class DatabaseNotEmpty(Exception):
    pass


def ensure_empty(using="default"):
    full = [m._meta.label for m in MODELS if m.objects.using(using).exists()]
    if full:
        raise DatabaseNotEmpty(f"the database already holds {', '.join(full)}: synth loads into an empty one "
                               "(a fresh database after migrate)")


class Generator:
    def __init__(self, preset, seed=1, last_year=None, using="default"):
        self.preset, self.seed = preset, seed
        self.last_year = last_year or default_last_year()
        self.years = list(range(self.last_year - preset.years + 1, self.last_year + 1))
        self.start = date(self.years[0], 1, 1)
        self.stamp = datetime(self.last_year + 1, 1, 1, tzinfo=UTC)
        self.sink = Sink(using)

    def rng(self, name):
        return random.Random(f"{self.seed}:{name}")

    def table(self, model, varying, **constants):
        return self.sink.table(Table(model, varying, constants, stamp=self.stamp))

    def run(self):
        ensure_empty(self.sink.using)
        with self.sink.deferring(MODELS):
            for step in (self.organizations, self.people, self.seats, self.meetings, self.ledgers, self.matters,
                         self.liaison):
                step()
        self.sink.reset_sequences()
        return self.sink.stats

    # --- the tree -------------------------------------------------------------------------------------
    def organizations(self):
        rng = self.rng("tree")
        p = self.preset
        # Level by level, so that a parent's id is always smaller than its children's.
        root_est = date(1990, 1, 1).toordinal()
        self.parent, self.kind, self.path, self.depth = [None], [Kind.COMMITTEE], [path_segment(1)], [0]
        self.est, self.comp = [root_est], [""]
        level = [0]
        latest = self.start.toordinal() - 400  # every organisation exists a year before the records start
        for depth, (kind, (lo, hi)) in enumerate(p.levels, start=1):
            nxt = []
            for parent in level:
                for _i in range(rng.randint(lo, hi)):
                    i = len(self.kind)
                    self.parent.append(parent)
                    self.kind.append(kind)
                    self.path.append(self.path[parent] + path_segment(i + 1))
                    self.depth.append(depth)
                    self.est.append(min(self.est[parent] + rng.randrange(0, 5 * 365), latest))
                    self.comp.append(rng.choice(_weighted(COMPOSITIONS)) if kind == Kind.BRANCH else "")
                    nxt.append(i)
            level = nxt
        self.branches = level
        # The depth-1 organisation above each one (the root for itself): every large table's top_id (orgs.top).
        self.top = [i if d <= 1 else None for i, d in enumerate(self.depth)]
        for i, d in enumerate(self.depth):
            if d > 1:
                self.top[i] = self.top[self.parent[i]]
        # The nearest committee above each organisation (itself for a committee): whose cadres lead and visit.
        self.committee_of = [i if k == Kind.COMMITTEE else None for i, k in enumerate(self.kind)]
        for i, k in enumerate(self.kind):
            if k != Kind.COMMITTEE:
                self.committee_of[i] = self.committee_of[self.parent[i]]

        cols = ("id", "code", "name", "kind", "parent_id", "path", "depth", "composition", "established_on",
                "sort_order")
        with self.table(Organization, cols) as t:
            for i, kind in enumerate(self.kind):
                parent = self.parent[i]
                t.write(i + 1, f"S{i + 1:08d}", f"第{i + 1}{KIND_NAMES[kind]}", kind,
                        None if parent is None else parent + 1, self.path[i], self.depth[i], self.comp[i],
                        date.fromordinal(self.est[i]), i)
        with self.table(PathHistory, ("id", "organization_id", "path", "valid_from")) as t:
            for i in range(len(self.kind)):
                t.write(i + 1, i + 1, self.path[i], date.fromordinal(self.est[i]))

    # --- people, their statuses and memberships --------------------------------------------------------------
    def people(self):
        rng = self.rng("people")
        ids = Identities(rng)
        p = self.preset
        n_orgs = len(self.kind)
        self.first = array("l", [0]) * n_orgs  # first person id of each organisation
        self.count = array("l", [0]) * n_orgs
        n_people = 0
        since = array("l")  # ordinal of each person's current status
        probationary = bytearray()
        probation_from = date(self.last_year, 1, 1).toordinal()
        cols = ("id", "name", "name_initials", "name_pinyin", "gender", "birth_date", "id_number", "mobile",
                "education", "category", "cadre_level", "party_status", "status_since", "organization_id", "top_id")
        with self.table(Person, cols) as t:
            for i, kind in enumerate(self.kind):
                if kind == Kind.BRANCH:
                    n = rng.randint(*p.people_per_branch)
                    level = CadreLevel.NONE
                else:
                    n = p.cadres_per_committee
                    level = CadreLevel.SENIOR if i == 0 else CadreLevel.MIDDLE
                self.first[i], self.count[i] = n_people + 1, n
                composition = self.comp[i]
                for _j in range(n):
                    n_people += 1
                    category = CATEGORY_OF.get(composition) or rng.choice(
                        (Category.TEACHER, Category.STUDENT) if composition else (Category.TEACHER, Category.STAFF))
                    birth = birth_between(rng, *BIRTH_YEARS[category])
                    male = rng.random() < 0.55
                    name, initials, pinyin = ids.name()
                    is_new = category == Category.STUDENT and rng.random() < 0.25 or rng.random() < 0.03
                    if is_new:
                        day = rng.randrange(probation_from, probation_from + 300)
                    else:
                        adult = date(birth.year + 19, 7, 1).toordinal()
                        day = rng.randrange(adult, max(adult + 1, self.est[i] - 30))
                    since.append(day)
                    probationary.append(is_new)
                    t.write(n_people, name, initials, pinyin, "male" if male else "female", birth,
                            ids.id_number(birth, male), ids.mobile(), rng.choice(EDUCATION[category]), category,
                            level, PartyStatus.PROBATIONARY if is_new else PartyStatus.FULL,
                            date.fromordinal(day), i + 1, self.top[i] + 1)
        self.n_people = n_people
        with self.table(StatusChange, ("id", "person_id", "status", "changed_on"), created_at=self.stamp) as t:
            for k in range(n_people):
                t.write(k + 1, k + 1, PartyStatus.PROBATIONARY if probationary[k] else PartyStatus.FULL,
                        date.fromordinal(since[k]))
        # Members join their organisation when it exists and they are members (the newly admitted on that day).
        with self.table(Membership, ("id", "person_id", "organization_id", "valid_from", "top_id")) as t:
            for i in range(n_orgs):
                est, top = self.est[i], self.top[i] + 1
                for pid in range(self.first[i], self.first[i] + self.count[i]):
                    t.write(pid, pid, i + 1, date.fromordinal(max(est, since[pid - 1])), top)

    def seats(self):
        rng = self.rng("seats")
        seat_id = 0
        with self.table(CommitteeSeat, ("id", "organization_id", "post", "person_id", "started_on", "is_dual_leader",
                                        "dual_leader_basis")) as t:
            for i, kind in enumerate(self.kind):
                started = date.fromordinal(max(self.est[i], self.start.toordinal() - 700))
                for post, pid in zip(SEATS[kind], range(self.first[i], self.first[i] + self.count[i]), strict=False):
                    dual = (post == Post.SECRETARY and self.comp[i] in (Composition.TEACHER,
                                                                          Composition.TEACHER_STUDENT_JOINT)
                            and rng.random() < 0.7)
                    seat_id += 1
                    t.write(seat_id, i + 1, post, pid, started, dual, "senior_title" if dual else "")

    # --- meetings, agenda, attendance ---------------------------------------------------------------------
    def meetings(self):
        rng = self.rng("meetings")
        p = self.preset
        mixes = {k: _weighted(v) for k, v in MEETING_MIX.items()}
        org_of = array("l")  # per meeting: organisation index
        by_seats = bytearray()  # per meeting: attendees are the seat holders (else a sample of the members)
        first_topic = bytearray()
        year_days = [(date(y, 1, 1).toordinal(), date(y, 12, 31).toordinal()) for y in self.years]
        cols = ("id", "kind", "organization_id", "title", "held_on", "starts_at", "status", "host_id",
                "has_first_topic", "top_id")
        starts = time(14, 30)
        with self.table(Meeting, cols) as t:
            for i, kind in enumerate(self.kind):
                mix = mixes[kind]
                per_year = p.meetings_per_branch_year if kind == Kind.BRANCH else p.meetings_per_committee_year
                host = self.first[i]
                for lo, hi in year_days:
                    lo = max(lo, self.est[i])
                    for _m in range(per_year):
                        mkind = rng.choice(mix)
                        topic = rng.random() < (0.6 if kind == Kind.COMMITTEE else 0.3)
                        org_of.append(i)
                        by_seats.append(ATTENDEES_FROM[mkind] != "members")
                        first_topic.append(topic)
                        t.write(len(org_of), mkind, i + 1, rng.choice(THEMES), date.fromordinal(rng.randint(lo, hi)),
                                starts, "held", host, topic, self.top[i] + 1)
        with self.table(AgendaItem, ("id", "meeting_id", "order", "title", "is_first_topic")) as t:
            n = 0
            for m, topic in enumerate(first_topic):
                if topic:
                    n += 1
                    t.write(n, m + 1, 1, FIRST_TOPIC, True)
        k = p.member_meeting_attendees
        seats = [min(self.count[i], 3) for i in range(len(self.kind))]
        statuses = [AttendanceStatus.PRESENT] * 90 + [AttendanceStatus.LEAVE] * 7 + [AttendanceStatus.ABSENT] * 3
        with self.table(Attendance, ("id", "meeting_id", "person_id", "status", "reason", "top_id")) as t:
            n = 0
            choice, sample = rng.choice, rng.sample
            for m, i in enumerate(org_of):
                first, top = self.first[i], self.top[i] + 1
                if by_seats[m]:
                    people = range(first, first + seats[i])
                else:
                    everyone = range(first, first + self.count[i])
                    people = sample(everyone, min(k, len(everyone)))
                for pid in people:
                    n += 1
                    status = choice(statuses)
                    t.write(n, m + 1, pid, status, "工作冲突" if status == AttendanceStatus.LEAVE else "", top)

    # --- ledgers and their tasks --------------------------------------------------------------------------
    def _committees(self):
        deepest = self.preset.ledger_max_depth
        return [i for i, k in enumerate(self.kind) if k == Kind.COMMITTEE and self.depth[i] <= deepest]

    def ledgers(self):
        rng = self.rng("ledgers")
        children = {}
        for i, parent in enumerate(self.parent):
            if parent is not None:
                children.setdefault(parent, []).append(i)
        kinds = (LedgerKind.DIRECTIVE_LEDGER, LedgerKind.TASK_LIST)
        ledgers, tasks = [], []
        for i in self._committees():
            for y in self.years:
                kind = kinds[(i + y) % 2]
                ledgers.append((len(ledgers) + 1, kind, f"{y}年度{LEDGER_NAMES[kind]}", i + 1, y))
                owners = [i] + children.get(i, [])
                for n in range(1, self.preset.tasks_per_ledger + 1):
                    assigned = date(y, 1, 1) + timedelta(days=rng.randrange(90))
                    deadline = assigned + timedelta(days=rng.randrange(60, 240))
                    status = rng.choice(_weighted(TASK_STATES))
                    submitted = (deadline - timedelta(days=rng.randrange(-20, 30))
                                 if status in (TaskStatus.DONE, TaskStatus.SUBMITTED) else None)
                    verified = submitted + timedelta(days=3) if status == TaskStatus.DONE else None
                    tasks.append((len(tasks) + 1, len(ledgers), str(n), n, f"{THEMES[n % len(THEMES)]}落实任务",
                                  (owner := rng.choice(owners)) + 1, assigned, deadline, status, submitted, verified,
                                  verified, self.top[owner] + 1))
        with self.table(Ledger, ("id", "kind", "name", "organization_id", "year")) as t:
            for row in ledgers:
                t.write(*row)
        with self.table(Task, ("id", "ledger_id", "number", "order", "title", "owner_id", "assigned_on", "deadline",
                               "status", "submitted_on", "completed_on", "verified_on", "top_id")) as t:
            for row in tasks:
                t.write(*row)
        with self.table(Transition, ("id", "task_id", "event", "status", "on", "at", "by_name")) as t:
            n = 0
            for task_id, *_rest, assigned, _deadline, status, submitted, verified, _v, _top in tasks:
                steps = [(TaskEvent.CREATED, TaskStatus.NOT_STARTED, assigned)]
                if status != TaskStatus.NOT_STARTED and status != TaskStatus.CANCELLED:
                    steps.append((TaskEvent.STARTED, TaskStatus.IN_PROGRESS, assigned + timedelta(days=7)))
                if submitted:
                    submitted = max(submitted, assigned + timedelta(days=8))
                    steps.append((TaskEvent.SUBMITTED, TaskStatus.SUBMITTED, submitted))
                if verified:
                    steps.append((TaskEvent.VERIFIED, TaskStatus.DONE, max(verified, assigned + timedelta(days=11))))
                if status == TaskStatus.CANCELLED:
                    steps.append((TaskEvent.CANCELLED, TaskStatus.CANCELLED, assigned + timedelta(days=20)))
                for event, state, on in steps:
                    n += 1
                    t.write(n, task_id, event, state, on, self.stamp, "合成数据")

    # --- matters --------------------------------------------------------------------------------------------
    def matters(self):
        rng = self.rng("matters")
        categories = list(MatterCategory)
        rows = []
        for i in self._committees():
            for y in self.years:
                for _n in range(self.preset.matters_per_committee_year):
                    submitted = date(y, 1, 1) + timedelta(days=rng.randrange(330))
                    decided = submitted + timedelta(days=rng.randrange(3, 30)) if rng.random() < 0.75 else None
                    rows.append((len(rows) + 1, f"{THEMES[len(rows) % len(THEMES)]}事项", rng.choice(categories), i + 1,
                                 self.first[i] + rng.randrange(self.count[i]),
                                 MatterStatus.DECIDED if decided else MatterStatus.SUBMITTED, submitted, decided))
        with self.table(Matter, ("id", "title", "category", "organization_id", "proposer_id", "status",
                                 "submitted_on", "decided_on", "top_id")) as t:
            for row in rows:
                t.write(*row, self.top[row[3] - 1] + 1)
        with self.table(MatterEvent, ("id", "matter_id", "action", "status", "on", "at", "by_name")) as t:
            n = 0
            for matter_id, *_rest, submitted, decided in rows:
                n += 1
                t.write(n, matter_id, Action.SUBMIT, MatterStatus.SUBMITTED, submitted, self.stamp, "合成数据")
                if decided:
                    n += 1
                    t.write(n, matter_id, Action.DECIDE, MatterStatus.DECIDED, decided, self.stamp, "合成数据")

    # --- liaisons, visits, problems -------------------------------------------------------------------------
    def _leader(self, rng, branch):
        committee = self.committee_of[branch]
        return self.first[committee] + rng.randrange(self.count[committee])

    def liaison(self):
        rng = self.rng("liaison")
        p = self.preset
        with self.table(Liaison, ("id", "leader_id", "branch_id", "valid_from")) as t:
            n = 0
            for b in self.branches:
                if rng.random() < p.liaison_share:
                    n += 1
                    t.write(n, self._leader(rng, b), b + 1, date.fromordinal(max(self.est[b], self.start.toordinal())))
        visits = []
        for y in self.years:
            for b in self.branches:
                if rng.random() < p.visit_share:
                    visits.append((len(visits) + 1, b + 1, date(y, 1, 1) + timedelta(days=rng.randrange(360)),
                                   self._leader(rng, b), rng.random() < p.problem_share))
        with self.table(BranchVisit, ("id", "branch_id", "visited_on", "heard", "top_id")) as t:
            for visit_id, branch_id, on, _leader, _problem in visits:
                t.write(visit_id, branch_id, on, "听取支部工作汇报", self.top[branch_id - 1] + 1)
        with self.table(BranchVisit.leaders.through, ("id", "branchvisit_id", "person_id")) as t:
            for visit_id, _branch, _on, leader, _problem in visits:
                t.write(visit_id, visit_id, leader)
        with self.table(Problem, ("id", "visit_id", "description", "status", "resolved_on", "resolution")) as t:
            n = 0
            for visit_id, _branch, on, _leader, problem in visits:
                if problem:
                    n += 1
                    resolved = rng.random() < 0.6
                    status = ProblemStatus.RESOLVED if resolved else ProblemStatus.OPEN
                    t.write(n, visit_id, "组织生活质量有待提高", status,
                            on + timedelta(days=30) if resolved else None, "已整改" if resolved else "")


def generate(preset, seed=1, last_year=None, using="default"):
    """Load `preset` into the (empty) database `using`; returns {table: [rows, seconds]} and the generator."""
    gen = Generator(preset, seed, last_year, using)
    return gen.run(), gen
