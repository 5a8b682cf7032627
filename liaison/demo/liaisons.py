"""Who liaises with which branch: in 2019 every branch has a liaison leader and every middle-or-senior
leader who was a member then liaises with exactly one branch (a college's leaders with its branches, the
university's and the departments' leaders across all of them, filling the branches with fewest first);
two leaders take on the 2019 temporary branches for their life; leaders who arrived later get a branch
when they arrive; a few change branch in later years; and one whose liaison ended recently has not been
given another, so the coverage page shows the gap. Every liaison goes through liaison.services.assign."""
from collections import Counter
from datetime import date, timedelta

from core.scoping import SYSTEM, path_range
from members.choices import MEMBER_STATUSES
from members.demo import plan as demo_plan
from members.models import Membership, StatusChange

from .. import coverage, services
from ..models import Liaison
from . import wording
from .branches import SET_UP

YEAR_START, YEAR_END = date(2019, 1, 1), date(2019, 12, 31)
CHANGES = 8  # leaders who change branch between 2021 and 2024


class Book:
    """The liaisons being planned, and how many open liaisons each branch ends up with."""

    def __init__(self, rng, branches, college):
        self.rng, self.college = rng, college
        self.branches = branches  # the branches on 2019-12-31 that take leaders (not the temporary ones)
        self.count = Counter()
        self.open = {}  # person id -> Liaison in force now

    def pick(self, candidates, prefer=None):
        """The branch with fewest leaders among `candidates`, ties broken by `prefer`'s college, then at random."""
        best = min(self.count[b.pk] for b in candidates)
        ties = [b for b in candidates if self.count[b.pk] == best]
        own = [b for b in ties if prefer and self.college.get(b.pk) == prefer]
        return self.rng.choice(own or ties)

    def assign(self, person, branch, valid_from, valid_to=None, note=wording.LIAISON_NOTE):
        liaison = services.assign(SYSTEM, leader=person, branch=branch, valid_from=valid_from, valid_to=valid_to,
                                  note=note)
        if valid_to is None:
            self.count[branch.pk] += 1
            self.open[person.pk] = liaison
        return liaison

    def end(self, person, day):
        liaison = self.open.pop(person.pk)
        self.count[liaison.branch_id] -= 1
        services.end_liaison(SYSTEM, liaison, day)
        return liaison


def _start(membership, branch, earliest):
    return max(earliest, membership.valid_from, branch.established_on or earliest)


def build_2019(book, state, root, temporary, college_of_org):
    """Liaisons in force through 2019; returns the 2019 leaders' memberships."""
    leaders = list(coverage.leaders_on(Membership.objects.all(), root, YEAR_END).select_related("person")
                   .order_by("person_id"))
    book.rng.shuffle(leaders)
    colleges = {c.code for c in demo_plan.COLLEGES if c.unit_kind == "college"}
    by_college = {}
    for b in book.branches:
        by_college.setdefault(book.college[b.pk], []).append(b)
    # College leaders first, to their own college's branches; then the university's and the departments'.
    leaders.sort(key=lambda m: (college_of_org.get(m.organization_id) not in colleges,
                                m.person.cadre_level == "senior"))
    planned = []
    for m in leaders:
        home = college_of_org.get(m.organization_id)
        if home in colleges and m.person.cadre_level != "senior":
            branch = book.pick(by_college[home])
        else:
            branch = book.pick(book.branches, prefer=home)
        book.count[branch.pk] += 1
        planned.append((m, branch))
    book.count.clear()
    switching = _temporary_takers(book, planned, temporary)
    for m, branch in planned:
        start = _start(m, branch, YEAR_START)
        taken = switching.get(m.person_id)
        if taken is None:
            book.assign(m.person, branch, start)
            continue
        temp, dissolved = taken
        book.assign(m.person, branch, start, SET_UP)
        book.assign(m.person, temp, SET_UP, dissolved, note=wording.TEMPORARY_NOTE)
        book.assign(m.person, branch, dissolved)
    return leaders


def _temporary_takers(book, planned, temporary):
    """{person id: (temporary branch, dissolution day)}: for each 2019 temporary branch, a leader of its
    college whose own branch keeps another leader while they are away."""
    counts = Counter(branch.pk for _m, branch in planned)
    takers = {}
    for temp, college, dissolved in temporary.values():
        options = [(m, b) for m, b in planned if book.college.get(b.pk) == college and counts[b.pk] >= 2
                   and m.person_id not in takers and _start(m, b, YEAR_START) < SET_UP]
        m, branch = book.rng.choice(options)
        counts[branch.pk] -= 1
        takers[m.person_id] = (temp, dissolved)
    return takers


def _member_since(person_id):
    first = (StatusChange.objects.filter(person_id=person_id, status__in=sorted(MEMBER_STATUSES))
             .order_by("changed_on").values_list("changed_on", flat=True).first())
    return first or YEAR_START


def build_later(book, root, today, leaders_2019, college_of_org, current_branches):
    """Leaders who arrived after 2019 get a branch of their college when they arrive; leaders who have left
    end their liaison on leaving; a few change branch; one ends without a new one. Returns that one."""
    earlier = {m.person_id for m in leaders_2019}
    now = list(coverage.leaders_on(Membership.objects.all(), root, today).select_related("person")
               .order_by("person_id"))
    here = {m.person_id for m in now}
    for m in leaders_2019:
        if m.person_id not in here and m.person_id in book.open:
            left = (Membership.objects.filter(person_id=m.person_id).order_by("-valid_from")
                    .values_list("valid_to", flat=True).first())
            if left and left > book.open[m.person_id].valid_from:
                book.end(m.person, left)
    for m in now:
        if m.person_id in earlier:
            continue
        start = max(m.valid_from, _member_since(m.person_id), date(2020, 1, 1))
        home = college_of_org.get(m.organization_id)
        options = [b for b in current_branches if (b.established_on or start) <= start]
        own = [b for b in options if book.college.get(b.pk) == home]
        branch = book.pick(own or options)
        book.assign(m.person, branch, start)
    movers = [m for m in leaders_2019 if m.person_id in book.open and m.person_id in here]
    book.rng.shuffle(movers)
    moved = 0
    for m in movers:
        if moved == CHANGES:
            break
        old = book.open[m.person_id]
        day = date(2021, 3, 1) + timedelta(days=book.rng.randint(0, 1400))
        college = book.college.get(old.branch_id)
        options = [b for b in current_branches if book.college.get(b.pk) == college and b.pk != old.branch_id]
        if book.count[old.branch_id] < 2 or not options or day <= old.valid_from:
            continue
        book.end(m.person, day)
        book.assign(m.person, book.pick(options), day, note=wording.CHANGE_NOTE)
        moved += 1
    ended = next(m for m in sorted(now, key=lambda m: m.person_id) if m.person_id in book.open
                 and book.count[book.open[m.person_id].branch_id] >= 2
                 and book.open[m.person_id].valid_from < today - timedelta(days=21))
    book.end(ended.person, today - timedelta(days=21))
    return ended.person


def liaison_count(root):
    lo, hi = path_range(root.path)
    return Liaison.objects.filter(branch__path__gte=lo, branch__path__lt=hi).count()
