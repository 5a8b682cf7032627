"""The meetings the demo's matters pass through: each college committee's monthly committee meeting (the
meetings demo's when it ran, else one made here), a joint meeting a few working days after each, and the
branch meetings the opinions come from (an existing branch committee or member assembly in the window,
else one made here). Everything made goes through meetings.services as SYSTEM, with `today=`."""
from datetime import date, timedelta

from core.scoping import SYSTEM
from meetings.choices import Kind, Status
from meetings.models import Meeting
from meetings.services import create_meeting, expected_attendees

from . import wording

BRANCH_KINDS = (Kind.BRANCH_COMMITTEE, Kind.MEMBER_ASSEMBLY)


def working_day(day, limit):
    """The first working day on or after `day`, or None after `limit`."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day if day <= limit else None


class Sittings:
    def __init__(self, year, last_day):
        self.year, self.last = year, last_day
        self.first = date(year, 1, 1)
        self.made = 0
        self._branch = {}

    def _make(self, org, kind, day, title):
        """A meeting as the meetings demo keeps them: its agenda, and everyone expected present."""
        self.made += 1
        present = {pid: ("present", "") for pid in expected_attendees(org, kind, day).values_list("pk", flat=True)}
        return create_meeting(SYSTEM, organization=org, kind=kind, title=title, held_on=day, status=Status.HELD,
                              today=self.last, confirm_duplicate=True, agenda=[{"title": title}],
                              attendance=present)

    def college(self, org):
        """(committee meetings, joint meetings) of `org` in the year up to the last day, each sorted by day:
        one committee meeting a month, and a joint meeting five to nine days after each."""
        held = (Meeting.objects.filter(organization=org, kind__in=(Kind.COMMITTEE_MEETING, Kind.JOINT_MEETING),
                                       status=Status.HELD, held_on__gte=self.first, held_on__lte=self.last)
                .order_by("held_on", "pk"))
        committees = {}
        joints = [m for m in held if m.kind == Kind.JOINT_MEETING]
        for m in held:
            if m.kind == Kind.COMMITTEE_MEETING:
                committees.setdefault(m.held_on.month, m)
        start = max(self.first, org.established_on or self.first)
        for month in range(1, self.last.month + 1):
            if month not in committees:
                day = working_day(max(date(self.year, month, 8), start), self.last)
                if day and day.month == month:
                    committees[month] = self._make(org, Kind.COMMITTEE_MEETING, day,
                                                   wording.COMMITTEE_MEETING.format(month=month))
        committees = sorted(committees.values(), key=lambda m: m.held_on)
        if not joints:
            for c in committees:
                day = working_day(c.held_on + timedelta(days=5 + c.held_on.day % 5), self.last)
                if day and (not joints or day > joints[-1].held_on):
                    joints.append(self._make(org, Kind.JOINT_MEETING, day,
                                             wording.JOINT_MEETING.format(month=day.month)))
        return committees, joints

    def branch_meeting(self, branch, after, until, still_in):
        """A meeting of `branch` held after `after` and by `until` on a day `still_in(day)` holds: an existing
        branch committee or member assembly, else one made on the first working day that fits."""
        if branch.pk not in self._branch:
            self._branch[branch.pk] = list(Meeting.objects.filter(
                organization=branch, kind__in=BRANCH_KINDS, status=Status.HELD, held_on__gte=self.first,
                held_on__lte=self.last).order_by("held_on", "pk"))
        for m in self._branch[branch.pk]:
            if after < m.held_on <= until and still_in(m.held_on):
                return m
        day = after + timedelta(days=1)
        while day <= min(until, self.last):
            if day.weekday() < 5 and still_in(day):
                m = self._make(branch, Kind.BRANCH_COMMITTEE, day, wording.BRANCH_MEETING)
                self._branch[branch.pk].append(m)
                self._branch[branch.pk].sort(key=lambda x: x.held_on)
                return m
            day += timedelta(days=1)
        return None


def first_after(meetings, day):
    return next((m for m in meetings if m.held_on > day), None)
