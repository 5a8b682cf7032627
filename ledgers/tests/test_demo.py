"""The ledgers part of the demo: the 2019 directive ledger and task list are complete and verified within the
year, the current year shows every status, owners sit inside their manager's subtree, the demo logins have
work to do, the evidence files are real, and a second run changes nothing.

The university (members demo) and the demo logins are built once for the class, then the ledgers builder,
inside a transaction rolled back at the end; evidence goes to a temporary MEDIA_ROOT. The meetings builder
is not run: the ledgers demo does not depend on it."""
import hashlib
import struct
import time
import zlib
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from accounts.models import User
from audit.models import AuditEntry
from core.figures import SYSTEM_USER, Period, registry
from ledgers import services
from ledgers.choices import Event, LedgerKind, TaskStatus
from ledgers.demo import build as ledgers_demo
from ledgers.demo import current, files, wording
from ledgers.models import Duty, Evidence, Ledger, Milestone, ProgressUpdate, Section, Task, Transition
from members.demo.build import build as build_university
from members.management.commands.demo import Command as DemoCommand
from members.models import CommitteeSeat
from orgs.models import Organization

DIRECTIVE_TASKS_2019 = 33
LIST_ITEMS_2019 = 153


def _build(today, media):
    with override_settings(MEDIA_ROOT=str(media)):
        state = build_university(today)
        DemoCommand().create_logins(state)
        started = time.monotonic()
        summary = ledgers_demo.build(state)
        return state, summary, time.monotonic() - started


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic():
        state, summary, seconds = _build(date.today(), media)
        yield {"state": state, "summary": summary, "seconds": seconds, "media": media}
        transaction.set_rollback(True)


def ledger(kind, year):
    return Ledger.objects.get(kind=kind, year=year, organization__code="ROOT")


def root_children():
    return set(Organization.objects.get(code="ROOT").children.values_list("pk", flat=True))


@pytest.mark.usefixtures("db")
class TestLedgersDemo:
    def test_reports_what_it_built(self, demo):
        # How long it takes is measured by bench/demo.sh, not asserted here.
        print(f"ledgers demo took {demo['seconds']:.1f} s: {demo['summary']}")  # noqa: T201
        assert demo["summary"].startswith("台账演示数据：台账与清单 6 个")

    def test_2019_directive_ledger_has_33_tasks_all_done_and_verified_in_2019(self, demo):
        tasks = Task.objects.filter(ledger=ledger(LedgerKind.DIRECTIVE_LEDGER, 2019))
        assert tasks.count() == DIRECTIVE_TASKS_2019
        assert not tasks.filter(parent__isnull=False).exists()
        assert set(tasks.values_list("status", flat=True)) == {TaskStatus.DONE}
        for task in tasks.prefetch_related("transitions", "updates"):
            events = [t.event for t in task.transitions.all()]
            assert events[0] == Event.CREATED and events[-1] == Event.VERIFIED, task
            assert all(date(2019, 1, 1) <= t.on <= date(2019, 12, 31) for t in task.transitions.all()), task
            assert task.directive_id is not None
            assert task.assigned_on >= task.directive.issued_on
            assert task.completed_on <= task.verified_on <= date(2019, 12, 31)
            reports = [u for u in task.updates.all() if u.text != wording.AFTER_RETURN]
            assert 1 <= len(reports) <= 3, task
        late = tasks.filter(completed_on__gt=F("deadline")).count()
        assert 0 < late < DIRECTIVE_TASKS_2019 // 4  # most on time, a few late
        assert tasks.values("directive").distinct().count() == 8

    def test_root_figures_are_the_articles_through_the_registry(self, demo):
        root = Organization.objects.get(code="ROOT")
        year = Period.year(2019)
        values = {code: registry.get(code).value(SYSTEM_USER, root, year) for code in (
            "ledgers.directive.tasks", "ledgers.directive.done", "ledgers.task_list.items", "ledgers.task_list.done",
            "ledgers.tasks.completion_rate")}
        assert values == {"ledgers.directive.tasks": 33, "ledgers.directive.done": 33, "ledgers.task_list.items": 153,
                          "ledgers.task_list.done": 153, "ledgers.tasks.completion_rate": 100.0}
        # As of mid-2019 the same ledgers were still being worked on.
        assert registry.get("ledgers.directive.done").value(SYSTEM_USER, root, year, date(2019, 3, 1)) < 33

    def test_directive_tasks_are_owned_by_the_roots_children_and_led_by_its_committee(self, demo):
        tasks = Task.objects.filter(ledger=ledger(LedgerKind.DIRECTIVE_LEDGER, 2019))
        owners = set(tasks.values_list("owner_id", flat=True))
        assert owners == root_children()  # every college-level organisation owns at least one
        committee = set(CommitteeSeat.objects.filter(organization__code="ROOT").values_list("person_id", flat=True))
        leaders = Task.leaders.through.objects.filter(task__in=tasks)
        assert leaders.count() >= DIRECTIVE_TASKS_2019
        assert set(leaders.values_list("person_id", flat=True)) <= committee
        assert not tasks.filter(leaders__isnull=True).exists()

    def test_2019_task_list_has_153_items_all_done(self, demo):
        task_list = ledger(LedgerKind.TASK_LIST, 2019)
        assert task_list.name == "2019年基层党组织落实全面从严治党主体责任任务清单"
        tasks = Task.objects.filter(ledger=task_list)
        # An item of the list is a top-level task (one organisation's commitment); the sub-tasks a college
        # hands to its branches are its cascade, not items of the list.
        assert tasks.filter(parent__isnull=True).count() == LIST_ITEMS_2019
        assert tasks.filter(parent__isnull=False).count() >= 10
        assert set(tasks.values_list("status", flat=True)) == {TaskStatus.DONE}
        assert not tasks.filter(verified_on__gt=date(2019, 12, 31)).exists()
        assert not tasks.filter(parent__isnull=True, section__isnull=True).exists()
        # Items hang on second-level sections (（一）…) under first-level ones (一、…).
        sections = Section.objects.filter(ledger=task_list)
        assert sections.filter(parent__isnull=True).count() == 6
        assert not tasks.filter(parent__isnull=True, section__parent__isnull=True).exists()
        owners = set(tasks.filter(parent__isnull=True).values_list("owner_id", flat=True))
        assert owners == root_children()

    def test_subtasks_were_verified_before_their_parent_was_submitted(self, demo):
        subs = Task.objects.filter(ledger__year=2019, parent__isnull=False).select_related("parent")
        assert subs.exists()
        for sub in subs:
            assert sub.status == TaskStatus.DONE
            assert sub.verified_on <= sub.parent.submitted_on, sub
            assert sub.deadline <= sub.parent.deadline
            assert sub.owner.kind == "branch"

    def test_every_owner_is_inside_its_managers_subtree(self, demo):
        rows = Task.objects.select_related("owner", "parent__owner", "ledger__organization")
        for task in rows:
            manager = task.parent.owner if task.parent_id else task.ledger.organization
            assert task.owner.path.startswith(manager.path) and task.owner != manager, task
            for co in task.co_owners.all():
                assert co.path.startswith(manager.path)
        for duty in Duty.objects.select_related("ledger__organization").prefetch_related("organizations"):
            assert all(o.path.startswith(duty.ledger.organization.path) for o in duty.organizations.all())

    def test_current_year_has_every_status_some_overdue_and_some_due_soon(self, demo):
        today = demo["state"].today
        tasks = Task.objects.filter(ledger__year=today.year)
        statuses = Counter(tasks.values_list("status", flat=True))
        assert set(statuses) == set(TaskStatus.values), statuses
        assert statuses[TaskStatus.CANCELLED] == 1
        cancelled = tasks.get(status=TaskStatus.CANCELLED)
        assert cancelled.transitions.get(event=Event.CANCELLED).reason
        assert tasks.overdue(today).count() >= 4
        assert tasks.due_within(today, 7).filter(deadline__gt=today).count() >= 3
        milestones = Milestone.objects.filter(task__in=tasks)
        assert milestones.filter(done_on__isnull=False).exists() and milestones.filter(done_on__isnull=True).exists()
        assert not milestones.filter(task__status=TaskStatus.DONE, done_on__isnull=True).exists()
        assert not milestones.filter(done_on__gt=today).exists()
        # Returned once and then accepted: in the history of some done tasks.
        assert Transition.objects.filter(task__in=tasks.filter(status=TaskStatus.DONE), event=Event.RETURNED).exists()
        assert tasks.filter(status=TaskStatus.DONE, completed_on__gt=F("deadline")).exists()

    def test_nothing_happens_after_today_or_before_assignment(self, demo):
        today = demo["state"].today
        assert not Transition.objects.filter(on__gt=today).exists()
        assert not ProgressUpdate.objects.filter(written_on__gt=today).exists()
        for task in Task.objects.prefetch_related("transitions", "updates"):
            assert all(t.on >= task.assigned_on for t in task.transitions.all()), task
            assert all(u.written_on >= task.assigned_on for u in task.updates.all()), task
            ons = [t.on for t in task.transitions.all()]
            assert ons == sorted(ons), task

    def test_responsibility_lists_for_2019_and_now(self, demo):
        today = demo["state"].today
        committee = CommitteeSeat.objects.filter(organization__code="ROOT", ended_on__isnull=True)
        for year in (2019, today.year):
            duties = list(Duty.objects.filter(ledger=ledger(LedgerKind.RESPONSIBILITY_LIST, year))
                          .prefetch_related("organizations"))
            assert "第一责任人" in duties[0].post
            assert duties[0].leader_id == committee.get(post="secretary").person_id
            assert all(d.content and d.organizations.all() for d in duties)
            assert len({d.leader_id for d in duties}) == len(duties) >= 10
        now = set(Duty.objects.filter(ledger__year=today.year).values_list("leader_id", flat=True))
        assert set(committee.values_list("person_id", flat=True)) <= now

    def test_evidence_files_are_real_and_stored(self, demo):
        rows = list(Evidence.objects.select_related("task"))
        assert len(rows) >= 6
        assert {e.content_type for e in rows} == {"application/pdf", "image/png"}
        for e in rows:
            data = (Path(demo["media"]) / e.stored_path).read_bytes()
            assert hashlib.sha256(data).hexdigest() == e.sha256 and len(data) == e.size
            assert e.task.status == TaskStatus.DONE
            check_pdf(data) if e.content_type == "application/pdf" else check_png(data)

    def test_demo_logins_have_work(self, demo):
        today = demo["state"].today
        college = User.objects.get(username="cs_secretary")
        own = Task.objects.restrict(college, "change").filter(ledger__year=today.year)
        top = own.filter(owner__code="CS")
        assert top.open().filter(parent__isnull=True).count() >= 3
        split = top.filter(parent__isnull=True, subtasks__isnull=False).distinct()
        assert split.open().exists() and split.filter(status=TaskStatus.DONE).exists()
        waiting = own.filter(parent__owner__code="CS", status=TaskStatus.SUBMITTED)
        assert waiting.exists() and all(services.can_manage(college, t) for t in waiting)
        branch = User.objects.get(username="branch_secretary")
        mine = Task.objects.restrict(branch, "change").filter(owner__code="CS-01", parent__isnull=False).open()
        assert mine.exists() and all(services.can_own(branch, t) for t in mine)
        assert mine.due_within(today, 7).exists()
        admin = User.objects.get(username="orgadmin")
        assert Task.objects.restrict(admin, "change").filter(status=TaskStatus.SUBMITTED, parent__isnull=True).exists()

    def test_a_second_run_changes_nothing(self, demo):
        before = [m.objects.count() for m in (Ledger, Task, ProgressUpdate, Evidence, Duty, AuditEntry)]
        assert ledgers_demo.build(demo["state"]) == "台账演示数据已存在，未作修改。"
        assert [m.objects.count() for m in (Ledger, Task, ProgressUpdate, Evidence, Duty, AuditEntry)] == before


@pytest.mark.django_db
def test_early_in_the_year_the_current_lists_still_have_history(tmp_path):
    """On 3 January the current year's lists went out in the autumn before: the mix is all there and
    nothing is dated after today."""
    today = date(date.today().year, 1, 3)
    state, _summary, _seconds = _build(today, tmp_path)
    assert current.issued_on(today) == today - timedelta(days=75)
    tasks = Task.objects.filter(ledger__year=today.year)
    assert set(tasks.values_list("status", flat=True)) == set(TaskStatus.values)
    assert tasks.overdue(today).exists() and tasks.due_within(today, 7).exists()
    assert not Transition.objects.filter(on__gt=today).exists()


def test_the_demo_files_pass_the_upload_checks():
    from core import uploads

    for kind in ("pdf", "png"):
        task = Task(pk=1, number="1", ledger_id=1)
        upload = files.upload(kind, 3, task)
        assert uploads.check_upload(upload, services.EVIDENCE_MAX_SIZE)[0] == kind


# --- helpers -------------------------------------------------------------------------------------------

def check_pdf(data):
    """Header, trailer, and a cross-reference table whose offsets point at its objects."""
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    xref = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert data[xref:xref + 4] == b"xref"
    lines = data[xref:].split(b"\n")
    count = int(lines[1].split()[1])
    for number, line in enumerate(lines[3:2 + count], start=1):
        offset = int(line.split()[0])
        assert data[offset:].startswith(b"%d 0 obj" % number)


def check_png(data):
    """Signature, every chunk's CRC, and pixel data that inflates to the declared size."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(tag + body) & 0xFFFFFFFF == crc
        chunks[tag] = body
        pos += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    assert b"IEND" in chunks
