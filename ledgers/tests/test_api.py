"""/api/ledgers/ and /api/tasks/: scoped reads (404 outside), writes through ledgers.services (owners report
and submit, the manager defines, verifies, returns, cancels and reopens), 409 on a stale version, 400 with
the reason and nothing written on a refusal, a flat query count on the list."""
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from core.scoping import SYSTEM
from ledgers import services
from ledgers.choices import TaskStatus
from ledgers.models import Ledger, Milestone, ProgressUpdate, Task

TASKS, LEDGERS = "/api/tasks/", "/api/ledgers/"
JSON = "application/json"
D = date(2019, 3, 1)

pytestmark = pytest.mark.django_db


def task_body(t, **extra):
    data = {"ledger": t.ledger.pk, "owner": "CA-B1", "title": "建立支部工作台账", "deadline": "2019-09-30",
            "assigned_on": "2019-02-01", "leaders": [t.zhang.pk], "co_owners": ["CA-B2"], "directive": t.directive.pk,
            "milestones": [{"title": "制定方案", "due_on": "2019-04-30"}]}
    data.update(extra)
    return data


def snapshot():
    return (list(Task.objects.order_by("pk").values_list("pk", "title", "status", "version", "deadline")),
            Milestone.objects.count(), ProgressUpdate.objects.count())


def test_reads_are_scoped_and_outside_is_404(client, login, ledger):
    t = ledger
    assert client.get(TASKS).status_code in (401, 403)
    assert [r["id"] for r in login(t.sec_a).get(TASKS).json()["results"]] == [t.task.pk]
    # The owner college sees the ledger it works in, read only.
    assert [r["id"] for r in login(t.sec_a).get(LEDGERS).json()["results"]] == [t.ledger.pk]
    c = login(t.sec_b)
    assert c.get(TASKS).json()["count"] == 0 and c.get(LEDGERS).json()["count"] == 0
    for url in (f"{TASKS}{t.task.pk}/", f"{LEDGERS}{t.ledger.pk}/"):
        response = c.get(url)
        assert response.status_code == 404 and response.json() == {"detail": "未找到该记录"}
    assert c.post(f"{TASKS}{t.task.pk}/progress/", {"text": "x"}, content_type=JSON).status_code == 404
    assert c.patch(f"{TASKS}{t.task.pk}/", {"title": "x", "version": 1}, content_type=JSON).status_code == 404
    assert c.delete(f"{TASKS}{t.task.pk}/").status_code == 404
    assert not ProgressUpdate.objects.exists() and Task.objects.get(pk=t.task.pk).title == t.task.title


def test_detail_shows_people_organisations_milestones_and_derived_overdue(login, ledger):
    t = ledger
    data = login(t.org_admin).get(f"{TASKS}{t.task.pk}/").json()
    assert (data["owner"], data["owner_code"], data["leaders"], data["number"]) == (t.ca.pk, "CA", [t.zhang.pk], "1")
    assert data["status"] == "not_started" and data["is_overdue"] is True  # 2019-06-30 has passed
    assert data["directive"] == t.directive.pk and data["ledger_name"] == t.ledger.name


def test_manager_creates_a_task_with_milestones_and_co_owners(login, ledger):
    t = ledger
    response = login(t.org_admin).post(TASKS, task_body(t), content_type=JSON)
    assert response.status_code == 201, response.content
    data = response.json()
    task = Task.objects.get(pk=data["id"])
    assert (task.owner, task.number, task.assigned_on) == (t.ca_b1, "2", date(2019, 2, 1))
    assert list(task.co_owners.all()) == [t.ca_b2] and list(task.leaders.all()) == [t.zhang]
    assert [(m["title"], m["due_on"]) for m in data["milestones"]] == [("制定方案", "2019-04-30")]
    assert AuditEntry.objects.filter(model="ledgers.task", object_id=str(task.pk), action="create").exists()


def test_only_the_ledgers_organisation_creates_top_level_tasks_and_the_owner_splits(login, ledger):
    t = ledger
    c = login(t.sec_a)
    # The university's directives are not the college's to see: they are part of the ledger it does not manage.
    assert "directive" in c.post(TASKS, task_body(t), content_type=JSON).json()
    refused = c.post(TASKS, task_body(t, directive=None), content_type=JSON)
    assert refused.status_code == 403 and "只有台账的主管组织可以登记任务" in refused.json()["detail"]
    split = c.post(TASKS, task_body(t, parent=t.task.pk, co_owners=[], directive=None, deadline="2019-06-01"),
                   content_type=JSON)
    assert split.status_code == 201, split.content
    assert split.json()["number"] == "1.1" and split.json()["parent"] == t.task.pk


@pytest.mark.parametrize("extra, field, reason", [
    ({"deadline": "2019-01-01"}, "deadline", "不能早于下达日期"),
    ({"parent": "$T", "owner": "CB-B1", "co_owners": [], "deadline": "2019-06-01"}, "detail",
     "子任务的责任单位须在上级任务责任单位（甲学院党委）的范围内"),
    ({"owner": "NOPE"}, "owner", "未找到组织“NOPE”"),
    ({"leaders": [999999]}, "leaders", "未找到编号为 999999 的记录"),
    ({"milestones": [{"title": "晚于时限", "due_on": "2019-12-31"}]}, "detail", "须在下达日期与完成时限之间"),
    ({"deadline": "2019-02-30"}, "deadline", "日期格式错误"),
])
def test_refusals_are_400_with_the_reason_and_write_nothing(login, ledger, extra, field, reason):
    t = ledger
    extra = {k: t.task.pk if v == "$T" else v for k, v in extra.items()}
    before = snapshot()
    response = login(t.org_admin).post(TASKS, task_body(t, **extra), content_type=JSON)
    assert response.status_code == 400, response.content
    assert reason in str(response.json()[field])
    assert snapshot() == before


def test_stale_version_is_409_and_the_newer_edit_stays(login, ledger):
    t = ledger
    c = login(t.org_admin)
    first = c.patch(f"{TASKS}{t.task.pk}/", {"title": "完善并执行议事规则", "version": 1}, content_type=JSON)
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = c.patch(f"{TASKS}{t.task.pk}/", {"title": "覆盖", "version": 1}, content_type=JSON)
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    assert Task.objects.get(pk=t.task.pk).title == "完善并执行议事规则"
    missing = c.patch(f"{TASKS}{t.task.pk}/", {"title": "x"}, content_type=JSON)
    assert missing.status_code == 400 and "version" in missing.json()
    leaders = c.patch(f"{TASKS}{t.task.pk}/", {"leaders": [t.li.pk], "version": 2}, content_type=JSON)
    assert leaders.json()["leaders"] == [t.li.pk] and leaders.json()["title"] == "完善并执行议事规则"


def test_owner_reports_and_submits_the_manager_verifies_and_a_done_task_is_frozen(login, ledger):
    t = ledger
    url = f"{TASKS}{t.task.pk}/"
    owner = login(t.sec_a)
    progress = owner.post(f"{url}progress/", {"text": "已起草规则"}, content_type=JSON)
    assert progress.status_code == 200 and progress.json()["status"] == "in_progress"
    version = progress.json()["version"]
    assert owner.post(f"{url}submit/", {"completion_note": "已印发", "version": version - 1},
                      content_type=JSON).status_code == 409
    submitted = owner.post(f"{url}submit/", {"completion_note": "已印发", "version": version}, content_type=JSON)
    assert submitted.json()["status"] == "submitted"
    version = submitted.json()["version"]
    refused = owner.post(f"{url}verify/", {"version": version}, content_type=JSON)
    assert refused.status_code == 403 and "管理单位" in refused.json()["detail"]
    manager = login(t.org_admin)
    done = manager.post(f"{url}verify/", {"version": version}, content_type=JSON)
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["is_overdue"] is False
    frozen = manager.patch(url, {"title": "改", "version": done.json()["version"]}, content_type=JSON)
    assert frozen.status_code == 400 and "重新打开" in frozen.json()["detail"]
    no_reason = manager.post(f"{url}reopen/", {"reason": " ", "version": done.json()["version"]}, content_type=JSON)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    reopened = manager.post(f"{url}reopen/", {"reason": "补充落实情况", "version": done.json()["version"]},
                            content_type=JSON)
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"
    events = list(Task.objects.get(pk=t.task.pk).transitions.values_list("event", flat=True))
    assert events == ["created", "started", "submitted", "verified", "reopened"]


def test_return_and_cancel_need_a_reason_and_a_refused_action_changes_nothing(login, ledger):
    t = ledger
    url = f"{TASKS}{t.task.pk}/"
    services.add_progress(t.sec_a, t.task, "进行中", written_on=D, today=D)
    manager = login(t.org_admin)
    task = Task.objects.get(pk=t.task.pk)
    not_submitted = manager.post(f"{url}return/", {"reason": "材料不全", "version": task.version}, content_type=JSON)
    assert not_submitted.status_code == 400 and "不能退回" in not_submitted.json()["detail"]
    assert Task.objects.get(pk=t.task.pk).status == TaskStatus.IN_PROGRESS
    services.submit_task(t.sec_a, task, "完成", today=date(2019, 5, 1))
    task = Task.objects.get(pk=t.task.pk)
    returned = manager.post(f"{url}return/", {"reason": "材料不全", "version": task.version}, content_type=JSON)
    assert returned.json()["status"] == "returned"
    cancelled = manager.post(f"{url}cancel/", {"reason": "并入其他任务", "version": returned.json()["version"]},
                             content_type=JSON)
    assert cancelled.json()["status"] == "cancelled"
    assert Task.objects.get(pk=t.task.pk).transitions.last().reason == "并入其他任务"
    owner_cancel = login(t.sec_a).post(f"{url}reopen/", {"reason": "x", "version": cancelled.json()["version"]},
                                       content_type=JSON)
    assert owner_cancel.status_code == 403 and Task.objects.get(pk=t.task.pk).status == TaskStatus.CANCELLED


def test_delete_only_untouched_tasks(login, ledger):
    t = ledger
    c = login(t.org_admin)
    services.add_progress(t.sec_a, t.task, "进行中", written_on=D, today=D)
    refused = c.delete(f"{TASKS}{t.task.pk}/")
    assert refused.status_code == 400 and "不能删除" in refused.json()["detail"]
    fresh = services.create_task(SYSTEM, ledger=t.ledger, owner=t.cb, title="新任务", deadline=date(2030, 1, 1))
    assert c.delete(f"{TASKS}{fresh.pk}/").status_code == 204
    assert not Task.objects.filter(pk=fresh.pk).exists()
    assert AuditEntry.objects.filter(model="ledgers.task", object_id=str(fresh.pk), action="delete").exists()


def test_ledger_crud_through_the_services(login, ledger):
    t = ledger
    c = login(t.sec_a)
    body = {"kind": "task_list", "name": "甲学院基层党建任务清单", "organization": "CA", "year": 2024}
    created = c.post(LEDGERS, body, content_type=JSON)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert AuditEntry.objects.filter(model="ledgers.ledger", object_id=str(pk), action="create").exists()
    outside = c.post(LEDGERS, {**body, "organization": "CB"}, content_type=JSON)
    assert outside.status_code == 400 and "未找到组织“CB”" in str(outside.json())
    # Read only through its tasks: the college cannot change the university's ledger.
    assert c.patch(f"{LEDGERS}{t.ledger.pk}/", {"name": "x", "version": 1}, content_type=JSON).status_code == 403
    manager = login(t.org_admin)
    kind = manager.patch(f"{LEDGERS}{t.ledger.pk}/", {"kind": "task_list", "version": 1}, content_type=JSON)
    assert kind.status_code == 400 and "不能更改类型" in kind.json()["detail"]
    refused = manager.delete(f"{LEDGERS}{t.ledger.pk}/")
    assert refused.status_code == 400 and Ledger.objects.filter(pk=t.ledger.pk).exists()
    assert manager.delete(f"{LEDGERS}{pk}/").status_code == 204


def test_filters_and_flat_query_count(login, ledger, django_assert_max_num_queries):
    t = ledger
    c = login(t.org_admin)
    c.get(TASKS)
    with CaptureQueriesContext(connection) as few:
        assert c.get(TASKS).json()["count"] == 1
    for i in range(8):
        services.create_task(SYSTEM, ledger=t.ledger, owner=t.ca_b1 if i % 2 else t.cb, title=f"任务{i}",
                             deadline=date.today() + timedelta(days=30), leaders=[t.zhang, t.wang],
                             co_owners=[t.ca_b2] if i % 2 else [],
                             milestones=[{"title": "节点", "due_on": date.today() + timedelta(days=10)}])
    with django_assert_max_num_queries(len(few)):
        assert c.get(TASKS).json()["count"] == 9

    def ids(**params):
        return {r["id"] for r in c.get(TASKS, params).json()["results"]}

    assert ids(overdue="true") == {t.task.pk}
    assert len(ids(owner=t.cb.pk)) == 4 and len(ids(leader="王芳")) == 8
    assert c.get(TASKS, {"ledger": 99999999}).status_code == 400
