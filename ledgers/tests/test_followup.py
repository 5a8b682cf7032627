"""督办: the right people are told once, by notification and mail, while a task is open and late or near."""
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Notification
from accounts.roles import Role
from conftest import make_user
from core.models import RuleVersion
from core.scoping import SYSTEM
from ledgers import services
from ledgers.followup import send_followups
from members.services import appoint

TODAY = date(2019, 6, 26)  # the fixture's task is due 2019-06-30: within the default 7-day window


@pytest.fixture
def contacts(ledger):
    """College A's secretary (seat) has an account; sec_a holds the role with subtree on college A; the
    root's organisation admin manages the ledger; 张嘉恒 leads the task (account member_zhang)."""
    t = ledger
    t.ca_secretary = make_user("ca_sec_person", Role.MEMBER, t.ca, include_subtree=False, person=t.li)
    appoint(SYSTEM, t.ca, t.li, "secretary", date(2018, 1, 1))
    t.org_admin.email = "orgadmin@example.edu.cn"
    t.org_admin.save()
    t.sec_a.email = "sec_a@example.edu.cn"
    t.sec_a.save()
    return t


def told(t):
    return {n.user.username for n in Notification.objects.select_related("user")}


@pytest.mark.django_db
class TestFollowup:
    def test_owners_leaders_and_managers_are_told_once(self, contacts):
        t = contacts
        sent = send_followups(TODAY)
        # Owner contacts (seat + the roles held on college A itself, with or without its subtree), the
        # leader, the manager (org admin on the root).
        assert told(t) == {"ca_sec_person", "sec_a", "branch_only", "member_zhang", "orgadmin"}
        assert sent == 5
        n = Notification.objects.get(user=t.sec_a)
        assert n.title == "任务即将到期：完善学院党委会议事规则"
        assert "2019-06-30" in n.body and "还有4天" in n.body
        assert n.link == t.task.get_absolute_url()
        # Mailed to the two users with an address (locmem backend in tests).
        assert sorted(m.to[0] for m in mail.outbox) == ["orgadmin@example.edu.cn", "sec_a@example.edu.cn"]
        assert send_followups(TODAY) == 0 and send_followups(date(2019, 6, 27)) == 0

    def test_overdue_is_news_once_more_and_a_new_deadline_again(self, contacts):
        t = contacts
        send_followups(TODAY)
        assert send_followups(date(2019, 7, 2)) == 5
        late = Notification.objects.get(user=t.sec_a, title__startswith="任务逾期")
        assert "已逾期2天" in late.body
        services.update_task(t.org_admin, t.task, {"deadline": date(2019, 7, 5)})
        assert send_followups(date(2019, 7, 2)) == 5  # due again, against the new deadline

    def test_nobody_outside_is_told_and_done_or_submitted_tasks_are_quiet(self, contacts):
        t = contacts
        services.add_progress(t.sec_a, t.task, "已完成", written_on=date(2019, 6, 1), today=date(2019, 6, 1))
        services.submit_task(t.sec_a, t.task, "已印发", today=date(2019, 6, 20))
        assert send_followups(date(2019, 7, 10)) == 0
        assert not Notification.objects.exists()

    def test_other_colleges_and_branches_are_not_told(self, contacts):
        t = contacts
        send_followups(TODAY)
        for nobody in (t.sec_b, t.sec_b1, t.sys_admin):
            assert not Notification.objects.filter(user=nobody).exists()

    def test_window_is_a_rule_overridable_per_subtree(self, contacts):
        t = contacts
        RuleVersion.objects.create(key="ledgers.followup_days", effective_from=date(2019, 1, 1),
                                   scope_path=t.ca.path, value=2)
        assert send_followups(TODAY) == 0  # four days ahead, the college's window is two
        assert send_followups(date(2019, 6, 28)) == 5

    def test_milestones_are_followed_up_too(self, contacts):
        t = contacts
        services.update_task(t.org_admin, t.task, {}, milestones=[{"title": "起草初稿", "due_on": date(2019, 3, 31)}])
        send_followups(date(2019, 4, 3))
        assert Notification.objects.filter(user=t.sec_a, title="时间节点逾期：起草初稿").exists()
        milestone = t.task.milestones.get()
        services.complete_milestone(t.sec_a, milestone, date(2019, 4, 5), today=date(2019, 4, 5))
        before = Notification.objects.count()
        send_followups(date(2019, 4, 8))
        assert Notification.objects.count() == before

    @pytest.mark.django_db(transaction=True)
    def test_the_queued_task_runs_through_the_database_worker(self, contacts):
        # Committed for real: the worker closes a connection it finds inside a transaction.
        call_command("ledger_followup", "--date", TODAY.isoformat())
        assert Notification.objects.count() == 0
        call_command("db_worker", "--batch", "--no-startup-delay")
        assert Notification.objects.count() == 5

    def test_command_now(self, contacts, capsys):
        call_command("ledger_followup", "--date", TODAY.isoformat(), "--now")
        assert "已发送 5 条督办通知" in capsys.readouterr().out
