"""The task pages: scope tests from core.testing for the list, detail, form and actions; filters; the
owner's and manager's work through the pages; refusals that leave the database as it was; evidence
upload and download; the follow-up page."""
import io
import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from audit.services import history
from core import testing
from core.scoping import SYSTEM
from ledgers import services
from ledgers.choices import Event, LedgerKind, TaskStatus
from ledgers.models import Evidence, Milestone, Task
from ledgers.task_forms import TaskForm

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
_n = itertools.count(1)


def new_task(ledger, owner, title, *, deadline=None, assigned_on=None, **extra):
    return services.create_task(SYSTEM, ledger=ledger, owner=owner, title=title,
                                deadline=deadline or TODAY + timedelta(days=60),
                                assigned_on=assigned_on or TODAY - timedelta(days=30), **extra)


def milestone_data(rows=(), extra=1):
    data = {"milestones-TOTAL_FORMS": str(len(rows) + extra), "milestones-INITIAL_FORMS": "0",
            "milestones-MIN_NUM_FORMS": "0", "milestones-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"milestones-{i}-{key}"] = str(value)
    return data


def edit_data(task, user):
    data = testing.initial_form_data(TaskForm(instance=task, user=user))
    data.update(milestone_data([{"key": m.pk, "title": m.title, "due_on": m.due_on.isoformat()}
                                for m in task.milestones.all()]))
    return data


def add_data(ledger, owner, milestones=None, **extra):
    data = {"ledger": str(ledger.pk), "title": "新登记的任务", "owner": str(owner.pk),
            "assigned_on": (TODAY - timedelta(days=1)).isoformat(),
            "deadline": (TODAY + timedelta(days=90)).isoformat()}
    if milestones is None:
        milestones = [{"title": "形成初稿", "due_on": (TODAY + timedelta(days=30)).isoformat()}]
    data.update(milestone_data(milestones))
    data.update(extra)
    return data


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def college_ledgers(users):
    """A task list of each college, with one task of each college's first branch; college A's secretary
    manages college A's list."""
    t = users
    t.ledger_a = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name="甲学院基层党建任务清单",
                                        organization=t.ca, year=TODAY.year)
    t.ledger_b = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name="乙学院基层党建任务清单",
                                        organization=t.cb, year=TODAY.year)
    t.task_a = new_task(t.ledger_a, t.ca_b1, "甲学院建设标准化党支部", leaders=[t.zhang])
    t.task_b = new_task(t.ledger_b, t.cb_b1, "乙学院建设标准化党支部", leaders=[t.wang])
    return t


@pytest.fixture
def task_case(college_ledgers):
    t = college_ledgers
    return testing.ScopedCase(inside=t.task_a, outside=t.task_b, allowed_user=t.sec_a, sibling_user=t.sec_b,
                              no_role_user=t.nobody, extra={"tree": t})


class TaskViewTests(testing.ScopedTestBase):
    model = Task
    audit_history = staticmethod(history)

    def text_of(self, obj):
        return obj.title

    @pytest.fixture
    def scoped_case(self, task_case):
        return task_case


class TestTaskPages(TaskViewTests, testing.ListTests, testing.ExportTests, testing.DetailTests,
                    testing.AddTests, testing.EditTests):
    list_url = "/ledgers/tasks/"
    edit_changes = {"title": "甲学院建设标准化规范化党支部"}

    def make_inside(self, case):
        # Leaders, a co-owner and a progress update on every row: the list must not query per row for them.
        t = case.extra["tree"]
        task = new_task(t.ledger_a, t.ca_b2, f"增补任务{next(_n)}", leaders=[t.zhang, t.li], co_owners=[t.ca_b1])
        services.add_progress(t.sec_a, task, "已部署", written_on=TODAY)
        return task

    def add_url(self, case, org):
        return f"/ledgers/tasks/add/?ledger={case.extra['tree'].ledger_a.pk}"

    def add_data(self, case, org):
        return add_data(case.extra["tree"].ledger_a, org)

    def edit_url(self, obj):
        return f"/ledgers/tasks/{obj.pk}/edit/"

    def edit_data(self, case, obj):
        return edit_data(obj, case.allowed_user)


class TestTaskSubmitPage(TaskViewTests, testing.VersionedActionTests):
    def action_url(self, obj):
        return f"/ledgers/tasks/{obj.pk}/submit/"

    def action_data(self, case, obj):
        return {"completion_note": "已完成标准化建设"}

    def action_done(self, case, obj):
        return testing.refetch(obj).status == TaskStatus.SUBMITTED


@pytest.fixture
def submitted_case(task_case):
    for task in (task_case.inside, task_case.outside):
        services.submit_task(SYSTEM, task, "已完成")
    return task_case


class TestTaskVerifyPage(TaskViewTests, testing.VersionedActionTests):
    @pytest.fixture
    def scoped_case(self, submitted_case):
        return submitted_case

    def action_url(self, obj):
        return f"/ledgers/tasks/{obj.pk}/verify/"

    def action_done(self, case, obj):
        return testing.refetch(obj).status == TaskStatus.DONE


class TestTaskReturnPage(TaskViewTests, testing.VersionedActionTests):
    @pytest.fixture
    def scoped_case(self, submitted_case):
        return submitted_case

    def action_url(self, obj):
        return f"/ledgers/tasks/{obj.pk}/return/"

    def action_data(self, case, obj):
        return {"reason": "缺少佐证材料"}

    def action_done(self, case, obj):
        return testing.refetch(obj).status == TaskStatus.RETURNED


class TestTaskDeletePage(TaskViewTests, testing.ActionTests):
    deletes = True

    def action_url(self, obj):
        return f"/ledgers/tasks/{obj.pk}/delete/"

    def action_done(self, case, obj):
        return testing.refetch(obj) is None


# --- who sees what ----------------------------------------------------------------------------------

@pytest.fixture
def case(ledger, settings, tmp_path):
    """The university's directive ledger (org admin manages it) with college A's task (sec_a owns it),
    a PDF of evidence on it, and media in a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    t = ledger
    t.media = Path(settings.MEDIA_ROOT)
    t.evidence = services.add_evidence(t.sec_a, t.task, SimpleUploadedFile("会议纪要.pdf", PDF), note="纪要")
    return t


def stored_files(t):
    return sorted(p for p in t.media.rglob("*") if p.is_file()) if t.media.exists() else []


def test_another_college_and_a_member_get_404_everywhere(client, case):
    t = case
    urls = [f"/ledgers/tasks/{t.task.pk}/{suffix}" for suffix in
            ("", "?tab=progress", "?tab=evidence", "?tab=timeline", "edit/", "submit/", "verify/", "return/",
             "cancel/", "reopen/", "delete/")]
    urls.append(f"/ledgers/evidence/{t.evidence.pk}/")
    urls.append(f"/ledgers/evidence/{t.evidence.pk}/delete/")
    for user in (t.sec_b, t.member, t.nobody):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (user, url)
            assert "未找到该记录" in response.content.decode()
            assert t.task.title not in response.content.decode()
        for url in (f"/ledgers/tasks/{t.task.pk}/", f"/ledgers/tasks/{t.task.pk}/submit/",
                    f"/ledgers/tasks/{t.task.pk}/evidence/", f"/ledgers/evidence/{t.evidence.pk}/delete/"):
            assert client.post(url, {"text": "插一手", "written_on": TODAY.isoformat(), "completion_note": "x",
                                     "file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 404
        listed = client.get("/ledgers/tasks/")
        assert listed.context["page"].paginator.count == 0
    fresh = Task.objects.get(pk=t.task.pk)
    assert fresh.status == TaskStatus.NOT_STARTED and not fresh.updates.exists()
    assert Evidence.objects.count() == 1


def test_detail_shows_buttons_by_role_and_status(client, case):
    t = case
    url = f"/ledgers/tasks/{t.task.pk}/"
    client.force_login(t.sec_a)  # owner: submit, split, progress; no manager buttons
    body = client.get(url).content.decode()
    assert 'id="task-submit"' in body and 'id="split-task"' in body
    assert 'id="task-verify"' not in body and 'id="task-edit"' not in body
    assert 'id="progress-form"' in client.get(url, {"tab": "progress"}).content.decode()
    client.force_login(t.org_admin)  # the ledger's manager
    body = client.get(url).content.decode()
    assert 'id="task-edit"' in body and 'id="task-cancel"' in body and 'id="task-delete"' in body
    assert t.root.name in body  # the manager organisation
    # A co-owner reads the task but acts on nothing.
    services.update_task(t.org_admin, t.task, {}, co_owners=[t.cb])
    client.force_login(t.sec_b)
    response = client.get(url)
    assert response.status_code == 200 and 'id="task-submit"' not in response.content.decode()
    assert 'id="progress-form"' not in client.get(url, {"tab": "progress"}).content.decode()
    assert client.get(f"/ledgers/tasks/{t.task.pk}/submit/").status_code == 403
    assert client.get(f"/ledgers/tasks/{t.task.pk}/edit/").status_code == 403


# --- the list and its filters ------------------------------------------------------------------------

def test_list_filters_by_status_owner_leader_overdue_and_due_range(client, college_ledgers):
    t = college_ledgers
    late = new_task(t.ledger_a, t.ca_b2, "学生支部按期换届", deadline=TODAY - timedelta(days=5),
                    assigned_on=TODAY - timedelta(days=40), leaders=[t.li])
    soon = new_task(t.ledger_a, t.ca_b2, "学生支部发展党员", deadline=TODAY + timedelta(days=3),
                    leaders=[t.li, t.zhang])
    services.add_progress(t.sec_a, soon, "已确定发展对象", written_on=TODAY)
    client.force_login(t.sec_a)

    def ids(**query):
        response = client.get("/ledgers/tasks/", query)
        assert response.status_code == 200
        return {o.pk for o in response.context["page"].object_list}

    assert ids() == {t.task_a.pk, late.pk, soon.pk}
    assert ids(status="in_progress") == {soon.pk}
    assert ids(status=["in_progress", "not_started"]) == {t.task_a.pk, late.pk, soon.pk}
    assert ids(owner=t.ca_b2.pk) == {late.pk, soon.pk}
    assert ids(owner=t.ca.pk) == {t.task_a.pk, late.pk, soon.pk}
    assert ids(leader="李明") == {late.pk, soon.pk}
    assert ids(leader="张嘉恒") == {t.task_a.pk, soon.pk}
    assert ids(overdue="true") == {late.pk}
    assert ids(overdue="false") == {t.task_a.pk, soon.pk}
    assert ids(due_from=TODAY.isoformat(), due_to=(TODAY + timedelta(days=10)).isoformat()) == {soon.pk}
    assert ids(due_to=TODAY.isoformat()) == {late.pk}
    body = client.get("/ledgers/tasks/").content.decode()
    assert "已逾期 5 天" in body and f'id="task-{late.pk}" class="qj-overdue"' in body
    assert "已确定发展对象" in body and "张嘉恒、李明" in body


def test_list_export_has_the_ledger_columns(client, college_ledgers):
    t = college_ledgers
    services.add_progress(t.sec_a, t.task_a, "已制定方案", written_on=TODAY)
    services.update_task(t.sec_a, t.task_a, {}, co_owners=[t.ca_b2])
    client.force_login(t.sec_a)
    response = client.get("/ledgers/tasks/", {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0][:7]) == ["序号", "任务", "责任单位", "责任领导", "完成时限", "进展情况", "完成情况"]
    row = rows[1]
    assert row[1] == t.task_a.title and row[2] == f"{t.ca_b1.name}（协办：{t.ca_b2.name}）"
    assert row[3] == "张嘉恒" and row[5] == f"{TODAY:%Y-%m-%d} 已制定方案" and row[6] == "推进中"


def test_list_queries_are_bounded(client, college_ledgers, django_assert_max_num_queries):
    t = college_ledgers
    for i in range(30):
        task = new_task(t.ledger_a, t.ca_b2, f"批量任务{i}", leaders=[t.zhang, t.li], co_owners=[t.ca_b1])
        services.add_progress(t.sec_a, task, f"进展{i}", written_on=TODAY)
    client.force_login(t.sec_a)
    client.get("/ledgers/tasks/")
    with django_assert_max_num_queries(13):
        response = client.get("/ledgers/tasks/")
    assert len(response.context["page"].object_list) == 31


# --- the owner's and the manager's work through the pages ---------------------------------------------

def test_owner_reports_submits_and_the_manager_verifies_through_the_pages(client, case):
    t = case
    url = f"/ledgers/tasks/{t.task.pk}/"
    client.force_login(t.sec_a)
    response = client.post(url + "?tab=progress", {"written_on": "2019-03-01", "text": "已起草议事规则"})
    assert response.status_code == 302
    task = Task.objects.get(pk=t.task.pk)
    assert task.status == TaskStatus.IN_PROGRESS and task.updates.get().author == t.sec_a
    response = client.post(url + "submit/", {"completion_note": "规则已印发", "expected_version": task.version})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED and task.completion_note == "规则已印发"
    client.force_login(t.org_admin)
    assert 'id="task-verify"' in client.get(url).content.decode()
    response = client.post(url + "verify/", {"expected_version": task.version}, follow=True)
    assert "审核通过完成" in messages_of(response)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.verified_on == TODAY
    assert list(task.transitions.values_list("event", flat=True)) == [
        Event.CREATED, Event.STARTED, Event.SUBMITTED, Event.VERIFIED]
    body = client.get(url, {"tab": "timeline"}).content.decode()
    for text in ("已起草议事规则", "提交完成", "审核通过", "会议纪要.pdf"):
        assert text in body
    # Done: frozen. The manager may reopen with a reason; nobody may edit.
    body = client.get(url).content.decode()
    assert 'id="task-reopen"' in body and 'id="task-edit"' not in body
    response = client.post(url + "reopen/", {"reason": "", "expected_version": task.version})
    assert response.status_code == 200 and Task.objects.get(pk=task.pk).status == TaskStatus.DONE
    response = client.post(url + "reopen/", {"reason": "上级要求补充", "expected_version": task.version})
    assert response.status_code == 302 and Task.objects.get(pk=task.pk).status == TaskStatus.IN_PROGRESS


def test_progress_refusal_keeps_the_input(client, case):
    t = case
    client.force_login(t.sec_a)
    response = client.post(f"/ledgers/tasks/{t.task.pk}/?tab=progress",
                           {"written_on": "2018-12-01", "text": "早于下达日期的进展"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "进展日期不能早于任务下达日期" in body and "早于下达日期的进展" in body
    assert not t.task.updates.exists()


def test_milestone_marked_done_by_the_owner(client, case):
    t = case
    services.update_task(t.org_admin, t.task, {}, co_owners=[t.cb],
                         milestones=[{"title": "起草", "due_on": date(2019, 3, 1)}])
    m = Milestone.objects.get(task=t.task)
    client.force_login(t.sec_b)  # a co-owner reads the milestones but does not mark them
    assert 'id="milestone-' not in client.get(f"/ledgers/tasks/{t.task.pk}/").content.decode()
    client.force_login(t.sec_a)
    assert f'id="milestone-{m.pk}"' in client.get(f"/ledgers/tasks/{t.task.pk}/").content.decode()
    response = client.post(f"/ledgers/milestones/{m.pk}/done/", {"done_on": "2019-02-27"}, follow=True)
    assert "已标记完成：起草" in messages_of(response)
    assert Milestone.objects.get(pk=m.pk).done_on == date(2019, 2, 27)
    # An edit by the manager keeps the date the owner recorded.
    client.force_login(t.org_admin)
    task = Task.objects.get(pk=t.task.pk)
    data = edit_data(task, t.org_admin)
    data["title"] = "完善学院党委会议事规则并执行"
    assert client.post(f"/ledgers/tasks/{task.pk}/edit/", data).status_code == 302
    assert Milestone.objects.get(task=task).done_on == date(2019, 2, 27)


def test_split_into_subtasks_with_rollup(client, case):
    t = case
    client.force_login(t.sec_a)
    response = client.get(f"/ledgers/tasks/add/?parent={t.task.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "分解子任务" in body and f'value="{t.ca_b1.pk}"' in body and f'value="{t.cb_b1.pk}"' not in body
    data = add_data(t.ledger, t.ca_b1, parent=str(t.task.pk), title="第一支部修订议事规则",
                    assigned_on="2019-02-01", deadline="2019-06-01", milestones=[])
    response = client.post("/ledgers/tasks/add/", data)
    assert response.status_code == 302, response.context["form"].errors
    sub = Task.objects.get(parent=t.task)
    assert sub.number == "1.1" and sub.owner == t.ca_b1 and sub.directive == t.directive
    body = client.get(f"/ledgers/tasks/{t.task.pk}/").content.decode()
    assert "0/1 已完成" in body and "第一支部修订议事规则" in body


# --- refusals leave the database unchanged ------------------------------------------------------------

def test_verify_with_an_open_subtask_is_refused_with_the_reason(client, case):
    t = case
    b1 = services.create_task(t.sec_a, ledger=t.ledger, parent=t.task, owner=t.ca_b1, title="第一支部落实",
                              deadline=date(2019, 6, 1), assigned_on=date(2019, 2, 1))
    services.add_progress(t.sec_b1, b1, "完成", written_on=date(2019, 5, 1))
    services.submit_task(t.sec_b1, b1, "完成")
    services.verify_task(t.sec_a, b1)
    services.add_progress(t.sec_a, t.task, "完成", written_on=date(2019, 5, 2))
    services.submit_task(t.sec_a, t.task, "全部完成")
    services.reopen_task(t.sec_a, b1, "补充材料")
    task = Task.objects.get(pk=t.task.pk)
    before = testing.refetch(task).version
    client.force_login(t.org_admin)
    response = client.post(f"/ledgers/tasks/{task.pk}/verify/", {"expected_version": task.version})
    assert response.status_code == 200
    assert any("尚有 1 项子任务未完成" in m and t.ca_b1.name in m for m in messages_of(response))
    fresh = Task.objects.get(pk=task.pk)
    assert fresh.status == TaskStatus.SUBMITTED and fresh.version == before
    assert not fresh.transitions.filter(event=Event.VERIFIED).exists()


def test_editing_a_done_task_is_refused_and_keeps_the_input(client, case):
    t = case
    services.add_progress(t.sec_a, t.task, "完成", written_on=date(2019, 5, 1))
    services.submit_task(t.sec_a, t.task, "完成")
    done = services.verify_task(t.org_admin, t.task)
    client.force_login(t.org_admin)
    url = f"/ledgers/tasks/{done.pk}/edit/"
    assert 'id="frozen-warning"' in client.get(url).content.decode()
    data = edit_data(done, t.org_admin)
    data["title"] = "改过的任务名称"
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "重新打开" in body and 'value="改过的任务名称"' in body
    assert testing.refetch(done).title == "完善学院党委会议事规则" and testing.refetch(done).version == done.version


def test_deadline_before_the_assignment_date_is_a_field_error(client, college_ledgers):
    t = college_ledgers
    client.force_login(t.sec_a)
    before = set(Task.objects.values_list("pk", flat=True))
    response = client.post("/ledgers/tasks/add/", add_data(t.ledger_a, t.ca_b2, assigned_on="2026-03-01",
                                                           deadline="2026-02-01", title="时限倒置的任务"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "不能早于下达日期" in " ".join(form.errors["deadline"])
    assert 'value="时限倒置的任务"' in response.content.decode()
    assert set(Task.objects.values_list("pk", flat=True)) == before


def test_subtask_owner_outside_the_parents_subtree_is_refused(client, case):
    t = case
    client.force_login(t.org_admin)  # sees every organisation and owns every task by its role on the root
    data = add_data(t.ledger, t.cb_b1, parent=str(t.task.pk), title="越界的子任务", assigned_on="2019-02-01",
                    deadline="2019-06-01", milestones=[])
    response = client.post("/ledgers/tasks/add/", data)
    assert response.status_code == 200
    assert "子任务的责任单位须在上级任务责任单位" in response.content.decode()
    assert not Task.objects.filter(parent=t.task).exists()


def test_stale_edit_names_who_changed_what(client, case):
    t = case
    client.force_login(t.org_admin)
    data = edit_data(t.task, t.org_admin)  # the form as opened
    services.update_task(t.org_admin, t.task, {"deadline": date(2019, 6, 15)}, expected_version=t.task.version)
    data["title"] = "旧页面上的修改"
    response = client.post(f"/ledgers/tasks/{t.task.pk}/edit/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "orgadmin" in body and "完成时限" in body and 'value="旧页面上的修改"' in body
    assert Task.objects.get(pk=t.task.pk).title == "完善学院党委会议事规则"


def test_delete_of_a_task_with_progress_is_refused(client, case):
    t = case
    services.add_progress(t.sec_a, t.task, "开始", written_on=date(2019, 3, 1))
    client.force_login(t.org_admin)
    response = client.post(f"/ledgers/tasks/{t.task.pk}/delete/")
    assert response.status_code == 200
    assert any("不能删除" in m for m in messages_of(response))
    assert Task.objects.filter(pk=t.task.pk).exists()


# --- evidence ----------------------------------------------------------------------------------------

def upload(client, task, name, data):
    return client.post(f"/ledgers/tasks/{task.pk}/evidence/", {"file": SimpleUploadedFile(name, data), "note": ""},
                       follow=True)


@pytest.mark.parametrize("name, data, message", [
    ("报告.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "内容与扩展名 .pdf 不符"),
    ("页面.html", b"<html><script>alert(1)</script></html>", "文件类型不允许上传"),
    ("大文件.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024), "超过大小上限 20 MB"),
])
def test_forbidden_or_oversized_evidence_is_refused_with_the_message(client, case, name, data, message):
    t = case
    files_before = stored_files(t)
    client.force_login(t.sec_a)
    response = upload(client, t.task, name, data)
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert Evidence.objects.count() == 1 and stored_files(t) == files_before


def test_evidence_upload_by_the_owner_and_the_manager_and_delete(client, case, django_capture_on_commit_callbacks):
    t = case
    client.force_login(t.sec_a)
    response = upload(client, t.task, "照片说明.pdf", PDF)
    assert any("已上传“照片说明.pdf”" in m for m in messages_of(response))
    client.force_login(t.org_admin)
    upload(client, t.task, "审核意见.pdf", PDF)
    assert set(Evidence.objects.values_list("original_name", flat=True)) == {"会议纪要.pdf", "照片说明.pdf",
                                                                                "审核意见.pdf"}
    body = client.get(f"/ledgers/tasks/{t.task.pk}/", {"tab": "evidence"}).content.decode()
    assert "审核意见.pdf" in body and 'id="evidence-upload"' in body
    victim = Evidence.objects.get(original_name="审核意见.pdf")
    path = t.media / victim.stored_path
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ledgers/evidence/{victim.pk}/delete/")
    assert response.status_code == 302 and not Evidence.objects.filter(pk=victim.pk).exists()
    assert not path.exists()


def test_download_for_owner_and_manager_with_safe_headers_404_for_another_college(client, case):
    t = case
    url = f"/ledgers/evidence/{t.evidence.pk}/"
    for user in (t.sec_a, t.org_admin):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.pdf" in disposition
    for user in (t.sec_b, t.member, t.nobody):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 404 and "未找到该记录" in response.content.decode()
    client.logout()
    assert client.get(url).status_code == 302


# --- follow-up -----------------------------------------------------------------------------------------

def test_followup_page_groups_by_owner_and_by_leader(client, college_ledgers):
    t = college_ledgers
    la = t.ledger_a
    late = new_task(la, t.ca_b1, "逾期的任务", deadline=TODAY - timedelta(days=4), leaders=[t.zhang, t.li])
    soon = new_task(la, t.ca_b2, "即将到期的任务", deadline=TODAY + timedelta(days=3), leaders=[t.zhang])
    nobody_leads = new_task(la, t.ca_b2, "无人牵头的逾期任务", deadline=TODAY - timedelta(days=1))
    new_task(la, t.ca_b1, "还早的任务", deadline=TODAY + timedelta(days=30))
    submitted = new_task(la, t.ca_b1, "已提交的逾期任务", deadline=TODAY - timedelta(days=2))
    services.submit_task(SYSTEM, submitted, "已完成")
    new_task(t.ledger_b, t.cb_b1, "乙学院逾期任务", deadline=TODAY - timedelta(days=9))
    client.force_login(t.sec_a)
    response = client.get("/ledgers/followup/")
    assert response.status_code == 200
    ctx = response.context
    assert ctx["window"] == 7 and ctx["overdue_count"] == 2 and ctx["due_count"] == 1
    by_owner = {g["key"]: ({x.pk for x in g["tasks"]}, g["overdue"], g["due"]) for g in ctx["by_owner"]}
    assert by_owner == {t.ca_b1: ({late.pk}, 1, 0), t.ca_b2: ({soon.pk, nobody_leads.pk}, 1, 1)}
    by_leader = {g["key"]: {x.pk for x in g["tasks"]} for g in ctx["by_leader"]}
    assert by_leader == {t.zhang: {late.pk, soon.pk}, t.li: {late.pk}, None: {nobody_leads.pk}}
    assert [g["key"] for g in ctx["by_leader"]][-1] is None
    body = response.content.decode()
    assert "已逾期 4 天" in body and "3 天后到期" in body and "未指定责任领导" in body
    assert "乙学院逾期任务" not in body and "还早的任务" not in body and "已提交的逾期任务" not in body
    client.force_login(t.sec_b)
    response = client.get("/ledgers/followup/")
    assert {x.title for x in response.context["rows"]} == {"乙学院逾期任务"}
    client.force_login(t.nobody)
    response = client.get("/ledgers/followup/")
    assert response.status_code == 200 and response.context["rows"] == []


def test_followup_window_follows_the_rule_at_the_root(client, college_ledgers):
    from core.models import RuleVersion

    t = college_ledgers
    new_task(t.ledger_a, t.ca_b1, "二十天后到期", deadline=TODAY + timedelta(days=20))
    RuleVersion.objects.create(key="ledgers.followup_days", effective_from=date(2020, 1, 1), scope_path=t.root.path,
                               value=30)
    client.force_login(t.sec_a)
    response = client.get("/ledgers/followup/")
    assert response.context["window"] == 30
    assert "二十天后到期" in {x.title for x in response.context["rows"]}


def test_followup_queries_do_not_grow_with_rows(client, college_ledgers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = college_ledgers
    client.force_login(t.sec_a)

    def add(n):
        for _ in range(n):
            new_task(t.ledger_a, t.ca_b2, f"逾期任务{next(_n)}", deadline=TODAY - timedelta(days=2),
                     leaders=[t.zhang, t.li], co_owners=[t.ca_b1])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/ledgers/followup/")
        return len(ctx.captured_queries), len(response.context["rows"])

    add(3)
    client.get("/ledgers/followup/")
    few, rows_few = count()
    add(15)
    many, rows_many = count()
    assert (rows_few, rows_many) == (3, 18) and many == few
