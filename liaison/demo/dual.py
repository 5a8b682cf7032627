"""Dual-leader secretaries (双带头人): on 2019-12-31 every teacher-led branch has a secretary who is a dual
leader. The members and meetings demos leave some teacher branches without a secretary seat on that day;
for those a former secretary is seated (a full-member teacher of the branch then holding no other seat,
chosen with the demo's own generator) from the previous secretary's leaving to the next one's start.

Seats that have ended cannot be marked through members.services.set_dual_leader (it refuses a former
holder), so former seats are written in bulk, as the members demo writes seats, and checked with
CommitteeSeat.full_clean; serving secretaries are marked through the service. This year one teacher
branch's secretary is left unmarked, so the coverage page shows the gap."""
from datetime import date

from django.db.models import Q

from core.scoping import SYSTEM
from members.choices import DualLeaderBasis, Post
from members.figures import members
from members.models import CommitteeSeat, Membership
from members.services import set_dual_leader
from orgs.models import Organization

from .. import coverage

DAY = date(2019, 12, 31)
ACADEMIC_TITLES = {"教授", "副教授", "研究员", "副研究员"}


def basis(person):
    if person.title in ACADEMIC_TITLES:
        return DualLeaderBasis.SENIOR_TITLE, person.title
    return DualLeaderBasis.TEACHING_LEADER, "教学骨干"


def _overlaps(start, end):
    q = Q(ended_on__isnull=True) | Q(ended_on__gt=start)
    return q if end is None else q & Q(started_on__lt=end)


def seat_missing_secretaries(rng, root):
    """Seat a former secretary in each teacher branch that had none on DAY; returns how many."""
    made = []
    for branch in coverage.teacher_branches_on(Organization.objects.all(), root, DAY).order_by("path"):
        seats = CommitteeSeat.objects.filter(organization=branch, post=Post.SECRETARY)
        if seats.filter(started_on__lte=DAY).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=DAY)).exists():
            continue
        before = seats.filter(ended_on__lte=DAY).order_by("-ended_on").values_list("ended_on", flat=True).first()
        after = seats.filter(started_on__gt=DAY).order_by("started_on").values_list("started_on", flat=True).first()
        start = before or max(branch.established_on, date(2019, 1, 1))
        held = CommitteeSeat.objects.filter(_overlaps(start, after)).values("person_id")
        pool = (members(Membership.objects.all(), branch, DAY, statuses=("full",))
                .filter(person__category="teacher", valid_from__lte=start).exclude(person_id__in=held)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=after or DAY))
                .select_related("person").order_by("person_id"))
        pool = list(pool)
        if not pool:
            continue
        person = rng.choice(pool).person
        kind, note = basis(person)
        seat = CommitteeSeat(organization=branch, post=Post.SECRETARY, person=person, started_on=start, ended_on=after,
                             is_dual_leader=True, dual_leader_basis=kind, dual_leader_note=note)
        seat.full_clean(validate_constraints=after is None)
        made.append(seat)
    CommitteeSeat.objects.bulk_create(made)
    return len(made)


def mark_dual_leaders(root, today, rng):
    """Every teacher-branch secretary serving on or after DAY a dual leader, but one serving now. Returns
    (former seats marked, serving seats marked, the seat left unmarked)."""
    teacher = coverage.teacher_branches_on(Organization.objects.all(), root, DAY).values("pk")
    now = coverage.teacher_branches_on(Organization.objects.all(), root, today).values("pk")
    seats = CommitteeSeat.objects.filter(post=Post.SECRETARY, is_dual_leader=False).filter(
        Q(organization__in=teacher) | Q(organization__in=now)).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=DAY)).select_related("person", "organization")
    former = serving = 0
    for seat in seats.order_by("pk"):
        kind, note = basis(seat.person)
        if seat.ended_on:
            seat.is_dual_leader, seat.dual_leader_basis, seat.dual_leader_note = True, kind, note
            seat.full_clean(validate_constraints=False)
            CommitteeSeat.objects.filter(pk=seat.pk).update(is_dual_leader=True, dual_leader_basis=kind,
                                                            dual_leader_note=note)
            former += 1
        else:
            set_dual_leader(SYSTEM, seat, True, kind, note)
            serving += 1
    current = list(coverage.secretaries_on(today).filter(organization__in=now, is_dual_leader=True)
                   .exclude(organization__code="CS-01").order_by("organization__path"))
    gap = rng.choice(current)
    set_dual_leader(SYSTEM, gap, False)
    return former, serving, gap
