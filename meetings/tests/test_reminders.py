"""Meeting reminders: the right secretaries are told, once, and only while the meeting is missing."""
from datetime import date

import pytest
from django.core.management import call_command

from accounts.models import Notification
from accounts.roles import Role
from conftest import make_user
from core.models import RuleVersion
from core.scoping import SYSTEM
from meetings.models import Meeting
from meetings.services import create_meeting
from meetings.tasks import send_meeting_reminders, send_reminders
from members.services import appoint

# Five days before the first quarter closes: the member assembly, party lecture (quarterly), committee
# meeting and theme day (monthly) of March are due within the default 7-day window; the life meeting
# (yearly) is not.
TODAY = date(2025, 3, 26)
DUE_AT_BRANCH = {"member_assembly", "party_lecture", "branch_committee", "theme_day"}


@pytest.fixture
def secretaries(branch):
    """CA-B1's secretary 张嘉恒 has an account (member_zhang); sec_b1 holds the secretary role on CA-B1
    itself. sec_a (college committee, with subtree) and a former secretary with an account must not be
    told about the branch."""
    t = branch
    t.sec_b1 = make_user("sec_b1", Role.SECRETARY, t.ca_b1)
    t.former = make_user("former", Role.MEMBER, t.ca_b1, include_subtree=False, person=t.full2)
    # 刘洋 was the branch's secretary before 张嘉恒 (seats are history).
    from members.models import CommitteeSeat

    CommitteeSeat.objects.filter(organization=t.ca_b1, post="secretary").update(started_on=date(2019, 1, 1))
    CommitteeSeat.objects.create(organization=t.ca_b1, post="secretary", person=t.full2,
                                 started_on=date(2015, 1, 1), ended_on=date(2018, 12, 31))
    return t


def kinds_of(user):
    return {n.dedupe_key.split(":")[3] for n in Notification.objects.filter(user=user)}


@pytest.mark.django_db
class TestReminders:
    def test_the_branch_secretaries_are_told_of_each_missing_meeting(self, secretaries):
        t = secretaries
        sent = send_reminders(TODAY)
        assert kinds_of(t.member) == DUE_AT_BRANCH  # 张嘉恒's account, through his seat
        assert kinds_of(t.sec_b1) == DUE_AT_BRANCH  # the role on the branch itself
        for nobody in (t.sec_a, t.branch_only, t.org_admin, t.former, t.sec_b):
            assert not Notification.objects.filter(user=nobody).exists(), nobody
        assert sent == Notification.objects.count() == 8
        n = Notification.objects.get(user=t.member, dedupe_key__contains=":member_assembly:")
        assert n.title == "甲学院教工第一党支部：第1季度支部党员大会尚未召开"
        assert "2025-03-31" in n.body
        assert n.link == f"/meetings/compliance/?org={t.ca_b1.pk}&year=2025"
        assert n.read_at is None

    def test_idempotent(self, secretaries):
        assert send_reminders(TODAY) == 8
        assert send_reminders(TODAY) == 0
        # The next day is still within the same periods' window: nothing new either.
        assert send_reminders(date(2025, 3, 27)) == 0
        assert Notification.objects.count() == 8
        # A new period brings a new reminder (April's committee meeting and theme day, a week before).
        assert send_reminders(date(2025, 4, 25)) == 4
        assert Notification.objects.count() == 12

    def test_none_when_the_meeting_was_held(self, secretaries):
        t = secretaries
        create_meeting(SYSTEM, organization=t.ca_b1, kind="member_assembly", title="一季度党员大会",
                       held_on=date(2025, 3, 20), today=TODAY)
        # A meeting only planned does not stop the reminder.
        Meeting.objects.create(organization=t.ca_b1, kind="theme_day", title="主题党日", held_on=date(2025, 3, 28),
                               status="planned")
        send_reminders(TODAY)
        assert kinds_of(t.member) == DUE_AT_BRANCH - {"member_assembly"}

    def test_outside_the_window_nothing_and_the_window_is_a_rule(self, secretaries):
        t = secretaries
        assert send_reminders(date(2025, 3, 20)) == 0  # 11 days before the end of March
        RuleVersion.objects.create(key="meeting.reminder_days", effective_from=date(2025, 1, 1),
                                   scope_path=t.ca.path, value=14)
        assert send_reminders(date(2025, 3, 20)) == 8

    def test_dissolved_organisations_and_their_secretaries_are_left_alone(self, secretaries):
        t = secretaries
        t.ca_b1.dissolved_on = date(2025, 3, 1)
        t.ca_b1.save()
        assert send_reminders(TODAY) == 0

    def test_the_groups_secretary_is_told_of_group_meetings(self, secretaries):
        t = secretaries
        group_sec = make_user("group_sec", Role.SECRETARY, t.ca_g1)
        appoint(SYSTEM, t.ca_g1, t.prob, "secretary", date(2024, 1, 1))  # no account: nobody to tell
        send_reminders(TODAY)
        assert kinds_of(group_sec) == {"group_meeting"}

    def test_through_the_task_immediately(self, secretaries, settings):
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        result = send_meeting_reminders.enqueue(TODAY.isoformat())
        assert result.status == "SUCCESSFUL"
        assert result.return_value == 8
        assert Notification.objects.count() == 8

    @pytest.mark.django_db(transaction=True)
    def test_through_the_database_queue_and_its_worker(self, secretaries):
        # The command enqueues on the configured database backend; the package's worker runs it. (Committed
        # for real: the worker closes a connection it finds inside a transaction, as a test's would be.)
        call_command("meeting_reminders", "--date", TODAY.isoformat())
        assert Notification.objects.count() == 0
        call_command("db_worker", "--batch", "--no-startup-delay")
        assert Notification.objects.count() == 8

    def test_command_runs_now(self, secretaries, capsys):
        call_command("meeting_reminders", "--date", TODAY.isoformat(), "--now")
        assert "8" in capsys.readouterr().out
        assert Notification.objects.count() == 8
