"""The top-level organisation's id (orgs.top, the sharding key) on every large record table: set by each
service that creates the records, carried along by moves and transfers, checked and repaired by check_top."""
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit import services as audit
from conftest import make_person
from core.scoping import SYSTEM, path_range
from decisions import services as decisions
from ledgers import services as ledgers
from ledgers.choices import LedgerKind
from ledgers.models import Task
from liaison import services as liaison
from liaison.models import BranchVisit
from meetings import services as meetings
from meetings.models import Attendance, Meeting
from members import services as members
from members.models import Membership, Person
from orgs import top
from orgs.models import Organization
from orgs.services import move_organization

DAY = date(2024, 3, 1)
TRACKED = {Person, Membership, Meeting, Attendance, Task, decisions.Matter, BranchVisit}


def test_top_of_a_path():
    assert top.top_of("00000001/") == 1
    assert top.top_of("00000001/00000012/") == 12
    assert top.top_of("00000001/00000012/00000345/00000678/") == 12
    assert top.top_of("") is None


def test_every_large_table_is_tracked():
    assert {model for model, _field in top.tracked} == TRACKED


@pytest.fixture
def records(users):
    """One record of every tracked table in CA-B1 (top: CA), a cadre in CA itself and one at the root."""
    t = users
    t.dean = make_person(t.ca, "周院长", cadre_level="middle")
    t.cadre = make_person(t.root, "校领导", cadre_level="senior")
    t.meeting = meetings.create_meeting(SYSTEM, kind="member_assembly", organization=t.ca_b1, title="党员大会",
                                        held_on=DAY, attendance={t.zhang.pk: ("present", "")}, today=DAY)
    ledger = ledgers.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name="2019年任务清单", organization=t.root,
                                   year=2019)
    t.task = ledgers.create_task(SYSTEM, ledger=ledger, owner=t.ca_b1, title="落实", deadline=date(2019, 6, 30),
                                 assigned_on=date(2019, 1, 15))
    t.matter = decisions.create_matter(SYSTEM, title="学院发展规划调整", category="direction", organization=t.ca_b1,
                                       proposer=t.li)
    t.visit = liaison.record_visit(SYSTEM, branch=t.ca_b1, visited_on=DAY, leaders=[t.dean], today=DAY)
    return t


def tops(model, **filters):
    return set(model.objects.filter(**filters).values_list("top_id", flat=True))


def test_each_service_sets_the_top_level_organisation(records):
    t = records
    assert tops(Person, pk=t.zhang.pk) == tops(Membership, person=t.zhang) == {t.ca.pk}
    assert tops(Person, pk=t.wang.pk) == {t.cb.pk}
    assert tops(Person, pk=t.cadre.pk) == tops(Membership, person=t.cadre) == {t.root.pk}  # the root's own
    assert tops(Meeting, pk=t.meeting.pk) == tops(Attendance, meeting=t.meeting) == {t.ca.pk}
    assert tops(Task, pk=t.task.pk) == {t.ca.pk}  # the owner's, not the ledger's (the root's)
    assert tops(decisions.Matter, pk=t.matter.pk) == {t.ca.pk}
    assert tops(BranchVisit, pk=t.visit.pk) == {t.ca.pk}
    assert top.differences() == {}


def test_rewriting_the_attendance_keeps_the_meetings_top(records):
    t = records
    meetings.update_meeting(SYSTEM, t.meeting, {}, attendance={t.zhang.pk: ("leave", "出差")}, expected_version=1)
    assert tops(Attendance, meeting=t.meeting) == {t.ca.pk}


@pytest.mark.parametrize("moved, parent, expected", [
    ("ca_b1", "cb", "cb"),     # a branch to another level-1 committee
    ("ca", "cb", "cb"),        # a level-1 committee goes down a level: its whole subtree follows
    ("ca_b1", "root", "ca_b1"),  # a branch comes up to level 1: it is its own top
])
def test_a_move_rewrites_the_top_of_every_record_in_the_subtree(records, moved, parent, expected):
    t = records
    org = getattr(t, moved)
    move_organization(SYSTEM, org, getattr(t, parent))
    want = getattr(t, expected).pk
    org.refresh_from_db()
    for model, field in top.tracked:
        lo, hi = path_range(org.path)
        under = model.objects.filter(**{f"{field}__path__gte": lo, f"{field}__path__lt": hi})
        assert under.exists(), model
        assert set(under.values_list("top_id", flat=True)) == {want}, model
    assert tops(Person, pk=t.wang.pk) == {t.cb.pk}  # outside the subtree: unchanged
    assert tops(Person, pk=t.cadre.pk) == {t.root.pk}
    assert top.differences() == {}


def test_a_transfer_gives_the_person_and_the_new_membership_the_new_top(records):
    t = records
    members.transfer(SYSTEM, t.zhang, t.cb_b1, date(2025, 1, 1))
    assert tops(Person, pk=t.zhang.pk) == {t.cb.pk}
    assert tops(Membership, person=t.zhang, valid_to__isnull=True) == {t.cb.pk}
    assert tops(Membership, person=t.zhang, valid_to__isnull=False) == {t.ca.pk}  # the old one stays where it was
    assert top.differences() == {}


def test_a_meeting_moved_to_another_organisation_takes_its_attendance_along(records):
    t = records
    audit.update(SYSTEM, t.meeting, {"organization": t.cb_b1})
    assert tops(Meeting, pk=t.meeting.pk) == tops(Attendance, meeting=t.meeting) == {t.cb.pk}
    assert top.differences() == {}


def test_a_save_of_other_fields_after_a_change_of_organisation_still_writes_the_top(records):
    t = records
    person = Person.objects.get(pk=t.wang.pk)
    person.organization = t.ca_b2
    person.save(update_fields=["organization"])
    assert tops(Person, pk=person.pk) == {t.ca.pk}


def test_check_top_lists_wrong_rows_and_fix_repairs_them(records):
    t = records
    Attendance.objects.update(top_id=None)
    Task.objects.filter(pk=t.task.pk).update(top_id=t.cb.pk)
    wrong = top.differences()
    assert set(wrong) == {"meetings.Attendance", "ledgers.Task"}
    assert wrong["ledgers.Task"] == (1, [(t.task.pk, t.cb.pk, t.ca.pk)])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_top", stdout=out)
    assert f"ledgers.Task {t.task.pk}: top_id={t.cb.pk}" in out.getvalue()
    call_command("check_top", "--fix", stdout=StringIO())
    assert top.differences() == {}
    assert tops(Attendance) == {t.ca.pk} and tops(Task) == {t.ca.pk}


def test_refresh_under_a_prefix_leaves_other_subtrees_alone(records):
    t = records
    Person.objects.update(top_id=None)
    rewritten = top.refresh(t.ca.path)
    assert rewritten["members.Person"] == Person.objects.filter(organization__path__startswith=t.ca.path).count()
    assert tops(Person, organization__in=[t.ca_b1, t.ca]) == {t.ca.pk}
    assert tops(Person, pk=t.wang.pk) == {None}
    top.refresh()
    assert top.differences() == {}


def test_rebuild_tree_rewrites_the_tops_with_the_repaired_paths(records):
    t = records
    wrong = t.cb.path + t.ca_b1.path[len(t.ca.path):]
    Organization.objects.filter(pk=t.ca_b1.pk).update(path=wrong)
    top.refresh()  # as a bulk load would, from the broken path
    assert tops(Meeting, pk=t.meeting.pk) == {t.cb.pk}
    call_command("rebuild_tree", stdout=StringIO())
    assert tops(Meeting, pk=t.meeting.pk) == tops(Attendance) == {t.ca.pk}
    assert top.differences() == {}
