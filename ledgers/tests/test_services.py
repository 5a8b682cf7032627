"""The task life cycle and its rules, on the service layer."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from core.errors import BusinessRuleError, NotInScope, StaleEdit
from core.scoping import SYSTEM
from ledgers import services
from ledgers.choices import Event, LedgerKind, TaskStatus
from ledgers.models import Task

D = date(2019, 3, 1)


def split(t, user=None):
    user = user or t.sec_a
    return [services.create_task(user, ledger=t.ledger, parent=t.task, owner=org, title=f"{org.name}落实",
                                 deadline=date(2019, 6, 1), assigned_on=date(2019, 2, 1))
            for org in (t.ca_b1, t.ca_b2)]


def finish(user, task, day=date(2019, 5, 1)):
    services.add_progress(user, task, "已完成制度修订", written_on=day, today=day)
    return services.submit_task(user, task, "制度已印发", today=day)


def test_created_task_is_numbered_with_a_transition_and_an_audit_row(ledger):
    t = ledger
    assert t.task.number == "1" and t.task.status == TaskStatus.NOT_STARTED
    assert list(t.task.transitions.values_list("event", "on")) == [(Event.CREATED, date(2019, 1, 15))]
    assert AuditEntry.objects.filter(model="ledgers.task", object_id=str(t.task.pk), action="create").exists()
    assert list(t.task.leaders.all()) == [t.zhang]


def test_deadline_before_the_assignment_date_is_refused(ledger):
    t = ledger
    with pytest.raises(ValidationError) as exc:
        services.create_task(SYSTEM, ledger=t.ledger, owner=t.ca, title="x", deadline=date(2019, 1, 1),
                             assigned_on=date(2019, 2, 1))
    assert "不能早于下达日期" in str(exc.value)
    assert Task.objects.count() == 1


def test_owner_reports_progress_submits_and_the_manager_verifies(ledger):
    t = ledger
    services.add_progress(t.sec_a, t.task, "已起草规则", written_on=D, today=D)
    t.task.refresh_from_db()
    assert t.task.status == TaskStatus.IN_PROGRESS
    submitted = services.submit_task(t.sec_a, t.task, "规则已印发", today=date(2019, 6, 20))
    assert submitted.status == TaskStatus.SUBMITTED and submitted.submitted_on == date(2019, 6, 20)
    # The owner cannot verify its own top-level task: the ledger belongs to the university.
    with pytest.raises(PermissionDenied):
        services.verify_task(t.sec_a, submitted, today=date(2019, 7, 2))
    done = services.verify_task(t.org_admin, submitted, today=date(2019, 7, 2))
    assert done.status == TaskStatus.DONE and done.completed_on == date(2019, 6, 20)
    assert [e for e, in done.transitions.values_list("event")] == [
        Event.CREATED, Event.STARTED, Event.SUBMITTED, Event.VERIFIED]


def test_return_needs_a_reason_and_reopens_the_owners_work(ledger):
    t = ledger
    finish(t.sec_a, t.task)
    with pytest.raises(ValidationError):
        services.return_task(t.org_admin, t.task, "  ")
    returned = services.return_task(t.org_admin, t.task, "缺少印发文件", today=date(2019, 5, 3))
    assert returned.status == TaskStatus.RETURNED
    assert returned.transitions.last().reason == "缺少印发文件"
    again = services.submit_task(t.sec_a, returned, "补充了印发文件", today=date(2019, 5, 5))
    assert again.status == TaskStatus.SUBMITTED


def test_a_verified_task_is_frozen_until_reopened_with_a_reason(ledger):
    t = ledger
    finish(t.sec_a, t.task)
    done = services.verify_task(t.org_admin, t.task, today=date(2019, 5, 2))
    with pytest.raises(BusinessRuleError) as exc:
        services.update_task(t.org_admin, done, {"title": "改"})
    assert "重新打开" in exc.value.message
    with pytest.raises(BusinessRuleError):
        services.add_progress(t.sec_a, done, "再补一条", written_on=date(2019, 5, 3), today=date(2019, 5, 3))
    with pytest.raises(ValidationError):
        services.reopen_task(t.org_admin, done, "")
    with pytest.raises(PermissionDenied):
        services.reopen_task(t.sec_a, done, "自己想改")
    reopened = services.reopen_task(t.org_admin, done, "上级要求补充落实情况", today=date(2019, 8, 1))
    assert reopened.status == TaskStatus.IN_PROGRESS and reopened.completed_on is None
    services.update_task(t.org_admin, reopened, {"title": "完善并执行学院党委会议事规则"})


def test_cascade_rollup_and_no_verification_while_a_subtask_is_open(ledger):
    t = ledger
    b1, b2 = split(t)
    assert [s.number for s in (b1, b2)] == ["1.1", "1.2"]
    assert services.rollup(t.task) == (0, 2)
    # The college verifies its branches' sub-tasks; the branch secretary owns its own.
    finish(t.sec_b1, b1)
    services.verify_task(t.sec_a, b1, today=date(2019, 5, 2))
    assert services.rollup(t.task) == (1, 2)
    with pytest.raises(BusinessRuleError) as exc:
        services.submit_task(t.sec_a, t.task, "全部完成", today=date(2019, 5, 3))
    assert "尚有 1 项子任务未完成" in exc.value.message and t.ca_b2.name in exc.value.message
    finish(t.sec_a, b2)
    services.verify_task(t.sec_a, b2, today=date(2019, 5, 4))
    assert services.rollup(t.task) == (2, 2)
    finish(t.sec_a, t.task, date(2019, 5, 5))
    assert services.verify_task(t.org_admin, t.task, today=date(2019, 5, 6)).status == TaskStatus.DONE


def test_verification_is_refused_while_a_subtask_is_open(ledger):
    t = ledger
    b1, _b2 = split(t)
    services.cancel_task(t.sec_a, _b2, "并入其他任务", today=date(2019, 3, 2))
    finish(t.sec_b1, b1)
    # Submitting the parent is refused while b1 waits for verification...
    with pytest.raises(BusinessRuleError):
        services.submit_task(t.sec_a, t.task, "完成", today=date(2019, 5, 3))
    services.verify_task(t.sec_a, b1, today=date(2019, 5, 3))
    finish(t.sec_a, t.task, date(2019, 5, 4))
    # ...and a sub-task reopened after the parent was submitted blocks its verification.
    services.reopen_task(t.sec_a, b1, "补充材料", today=date(2019, 5, 5))
    with pytest.raises(BusinessRuleError) as exc:
        services.verify_task(t.org_admin, t.task, today=date(2019, 5, 6))
    assert "不能审核通过" in exc.value.message
    assert Task.objects.get(pk=t.task.pk).status == TaskStatus.SUBMITTED


def test_subtask_owner_outside_the_parents_subtree_is_refused(ledger):
    t = ledger
    with pytest.raises(BusinessRuleError) as exc:
        services.create_task(t.org_admin, ledger=t.ledger, parent=t.task, owner=t.cb_b1, title="x",
                             deadline=date(2019, 6, 1), assigned_on=date(2019, 2, 1))
    assert "子任务的责任单位须在上级任务责任单位" in exc.value.message
    assert not t.task.subtasks.exists()


def test_subtask_deadline_after_the_parents_is_refused(ledger):
    t = ledger
    with pytest.raises(ValidationError):
        services.create_task(t.sec_a, ledger=t.ledger, parent=t.task, owner=t.ca_b1, title="x",
                             deadline=date(2019, 7, 1), assigned_on=date(2019, 2, 1))


def test_only_the_parents_owner_splits_and_another_college_sees_nothing(ledger):
    t = ledger
    with pytest.raises(NotInScope):
        services.create_task(t.sec_b, ledger=t.ledger, parent=t.task, owner=t.ca_b1, title="x",
                             deadline=date(2019, 6, 1), assigned_on=date(2019, 2, 1))
    with pytest.raises(NotInScope):
        services.add_progress(t.sec_b, t.task, "插一手", written_on=D, today=D)
    assert not Task.objects.restrict(t.sec_b).exists()
    assert not t.task.updates.exists()


def test_visibility_through_owner_ledger_and_co_owner(ledger):
    t = ledger
    b1, b2 = split(t)
    # The branch-only secretary sees its own sub-task and, read-only, the ledger it sits in.
    assert set(Task.objects.restrict(t.sec_b1)) == {b1}
    assert t.ledger.__class__.objects.restrict(t.sec_b1).get() == t.ledger
    assert not t.ledger.__class__.objects.restrict(t.sec_b1, "change").exists()
    # A co-owner sees the task without owning it.
    services.update_task(t.org_admin, t.task, {}, co_owners=[t.cb])
    assert set(Task.objects.restrict(t.sec_b)) == {t.task}
    assert not Task.objects.restrict(t.sec_b, "change").exists()


def test_a_role_over_the_whole_tree_reads_tasks_by_their_owner_alone(ledger):
    """The organisation admin of the only top sees every task through its owner: the ledger and co-owner
    alternatives are left out of the query (the planner misjudged them on a province), the tasks are the
    same; a college secretary still reaches tasks through them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = ledger
    split(t)
    services.update_task(t.org_admin, t.task, {}, co_owners=[t.cb])
    with CaptureQueriesContext(connection) as ctx:
        everything = set(Task.objects.restrict(t.org_admin))
    assert everything == set(Task.objects.all()) and len(everything) >= 3
    assert "ledgers_task_co_owners" not in ctx[-1]["sql"]
    with CaptureQueriesContext(connection) as ctx:
        assert set(Task.objects.restrict(t.sec_b)) == {t.task}
    assert "ledgers_task_co_owners" in ctx[-1]["sql"]
    assert "ledgers_task_co_owners" in str(Task.objects.restrict(t.org_admin, "export").query)


def test_stale_edit_names_who_changed_what_and_keeps_the_newer_version(ledger):
    t = ledger
    seen = t.task.version
    services.update_task(t.org_admin, t.task, {"deadline": date(2019, 6, 15)}, expected_version=seen)
    with pytest.raises(StaleEdit) as exc:
        services.update_task(t.org_admin, t.task, {"title": "旧页面上的修改"}, expected_version=seen)
    assert "orgadmin" in exc.value.message and "完成时限" in exc.value.message
    fresh = Task.objects.get(pk=t.task.pk)
    assert fresh.deadline == date(2019, 6, 15) and fresh.title == "完善学院党委会议事规则"


def test_delete_only_untouched_tasks(ledger):
    t = ledger
    services.add_progress(t.sec_a, t.task, "开始", written_on=D, today=D)
    with pytest.raises(BusinessRuleError):
        services.delete_task(t.org_admin, t.task)
    other = services.create_task(t.org_admin, ledger=t.ledger, owner=t.cb, title="临时任务",
                                 deadline=date(2019, 6, 30), assigned_on=date(2019, 1, 15))
    services.delete_task(t.org_admin, other)
    assert not Task.objects.filter(pk=other.pk).exists()
    assert AuditEntry.objects.filter(model="ledgers.task", object_id=str(other.pk), action="delete").exists()


def test_parts_belong_to_their_kind_of_ledger(ledger):
    t = ledger
    with pytest.raises(BusinessRuleError):
        services.add_section(SYSTEM, ledger=t.ledger, title="一、政治建设")
    rl = services.create_ledger(SYSTEM, kind=LedgerKind.RESPONSIBILITY_LIST, name="责任清单", organization=t.root,
                                year=2019)
    with pytest.raises(BusinessRuleError):
        services.create_task(SYSTEM, ledger=rl, owner=t.ca, title="x", deadline=date(2019, 6, 1),
                             assigned_on=date(2019, 1, 1))
    duty = services.save_duty(SYSTEM, ledger=rl, leader=t.zhang, post="党委书记", content="全面从严治党第一责任人",
                              organizations=[t.ca, t.cb])
    assert set(duty.organizations.all()) == {t.ca, t.cb}


def test_a_section_cannot_move_under_itself_or_into_another_ledger(ledger):
    t = ledger
    tl = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name="任务清单", organization=t.root, year=2019)
    other = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name="另一清单", organization=t.root, year=2019)
    top = services.add_section(SYSTEM, ledger=tl, number="一", title="政治建设")
    child = services.add_section(SYSTEM, ledger=tl, parent=top, number="（一）", title="理论武装")
    foreign = services.add_section(SYSTEM, ledger=other, number="一", title="别处")
    for parent in (child, top, foreign):
        with pytest.raises(BusinessRuleError):
            services.update_part(SYSTEM, top, {"parent": parent})
    top.refresh_from_db()
    assert top.parent is None
