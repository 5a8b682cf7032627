"""The meetings part of `manage.py demo`: the root committee's 2019 figures are exactly the article's
(through the registry and by an independent count over the rows), attendance comes from the records of
the day, dates are possible, some branches are behind on some rules, and a second run changes nothing.
The demo is built once for the class, inside a transaction rolled back at the end."""
import time
from collections import Counter, defaultdict
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from audit.models import AuditEntry
from core.figures import SYSTEM_USER, Period, registry
from core.rules import rule_value
from meetings.choices import AttendanceStatus, Kind, Status
from meetings.demo import plan
from meetings.models import AgendaItem, Attendance, Campaign, CentralGroupMember, Meeting
from meetings.services import expected_attendees
from members.models import CommitteeSeat
from orgs.models import Organization

ARTICLE = {"meetings.first_topic.committee": 16, "meetings.central_group": 48, "meetings.first_topic.branches": 506,
           "meetings.seminars.leadership": 16, "meetings.seminars.units": 59}
COUNTED = (Meeting, AgendaItem, Attendance, Campaign, CentralGroupMember, CommitteeSeat, AuditEntry)


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        started = time.monotonic()
        call_command("demo", stdout=out)
        yield {"output": out.getvalue(), "seconds": time.monotonic() - started}
        transaction.set_rollback(True)


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def quarter(day):
    return (day.month - 1) // 3 + 1


@pytest.mark.usefixtures("db")
class TestMeetingsDemo:
    def test_reports_what_it_built(self, demo):
        # How long it takes is measured by bench/demo.sh, not asserted here.
        print(f"manage.py demo took {demo['seconds']:.1f} s")  # noqa: T201
        assert "组织生活演示数据" in demo["output"]

    def test_root_figures_are_the_articles_through_the_registry(self, demo):
        root = Organization.objects.get(code="ROOT")
        values = {code: registry.get(code).value(SYSTEM_USER, root, Period.year(2019)) for code in ARTICLE}
        assert values == ARTICLE

    def test_root_figures_by_an_independent_count(self, demo):
        """Counted in Python over plain rows, from the agenda items rather than the derived flag."""
        root = Organization.objects.get(code="ROOT")
        orgs = {pk: (kind, path) for pk, kind, path in Organization.objects.values_list("id", "kind", "path")}
        campaigns = {pk: (start, end) for pk, start, end in Campaign.objects.values_list("id", "starts_on", "ends_on")}
        first = set(AgendaItem.objects.filter(order=1, is_first_topic=True).values_list("meeting_id", flat=True))
        tally = Counter()
        for pk, kind, org_id, held_on, status, campaign_id in Meeting.objects.values_list(
                "id", "kind", "organization_id", "held_on", "status", "campaign_id"):
            if status != "held" or held_on.year != 2019:
                continue
            org_kind, path = orgs[org_id]
            if not path.startswith(root.path):
                continue
            if kind == "committee_meeting" and org_id == root.pk and pk in first:
                tally["meetings.first_topic.committee"] += 1
            if kind == "central_group_study":
                tally["meetings.central_group"] += 1
            if org_kind == "branch" and pk in first:
                tally["meetings.first_topic.branches"] += 1
            if kind == "study_seminar" and campaign_id:
                start, end = campaigns[campaign_id]
                assert start <= held_on <= end
                tally["meetings.seminars.leadership" if org_id == root.pk else "meetings.seminars.units"] += 1
        assert dict(tally) == ARTICLE

    def test_first_topics_spread_over_months_branches_and_kinds(self, demo):
        rows = Meeting.objects.filter(held_on__year=2019, organization__kind="branch", has_first_topic=True)
        months = Counter(d.month for d in rows.values_list("held_on", flat=True))
        assert set(months) == set(range(1, 13)) and max(months.values()) < 3 * min(months.values())
        assert rows.values("organization").distinct().count() >= 55
        assert len(set(rows.values_list("kind", flat=True))) >= 4
        enlarged = Meeting.objects.filter(held_on__year=2019, organization__code="ROOT", enlarged=True)
        assert 0 < enlarged.count() < Meeting.objects.filter(held_on__year=2019, organization__code="ROOT",
                                                             kind="committee_meeting").count()

    def test_first_topic_flag_agrees_with_the_agenda(self, demo):
        first = set(AgendaItem.objects.filter(order=1, is_first_topic=True).values_list("meeting_id", flat=True))
        flagged = set(Meeting.objects.filter(has_first_topic=True).values_list("id", flat=True))
        assert first == flagged
        assert not AgendaItem.objects.filter(is_first_topic=True, order__gt=1).exists()
        assert not Meeting.objects.filter(agenda__isnull=True).exists()
        materials = AgendaItem.objects.filter(is_first_topic=True)
        assert not materials.filter(material_title="").exists()

    def test_attendance_is_of_expected_attendees_on_the_day(self, demo):
        """Every row checked against meetings.services.expected_attendees (one query per org, kind and day)."""
        rows = defaultdict(set)
        for meeting_id, person_id in Attendance.objects.values_list("meeting_id", "person_id"):
            rows[meeting_id].add(person_id)
        expected = {}
        orgs = {o.pk: o for o in Organization.objects.all()}
        for pk, org_id, kind, day in Meeting.objects.values_list("id", "organization_id", "kind", "held_on"):
            key = (org_id, kind, day)
            if key not in expected:
                expected[key] = set(expected_attendees(orgs[org_id], kind, day).values_list("pk", flat=True))
            assert rows[pk] <= expected[key], (orgs[org_id].code, kind, day)
        statuses = Counter(Attendance.objects.values_list("status", flat=True))
        assert statuses["present"] > 0.8 * sum(statuses.values())
        assert statuses["leave"] > 0 and statuses["absent"] > 0
        assert not Attendance.objects.filter(status=AttendanceStatus.LEAVE, reason="").exists()
        # Meetings of the established teacher, staff and retiree branches all have people at them.
        for code in ("CS-01", "EIE-01", "JG-05", "LTX-01"):
            assert not Meeting.objects.filter(organization__code=code, attendance__isnull=True).exists()

    def test_committees_meet_with_their_committee_and_central_group(self, demo):
        root = Organization.objects.get(code="ROOT")
        for kind in (Kind.COMMITTEE_MEETING, Kind.STUDY_SEMINAR, Kind.CENTRAL_GROUP_STUDY):
            meetings = Meeting.objects.filter(organization=root, kind=kind, held_on__year=2019)
            assert meetings.exists()
            assert not meetings.filter(attendance__isnull=True).exists(), kind
        secretary = CommitteeSeat.objects.filter(organization=root, post="secretary").order_by("started_on").first()
        assert CentralGroupMember.objects.filter(organization=root, person=secretary.person).exists()
        for college in Organization.objects.filter(kind="committee", depth=1):
            assert CentralGroupMember.objects.filter(organization=college).exists(), college.code

    def test_dates_are_possible_and_not_doubled(self, demo):
        today = date.today()
        assert not Meeting.objects.filter(held_on__gt=today).exists()
        assert not Meeting.objects.exclude(status=Status.HELD).exists()
        for org_id, day, established, dissolved in Meeting.objects.values_list(
                "organization_id", "held_on", "organization__established_on", "organization__dissolved_on"):
            assert established is None or day >= established, (org_id, day)
            assert dissolved is None or day < dissolved, (org_id, day)
        keys = Counter(Meeting.objects.values_list("organization_id", "kind", "held_on"))
        assert max(keys.values()) == 1

    def test_some_branches_behind_most_not(self, demo):
        """Member assemblies per quarter of 2019 against the rule in force (quarterly)."""
        branches = Organization.objects.filter(kind="branch", established_on__lt=date(2019, 1, 1))
        held = defaultdict(set)
        for org_id, day in Meeting.objects.filter(kind=Kind.MEMBER_ASSEMBLY, held_on__year=2019,
                                                  status=Status.HELD).values_list("organization_id", "held_on"):
            held[org_id].add(quarter(day))
        behind = []
        for branch in branches:
            assert rule_value("meeting.per_year.member_assembly", date(2019, 6, 30), branch.path) == 4
            if held[branch.pk] != {1, 2, 3, 4}:
                behind.append(branch.code)
        assert set(behind) == {code for code, kinds in plan.BEHIND_2019.items() if Kind.MEMBER_ASSEMBLY in kinds}
        assert len(behind) < 0.1 * branches.count()
        committee_months = {d.month for d in Meeting.objects.filter(
            organization__code="LTX-03", kind=Kind.BRANCH_COMMITTEE, held_on__year=2019).values_list(
            "held_on", flat=True)}
        assert committee_months == set(range(1, 13)) - {7, 8, 9}

    def test_current_year_partly_filled(self, demo):
        today = date.today()
        this_year = Meeting.objects.filter(held_on__year=today.year)
        assert this_year.filter(organization__kind="branch").values("organization").distinct().count() >= 55
        months = {d.month for d in this_year.values_list("held_on", flat=True)}
        assert months <= set(range(1, today.month + 1)) and 1 in months
        if today.month >= 2:  # EIE-03 skipped its committee meeting of last month
            assert not this_year.filter(organization__code="EIE-03", kind=Kind.BRANCH_COMMITTEE,
                                        held_on__month=today.month - 1).exists()

    def test_one_summary_audit_entry(self, demo):
        # The meetings builder writes in bulk under one summary entry; later builders (decisions: the
        # sittings its matters need) go through the service, one audited meeting each.
        entry = AuditEntry.objects.get(action="import", note="演示数据：组织生活与学习")
        one_by_one = AuditEntry.objects.filter(model="meetings.meeting", action="create")
        assert entry.after["meetings"] == Meeting.objects.count() - one_by_one.count()
        assert not AuditEntry.objects.filter(model="meetings.meeting").exclude(action="create").exists()

    def test_second_run_changes_nothing(self, demo):
        before = counts()
        call_command("demo", stdout=StringIO())
        call_command("demo", "--if-empty", stdout=StringIO())
        assert counts() == before
