"""The ledger-level pages: scope tests from core.testing for the ledger list, detail, add, edit and delete;
the 台账 rows (order, nesting, roll-up, overdue), the completion figures against an independent count,
the print view, the directive / section / duty forms and their refusals, and the organisation tab."""
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from audit.services import history
from conftest import make_user
from core import testing
from core.scoping import SYSTEM
from ledgers import services
from ledgers.choices import CLOSED, OWNER_OPEN, LedgerKind, TaskStatus
from ledgers.forms import LedgerForm
from ledgers.models import Directive, Duty, Ledger, Section, Task

D = date(2019, 3, 1)
TODAY = timezone.localdate()
LATER = date(TODAY.year + 1, 12, 31)  # a deadline nobody has missed yet
_names = iter(range(1, 10_000))


def signed_in(client, user):
    client.force_login(user)
    return client


def new_ledger(org, name, kind=LedgerKind.TASK_LIST, year=2019):
    return services.create_ledger(SYSTEM, kind=kind, name=name, organization=org, year=year)


def new_task(ledger, owner, title, *, deadline=LATER, **extra):
    return services.create_task(SYSTEM, ledger=ledger, owner=owner, title=title, deadline=deadline,
                                assigned_on=extra.pop("assigned_on", date(2019, 1, 10)), **extra)


def finish(user, manager, task, day=D, verify=True):
    services.add_progress(user, task, "已完成", written_on=day, today=day)
    task = services.submit_task(user, task, "已按要求完成", today=day)
    return services.verify_task(manager, task, today=day) if verify else task


@pytest.fixture
def ledger_case(users):
    t = users
    inside = new_ledger(t.ca, "甲学院党委2019年任务清单")
    outside = new_ledger(t.cb, "乙学院党委2019年任务清单")
    return testing.ScopedCase(inside=inside, outside=outside, allowed_user=t.sec_a, sibling_user=t.sec_b,
                              no_role_user=t.nobody, extra={"tree": t})


class LedgerViewTests(testing.ScopedTestBase):
    model = Ledger
    audit_history = staticmethod(history)

    def text_of(self, obj):
        return obj.name

    @pytest.fixture
    def scoped_case(self, ledger_case):
        return ledger_case


class TestLedgerPages(LedgerViewTests, testing.ListTests, testing.ExportTests, testing.DetailTests,
                      testing.AddTests, testing.EditTests):
    list_url = "/ledgers/"
    edit_changes = {"name": "甲学院党委2019年重点任务清单"}

    def make_inside(self, case):
        ledger = new_ledger(case.inside_org, f"增补台账{next(_names)}号")
        # With tasks, so that the counts per row are part of what is measured.
        new_task(ledger, case.inside_org, "增补任务")
        return ledger

    def add_url(self, case, org):
        return f"/ledgers/add/?organization={org.pk}"

    def add_data(self, case, org):
        return {"kind": LedgerKind.DIRECTIVE_LEDGER, "name": "新建落实台账", "organization": str(org.pk),
                "year": "2024", "description": ""}

    def edit_url(self, obj):
        return f"/ledgers/{obj.pk}/edit/"

    def edit_data(self, case, obj):
        return testing.initial_form_data(LedgerForm(instance=obj, user=case.allowed_user))

    def test_add_offers_only_organisations_the_user_may_add_ledgers_on(self, client, scoped_case):
        t = scoped_case.extra["tree"]
        body = self.log_in(client, t.sec_a).get("/ledgers/add/").content.decode()
        assert f'value="{t.ca.pk}"' in body and f'value="{t.ca_b1.pk}"' in body
        assert f'value="{t.root.pk}"' not in body and f'value="{t.cb.pk}"' not in body

    def test_stale_edit_names_who_changed_what_and_keeps_the_input(self, client, scoped_case):
        t, obj = scoped_case.extra["tree"], scoped_case.inside
        data = self.changed_data(scoped_case, obj)  # sec_a opens the form
        data["name"] = "甲学院党委2019年任务清单（秘书修改）"
        services.update_ledger(t.org_admin, obj, {"description": "校党委补充说明"}, expected_version=obj.version)
        response = self.log_in(client, t.sec_a).post(self.edit_url(obj), data)
        assert response.status_code == 200
        body = response.content.decode()
        assert "该记录已被他人修改：orgadmin" in body and "说明" in body
        assert 'value="甲学院党委2019年任务清单（秘书修改）"' in body  # the user's input stays on the form
        fresh = testing.refetch(obj)
        assert fresh.name == "甲学院党委2019年任务清单" and fresh.description == "校党委补充说明"

    def test_list_counts_tasks_and_completion_rate(self, client, scoped_case):
        t, ledger = scoped_case.extra["tree"], scoped_case.inside
        tasks = [new_task(ledger, t.ca_b1, f"任务{i}") for i in range(4)]
        finish(t.sec_a, t.sec_a, tasks[0])
        services.cancel_task(t.sec_a, tasks[1], "不再执行")
        response = self.log_in(client, t.sec_a).get(self.list_url)
        row = next(values for obj, values in response.context["rows"] if obj.pk == ledger.pk)
        assert row[4:] == [4, "33.3%"]  # one of the three not cancelled is done

    def test_list_filters_by_kind_and_year(self, client, scoped_case):
        t = scoped_case.extra["tree"]
        other = new_ledger(t.ca, "甲学院2024年落实台账", LedgerKind.DIRECTIVE_LEDGER, year=2024)
        self.log_in(client, t.sec_a)
        assert self.list_ids(client.get(self.list_url, {"kind": LedgerKind.DIRECTIVE_LEDGER})) == {other.pk}
        assert self.list_ids(client.get(self.list_url, {"year": 2019})) == {scoped_case.inside.pk}

    def test_owner_reads_the_managers_ledger_but_may_not_edit_or_manage_parts(self, client, ledger):
        t = ledger
        self.log_in(client, t.sec_a)
        response = client.get(f"/ledgers/{t.ledger.pk}/")
        assert response.status_code == 200
        assert [k for k, _label in response.context["tabs"]][:2] == ["rows", "stats"]
        assert "parts" not in dict(response.context["tabs"])
        body = response.content.decode()
        assert t.task.title in body and 'id="add-task"' not in body and 'id="import-ledger"' not in body
        assert client.get(f"/ledgers/{t.ledger.pk}/edit/").status_code == 403
        response = client.post(f"/ledgers/{t.ledger.pk}/directives/add/",
                               {"title": "x", "issuing_level": "own", "issued_on": "2019-02-01"})
        assert response.status_code == 403
        assert Directive.objects.filter(ledger=t.ledger).count() == 1


class TestLedgerDelete(LedgerViewTests, testing.ActionTests):
    deletes = True

    def action_url(self, obj):
        return f"/ledgers/{obj.pk}/delete/"

    def action_done(self, case, obj):
        return testing.refetch(obj) is None

    def test_a_ledger_with_tasks_is_not_deleted(self, client, scoped_case):
        t, ledger = scoped_case.extra["tree"], scoped_case.inside
        new_task(ledger, t.ca_b1, "已下达的任务")
        response = self.log_in(client, t.sec_a).post(self.action_url(ledger))
        assert response.status_code == 200
        assert "已有任务或责任分工，不能删除" in response.content.decode()
        assert testing.refetch(ledger) is not None


# --- the 台账 rows ------------------------------------------------------------------------------------

@pytest.fixture
def task_list(users):
    """College A's task list: 一、(（一）T1) 二、(T2 split to three branches) and T3 outside any section."""
    t = users
    t.list = new_ledger(t.ca, "甲学院党委2019年任务清单")
    t.s1 = services.add_section(SYSTEM, ledger=t.list, number="一、", title="政治建设")
    t.s1a = services.add_section(SYSTEM, ledger=t.list, parent=t.s1, number="（一）", title="理论学习")
    t.s2 = services.add_section(SYSTEM, ledger=t.list, number="二、", title="组织建设")
    t.empty = services.add_section(SYSTEM, ledger=t.list, number="三、", title="作风建设")
    t.t1 = new_task(t.list, t.ca_b1, "落实第一议题制度", section=t.s1a, deadline=date(2019, 6, 30),
                    leaders=[t.zhang], co_owners=[t.ca_b2])
    t.t2 = new_task(t.list, t.ca, "完成支部换届", section=t.s2)
    t.subs = [services.create_task(t.sec_a, ledger=t.list, parent=t.t2, owner=org, title=f"{org.name}换届",
                                   deadline=LATER, assigned_on=date(2019, 2, 1))
              for org in (t.ca_b1, t.ca_b2, t.ca_g1)]
    t.t3 = new_task(t.list, t.ca, "建立任务台账")
    finish(t.sec_a, t.sec_a, t.subs[0])
    services.add_progress(t.sec_a, t.subs[1], "已制定换届方案", written_on=date(2019, 3, 2), today=date(2019, 3, 2))
    services.add_progress(t.sec_a, t.subs[1], "已召开党员大会", written_on=date(2019, 4, 8), today=date(2019, 4, 8))
    services.cancel_task(t.sec_a, t.subs[2], "党小组不单独换届")
    return t


def row_keys(rows):
    return [("group", r.number, r.title, r.level) if r.is_group else ("task", r.task.pk, r.depth) for r in rows]


def task_row_html(body, task):
    match = re.search(rf'<tr class="([^"]*)" id="task-{task.pk}"[^>]*>(.*?)</tr>', body, re.S)
    assert match, task
    return match.group(1), match.group(2)


def test_rows_follow_the_sections_with_sub_tasks_under_their_parent(client, task_list):
    t = task_list
    response = signed_in(client, t.sec_a).get(f"/ledgers/{t.list.pk}/")
    assert response.status_code == 200
    assert row_keys(response.context["rows"]) == [
        ("group", "一、", "政治建设", 0), ("group", "（一）", "理论学习", 1), ("task", t.t1.pk, 0),
        ("group", "二、", "组织建设", 0), ("task", t.t2.pk, 0),
        ("task", t.subs[0].pk, 1), ("task", t.subs[1].pk, 1), ("task", t.subs[2].pk, 1),
        # The manager sees the empty section too; tasks outside any section come last.
        ("group", "三、", "作风建设", 0), ("group", "", "其他任务", 0), ("task", t.t3.pk, 0)]
    body = response.content.decode()
    # Roll-up: one of the two sub-tasks not cancelled is done, as services.rollup counts it.
    assert services.rollup(t.t2) == (1, 2)
    assert "1/2 已完成" in task_row_html(body, t.t2)[1]
    _cls, cells = task_row_html(body, t.subs[1])
    assert "2019-04-08" in cells and "已召开党员大会" in cells and "已制定换届方案" not in cells  # the latest update
    _cls, cells = task_row_html(body, t.t1)
    assert "甲学院教工第一党支部" in cells and "协办：甲学院学生党支部" in cells and "张嘉恒" in cells


def test_overdue_rows_are_highlighted_with_todays_date(client, task_list):
    t = task_list
    body = signed_in(client, t.sec_a).get(f"/ledgers/{t.list.pk}/").content.decode()
    cls, cells = task_row_html(body, t.t1)  # deadline 2019-06-30, not started
    days = (TODAY - date(2019, 6, 30)).days
    assert "qj-overdue" in cls and f"已逾期 {days} 天" in cells and "text-danger" in cells
    for task in (t.t2, t.subs[0], t.subs[2]):  # open with a later deadline, done, cancelled
        cls, cells = task_row_html(body, task)
        assert "qj-overdue" not in cls and "已逾期" not in cells


def test_a_branch_secretary_sees_only_its_rows_under_their_heading(client, task_list):
    t = task_list
    sec_b2 = make_user("sec_b2", Role.SECRETARY, t.ca_b2, include_subtree=False)
    response = signed_in(client, sec_b2).get(f"/ledgers/{t.list.pk}/")
    assert response.status_code == 200
    # T1 through its co-owner; the branch's own sub-task stands alone, its parent is not shown.
    assert row_keys(response.context["rows"]) == [
        ("group", "一、", "政治建设", 0), ("group", "（一）", "理论学习", 1), ("task", t.t1.pk, 0),
        ("group", "二、", "组织建设", 0), ("task", t.subs[1].pk, 0)]
    body = response.content.decode()
    assert t.t2.title not in body and t.t3.title not in body and "作风建设" not in body


def test_directive_ledger_groups_tasks_under_their_directive(client, ledger):
    t = ledger
    later = services.add_directive(SYSTEM, ledger=t.ledger, title="关于做好党支部工作的通知", issuing_level="province",
                                   document_number="省教工委〔2019〕3号", issued_on=date(2019, 2, 1))
    t2 = new_task(t.ledger, t.cb, "乙学院落实支部工作通知", directive=later)
    loose = new_task(t.ledger, t.ca, "未关联指示的任务")
    response = signed_in(client, t.org_admin).get(f"/ledgers/{t.ledger.pk}/")
    rows = response.context["rows"]
    assert row_keys(rows) == [("group", "", t.directive.title, 0), ("task", t.task.pk, 0),
                              ("group", "", later.title, 0), ("task", t2.pk, 0),
                              ("group", "", "其他任务", 0), ("task", loose.pk, 0)]
    assert rows[0].detail == "教党〔2019〕1号 · 中央 · 2019-01-10"
    # College A's secretary sees its own task and its heading, nothing of college B's.
    response = signed_in(client, t.sec_a).get(f"/ledgers/{t.ledger.pk}/")
    assert row_keys(response.context["rows"]) == [("group", "", t.directive.title, 0), ("task", t.task.pk, 0),
                                                  ("group", "", "其他任务", 0), ("task", loose.pk, 0)]
    body = response.content.decode()
    assert t2.title not in body and later.title not in body


def test_the_detail_page_does_not_query_per_task(client, django_assert_max_num_queries, users):
    t = users
    ledger = new_ledger(t.ca, "甲学院党委2019年任务清单")
    section = services.add_section(SYSTEM, ledger=ledger, number="一、", title="政治建设")

    def add(n):
        for i in range(n):
            task = new_task(ledger, t.ca_b1 if i % 2 else t.ca, f"任务{i}", section=section if i % 3 else None,
                            leaders=[t.zhang], co_owners=[t.ca_b2], deadline=date(2019, 6, 30) if i % 4 else LATER)
            services.add_progress(t.sec_a, task, f"进展{i}", written_on=D, today=D)
            if i % 5 == 0:
                services.create_task(t.sec_a, ledger=ledger, parent=task, owner=t.ca_b1, title=f"子任务{i}",
                                     deadline=task.deadline, assigned_on=date(2019, 2, 1))

    client.force_login(t.sec_a)
    url = f"/ledgers/{ledger.pk}/"
    add(3)
    client.get(url)  # warm the caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(27)
    assert Task.objects.filter(ledger=ledger, parent=None).count() == 30
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    # 30 tasks and 7 sub-tasks (of tasks 0 in the first batch and 0, 5, 10, 15, 20, 25 in the second).
    assert len([r for r in response.context["rows"] if not r.is_group]) == 37
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/ledgers/{ledger.pk}/print/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"tab": "stats"}).status_code == 200


# --- completion -----------------------------------------------------------------------------------

def test_completion_figures_match_an_independent_count(client, task_list):
    t = task_list
    finish(t.sec_a, t.sec_a, t.t3, day=date(2019, 5, 1))  # on time
    services.add_progress(t.sec_a, t.subs[1], "补充", written_on=D, today=D)
    response = signed_in(client, t.sec_a).get(f"/ledgers/{t.list.pk}/", {"tab": "stats"})
    assert response.status_code == 200
    ctx = response.context
    everything = list(Task.objects.filter(ledger=t.list))
    top = [x for x in everything if x.parent_id is None]
    counted = [x for x in top if x.status != TaskStatus.CANCELLED]
    done = [x for x in counted if x.status == TaskStatus.DONE]
    assert ctx["totals"]["total"] == len(top) == 3 and ctx["totals"]["subtasks"] == 3
    assert ctx["rate"] == round(100 * len(done) / len(counted), 1) == 33.3
    assert ctx["totals"]["overdue"] == sum(1 for x in top if x.status in OWNER_OPEN and x.deadline < TODAY) == 1
    assert ctx["totals"]["on_time"] == sum(1 for x in done if x.completed_on <= x.deadline) == 1
    assert {s.value: n for s, n, _badge in ctx["by_status"]} == {
        s: sum(1 for x in top if x.status == s) for s in TaskStatus.values}
    expected = {}
    for x in everything:
        row = expected.setdefault(x.owner.name, {"counted": 0, "done": 0, "overdue": 0})
        row["counted"] += x.status != TaskStatus.CANCELLED
        row["done"] += x.status == TaskStatus.DONE
        row["overdue"] += x.status in OWNER_OPEN and x.deadline < TODAY
    shown = {r["owner__name"]: {k: r[k] for k in ("counted", "done", "overdue")} for r in ctx["by_organization"]}
    assert shown == expected
    branch = next(r for r in ctx["by_organization"] if r["owner_id"] == t.ca_b1.pk)
    assert branch["rate"] == 50.0  # T1 open, its sub-task of T2 done
    body = response.content.decode()
    assert 'id="completion-rate">33.3%' in body and f'data-organization="{t.ca_g1.pk}"' in body


def test_completion_reaches_100_percent_when_everything_is_verified(client, ledger):
    t = ledger
    finish(t.sec_a, t.org_admin, t.task)
    response = signed_in(client, t.org_admin).get(f"/ledgers/{t.ledger.pk}/", {"tab": "stats"})
    assert response.context["rate"] == 100.0
    assert 'id="completion-rate">100%' in response.content.decode()


# --- print view -------------------------------------------------------------------------------------

def test_print_view_shows_title_organisation_year_and_the_same_rows(client, task_list):
    t = task_list
    client.force_login(t.sec_a)
    detail = client.get(f"/ledgers/{t.list.pk}/")
    response = client.get(f"/ledgers/{t.list.pk}/print/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "size: A4 landscape" in body and 'id="main-menu"' not in body
    assert "甲学院党委2019年任务清单" in body and "甲学院党委 · 2019 年度" in body
    assert row_keys(response.context["rows"]) == row_keys(detail.context["rows"])
    assert "qj-overdue" in task_row_html(body, t.t1)[0]


def test_print_view_is_404_for_another_college(client, task_list):
    t = task_list
    response = signed_in(client, t.sec_b).get(f"/ledgers/{t.list.pk}/print/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "未找到该记录" in body and t.list.name not in body and t.t1.title not in body
    assert (signed_in(client, t.nobody).get(f"/ledgers/{t.list.pk}/print/")).status_code == 404
    client.logout()
    testing.ScopedTestBase().assert_login_redirect(client.get(f"/ledgers/{t.list.pk}/print/"))


def test_detail_tabs_are_404_for_another_college(client, task_list):
    t = task_list
    client.force_login(t.sec_b)
    for tab in ("rows", "stats", "parts"):
        response = client.get(f"/ledgers/{t.list.pk}/", {"tab": tab})
        assert response.status_code == 404
        assert t.list.name not in response.content.decode()


# --- directives, sections, duties -----------------------------------------------------------------

def parts_url(ledger):
    return f"/ledgers/{ledger.pk}/?tab=parts"


def test_directive_add_edit_and_delete(client, ledger):
    t = ledger
    client.force_login(t.org_admin)
    body = client.get(parts_url(t.ledger)).content.decode()
    assert 'id="part-form"' in body and t.directive.title in body
    response = client.post(f"/ledgers/{t.ledger.pk}/directives/add/",
                           {"title": "关于加强基层组织建设的意见", "document_number": "校党发〔2019〕5号",
                            "issuing_level": "own", "issued_on": "2019-03-01"})
    assert response.status_code == 302 and response["Location"].endswith("?tab=parts")
    added = Directive.objects.get(title="关于加强基层组织建设的意见")
    assert added.ledger == t.ledger and history(added).filter(action="create").exists()
    response = client.post(f"/ledgers/directives/{added.pk}/edit/",
                           {"title": "关于加强基层组织建设的实施意见", "document_number": "校党发〔2019〕5号",
                            "issuing_level": "own", "issued_on": "2019-03-01", "expected_version": added.version})
    assert response.status_code == 302
    assert testing.refetch(added).title == "关于加强基层组织建设的实施意见"
    assert client.post(f"/ledgers/directives/{added.pk}/delete/").status_code == 302
    assert testing.refetch(added) is None


@pytest.mark.parametrize("data, message", [
    ({"title": "", "issuing_level": "own", "issued_on": "2019-03-01"}, "该字段是必填项"),
    ({"title": "通知", "issuing_level": "own", "issued_on": "2019-13-01"}, "输入一个有效的日期"),
    ({"title": "通知", "issuing_level": "galaxy", "issued_on": "2019-03-01"}, "选择一个有效的选项"),
])
def test_directive_form_refuses_bad_input(client, ledger, data, message):
    t = ledger
    response = signed_in(client, t.org_admin).post(f"/ledgers/{t.ledger.pk}/directives/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Directive.objects.filter(ledger=t.ledger).count() == 1


def test_a_directive_with_tasks_is_not_deleted(client, ledger):
    t = ledger
    response = signed_in(client, t.org_admin).post(f"/ledgers/directives/{t.directive.pk}/delete/")
    assert response.status_code == 200
    assert "下已有任务，不能删除" in response.content.decode()
    assert testing.refetch(t.directive) is not None


def test_a_directive_is_refused_on_a_task_list(client, task_list):
    t = task_list
    response = signed_in(client, t.sec_a).post(
        f"/ledgers/{t.list.pk}/directives/add/", {"title": "通知", "issuing_level": "own", "issued_on": "2019-03-01"})
    assert response.status_code == 200
    assert "是任务清单，不能添加指示批示和决策部署" in response.content.decode()
    assert not Directive.objects.filter(ledger=t.list).exists()


def test_sections_nest_and_cannot_move_under_themselves(client, task_list):
    t = task_list
    client.force_login(t.sec_a)
    response = client.post(f"/ledgers/{t.list.pk}/sections/add/",
                           {"parent": t.s1a.pk, "number": "1.", "title": "中心组学习", "order": ""})
    assert response.status_code == 302
    deep = Section.objects.get(title="中心组学习")
    assert deep.parent == t.s1a and deep.order == 5  # after the four sections already there
    body = client.get(parts_url(t.list)).content.decode()
    assert re.search(rf'id="section-{deep.pk}" data-level="2"', body)
    # Moving 一、 under its own grandchild is not offered and is refused; nothing changes.
    response = client.post(f"/ledgers/sections/{t.s1.pk}/edit/",
                           {"parent": deep.pk, "number": "一、", "title": "政治建设", "order": t.s1.order,
                            "expected_version": t.s1.version})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert testing.refetch(t.s1).parent_id is None
    form = client.get(f"/ledgers/sections/{t.s1.pk}/edit/").context["form"]
    assert set(form.fields["parent"].queryset) == {t.s2, t.empty}


def test_section_parent_from_another_ledger_is_refused(client, task_list):
    t = task_list
    other = new_ledger(t.ca, "甲学院另一清单")
    foreign = services.add_section(SYSTEM, ledger=other, title="外部章节")
    before = Section.objects.count()
    response = signed_in(client, t.sec_a).post(
        f"/ledgers/{t.list.pk}/sections/add/", {"parent": foreign.pk, "title": "新章节"})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert Section.objects.count() == before


def test_a_section_with_sub_sections_or_tasks_is_not_deleted(client, task_list):
    t = task_list
    client.force_login(t.sec_a)
    assert "下还有章节，不能删除" in client.post(f"/ledgers/sections/{t.s1.pk}/delete/").content.decode()
    assert "下已有任务，不能删除" in client.post(f"/ledgers/sections/{t.s2.pk}/delete/").content.decode()
    assert client.post(f"/ledgers/sections/{t.empty.pk}/delete/").status_code == 302
    assert set(Section.objects.filter(ledger=t.list)) == {t.s1, t.s1a, t.s2}


@pytest.fixture
def duties(users):
    t = users
    t.duties = new_ledger(t.ca, "甲学院党委领导班子责任清单", LedgerKind.RESPONSIBILITY_LIST)
    return t


def test_duty_add_shows_in_the_responsibility_list(client, duties):
    t = duties
    client.force_login(t.sec_a)
    response = client.get(f"/ledgers/{t.duties.pk}/")
    assert [k for k, _label in response.context["tabs"]][:2] == ["rows", "parts"]
    response = client.post(f"/ledgers/{t.duties.pk}/duties/add/",
                           {"leader": t.zhang.pk, "post": "党委书记", "content": "履行第一责任人职责",
                            "organizations": [t.ca_b1.pk, t.ca_b2.pk]})
    assert response.status_code == 302
    duty = Duty.objects.get(ledger=t.duties)
    assert set(duty.organizations.all()) == {t.ca_b1, t.ca_b2} and duty.order == 1
    body = client.get(f"/ledgers/{t.duties.pk}/").content.decode()
    row = re.search(rf'<tr id="duty-{duty.pk}">(.*?)</tr>', body, re.S).group(1)
    for text in ("张嘉恒", "党委书记", "履行第一责任人职责", "甲学院教工第一党支部、甲学院学生党支部"):
        assert text in row
    # Editing keeps the row and changes what was changed.
    response = client.post(f"/ledgers/duties/{duty.pk}/edit/",
                           {"leader": t.zhang.pk, "post": "党委书记", "content": "履行第一责任人职责，抓班子带队伍",
                            "organizations": [t.ca_b1.pk], "order": "1", "expected_version": duty.version})
    assert response.status_code == 302
    duty = testing.refetch(duty)
    assert duty.content.endswith("抓班子带队伍") and list(duty.organizations.all()) == [t.ca_b1]


def test_duty_covering_an_organisation_outside_the_ledger_is_refused(client, duties):
    t = duties
    response = signed_in(client, t.org_admin).post(
        f"/ledgers/{t.duties.pk}/duties/add/", {"leader": t.zhang.pk, "post": "党委书记", "content": "全面负责",
                                                "organizations": [t.ca_b1.pk, t.cb.pk]})
    assert response.status_code == 200
    assert "乙学院党委 不在甲学院党委的范围内" in response.content.decode()
    assert not Duty.objects.exists()
    # And the form does not offer it.
    form = client.get(f"/ledgers/{t.duties.pk}/?tab=parts").context["part_form"]
    offered = {pk for pk, _label in form.fields["organizations"].choices}
    assert t.ca_b1.pk in offered and t.cb.pk not in offered and t.root.pk not in offered


def test_duty_without_a_leader_is_refused(client, duties):
    t = duties
    response = signed_in(client, t.sec_a).post(
        f"/ledgers/{t.duties.pk}/duties/add/", {"leader": t.wang.pk, "post": "委员", "content": "x"})
    assert response.status_code == 200  # 王芳 is in college B: not a choice here
    assert "选择一个有效的选项" in response.content.decode()
    assert not Duty.objects.exists()


def test_part_pages_of_another_college_are_404(client, task_list):
    t = task_list
    client.force_login(t.sec_b)
    for url in (f"/ledgers/{t.list.pk}/sections/add/", f"/ledgers/sections/{t.s1.pk}/edit/",
                f"/ledgers/sections/{t.s1.pk}/delete/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "政治建设" not in response.content.decode()
    response = client.post(f"/ledgers/{t.list.pk}/sections/add/", {"title": "乙学院写入"})
    assert response.status_code == 404
    assert client.post(f"/ledgers/sections/{t.s1.pk}/edit/", {"title": "改", "expected_version": 1}).status_code == 404
    assert not Section.objects.filter(title__in=["乙学院写入", "改"]).exists()


# --- the organisation tab ---------------------------------------------------------------------------

def test_organisation_tab_lists_its_ledgers_and_the_tasks_it_owns(client, task_list):
    t = task_list
    response = signed_in(client, t.sec_a).get(f"/orgs/{t.ca.pk}/", {"tab": "ledgers"})
    assert response.status_code == 200
    assert "ledgers" in dict(response.context["tabs"])
    body = response.content.decode()
    assert t.list.name in body and t.list.get_absolute_url() in body
    owned = Task.objects.filter(owner__path__startswith=t.ca.path)
    counts = response.context["task_counts"]
    assert counts == {"open": owned.exclude(status__in=CLOSED).count(),
                      "overdue": sum(1 for x in owned if x.is_overdue(TODAY)),
                      "done": owned.filter(status=TaskStatus.DONE).count()} == {"open": 4, "overdue": 1, "done": 1}
    assert f"?owner={t.ca.pk}&amp;overdue=true" in body
    # College B's secretary sees college B's page without college A's ledger.
    response = signed_in(client, t.sec_b).get(f"/orgs/{t.cb.pk}/", {"tab": "ledgers"})
    assert t.list.name not in response.content.decode()
    assert response.context["task_counts"] == {"open": 0, "overdue": 0, "done": 0}
