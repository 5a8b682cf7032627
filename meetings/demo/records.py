"""The members records the meetings demo reads, held in memory so that expected attendees for thousands
of meetings cost no query each: memberships, status history, committee seats and central-group rosters,
with the same rules as meetings.services.expected_attendees (a test checks every row against it).

The members demo creates the committee seats of the current terms only; meetings of 2019 and of the
months before a recent election need the committees of the terms before. `add_former_seats` fills
them from the Term records: the same holders from when they were full members (of the branch, for a branch
committee) during that term, otherwise another full member of the branch from the term's start."""
from bisect import bisect_right
from collections import defaultdict
from datetime import date

from members.models import CommitteeSeat, Membership, StatusChange
from orgs.models import Term

from ..choices import ATTENDEES_FROM
from ..models import CentralGroupMember

VOTING = ("full", "probationary")


def _in_force(start, end, day):
    return start <= day and (end is None or end > day)


class Records:
    def __init__(self):
        self.memberships = defaultdict(list)  # org id -> [(person id, from, to)]
        self.first_joined = {}  # person id -> earliest membership start
        for pid, oid, start, end in Membership.objects.values_list("person_id", "organization_id", "valid_from",
                                                                   "valid_to"):
            self.memberships[oid].append((pid, start, end))
            self.first_joined[pid] = min(start, self.first_joined.get(pid, start))
        self.history = defaultdict(lambda: ([], []))  # person id -> ([dates], [statuses])
        for pid, on, status in StatusChange.objects.order_by("person_id", "changed_on", "id").values_list(
                "person_id", "changed_on", "status"):
            dates, statuses = self.history[pid]
            dates.append(on)
            statuses.append(status)
        self.seats = defaultdict(list)  # org id -> [(person id, post, from, to)]
        for pid, oid, post, start, end in CommitteeSeat.objects.values_list("person_id", "organization_id", "post",
                                                                           "started_on", "ended_on"):
            self.seats[oid].append((pid, post, start, end))
        self.roster = defaultdict(list)  # org id -> [(person id, from, to)]

    def status(self, pid, day):
        dates, statuses = self.history[pid]
        i = bisect_right(dates, day)
        return statuses[i - 1] if i else None

    def members(self, org, day, statuses=VOTING):
        """Person ids of the branch's members on `day` in one of `statuses`, in a stable order."""
        return sorted(pid for pid, start, end in self.memberships[org.pk]
                      if _in_force(start, end, day) and self.status(pid, day) in statuses)

    def seat_holders(self, org, day):
        """[(person id, post)] of the organisation's committee on `day`, the secretary first."""
        rows = [(pid, post) for pid, post, start, end in self.seats[org.pk] if _in_force(start, end, day)]
        return sorted(rows, key=lambda row: (row[1] != "secretary", row[1] != "deputy_secretary", row[0]))

    def expected(self, org, kind, day):
        source = ATTENDEES_FROM[kind]
        if source == "members":
            return self.members(org.parent if org.kind == "group" else org, day)
        if source == "seats":
            return sorted({pid for pid, _post in self.seat_holders(org, day)})
        return sorted({pid for pid, start, end in self.roster[org.pk] if _in_force(start, end, day)})


def add_former_seats(state, records, since):
    """Seats of every term before the current one that overlaps [since, current term start)."""
    seats = []
    terms = defaultdict(list)
    for term in Term.objects.filter(organization__in=[o.pk for o in state.orgs.values()]).order_by("started_on"):
        terms[term.organization_id].append(term)
    for org in state.orgs.values():
        current = [(pid, post) for pid, post, _s, end in records.seats[org.pk] if end is None]
        for term in terms[org.pk]:
            end = term.elected_on
            if end is None or end <= since:
                continue
            taken = set()
            for pid, post in current:
                if any(p == post and s < end and (e is None or e > term.started_on)
                       for _pid, p, s, e in records.seats[org.pk]):
                    continue  # the members demo already recorded this post's holder for that term
                start = _eligible_from(records, org, pid, term.started_on)
                if start is None or start >= end or pid in taken:
                    candidates = [m for m in records.members(org, term.started_on, ("full",)) if m not in taken] \
                        if org.kind == "branch" else []
                    pid = candidates[(len(taken) * 7) % len(candidates)] if candidates else None
                    start = term.started_on
                if pid is None:
                    continue
                taken.add(pid)
                seats.append(CommitteeSeat(organization=org, person_id=pid, post=post, started_on=start, ended_on=end))
    CommitteeSeat.objects.bulk_create(seats)
    for seat in seats:
        records.seats[seat.organization_id].append((seat.person_id, seat.post, seat.started_on, seat.ended_on))
    return len(seats)


def _eligible_from(records, org, pid, day):
    """The first day from `day` on when the person could sit on the committee: a full member (of the
    branch itself, for a branch committee). None if their membership of the branch ended before."""
    dates, statuses = records.history[pid]
    full = next((on for on, status in zip(dates, statuses, strict=True) if status == "full"), None)
    if full is None:
        return None
    if org.kind == "branch":
        spans = [(s, e) for p, s, e in records.memberships[org.pk] if p == pid and (e is None or e > day)]
        if not spans:
            return None
        start, end = min(spans)
        found = max(day, start, full)
        return found if end is None or found < end else None
    return max(day, full, records.first_joined.get(pid, date.max))


def add_rosters(state, records, since):
    """理论学习中心组: the committee's members and, at the root, the senior leaders and the heads of the
    party departments; at a college, its leaders too. On the roster from `since` or from arriving."""
    rows = []
    for code, org in state.orgs.items():
        if org.kind != "committee":
            continue
        people = [pid for pid, _post, _s, _e in records.seats[org.pk]]
        if org.parent_id is None:
            people += [d.person.pk for d in state.seniors] + [d.person.pk for d in state.cadres["JG-02"][:3]]
        people += [d.person.pk for d in state.cadres.get(code, [])]
        for pid in dict.fromkeys(people):
            start = max(since, records.first_joined.get(pid, since), org.established_on)
            rows.append(CentralGroupMember(organization=org, person_id=pid, valid_from=start))
    CentralGroupMember.objects.bulk_create(rows)
    for row in rows:
        records.roster[row.organization_id].append((row.person_id, row.valid_from, None))
    return len(rows)
