"""Liaison pages: roles and scope, every bad input of the issue shown on its form with nothing written,
stale edits, the coverage page against a hand-built tree, problem -> ledger task, export, the
organisation tab and the dual-leader form."""
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from conftest import make_person
from core.scoping import SYSTEM
from ledgers import services as ledger_services
from ledgers.models import Task
from liaison import services
from liaison.choices import ProblemStatus
from liaison.models import BranchVisit, Liaison, Problem
from members import services as member_services
from orgs.models import Organization

TODAY = timezone.localdate()
START = date(2024, 3, 1)


def leader(org, name, level="middle"):
    return make_person(org, name, cadre_level=level, status="full")


@pytest.fixture
def t(users):
    users.boss = leader(users.ca, "赵院长")
    users.vice = leader(users.ca, "钱副院长")
    users.b_boss = leader(users.cb, "孙院长")
    return users


def state():
    return (Liaison.objects.count(), BranchVisit.objects.count(), Problem.objects.count(),
            AuditEntry.objects.filter(action__in=["create", "update", "delete"]).count())


def form_error(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", html)


# --- roles and scope ---------------------------------------------------------------------------------

def test_pages_answer_for_the_right_roles(t, login):
    liaison = services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=START)
    visit = services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=START, leaders=[t.boss], problems=["缺少活动室"])
    c = login(t.sec_a)
    for name, args in [("liaison_list", []), ("liaison_add", []), ("liaison_detail", [liaison.pk]),
                       ("liaison_edit", [liaison.pk]), ("liaison_end", [liaison.pk]), ("liaison_delete", [liaison.pk]),
                       ("visit_list", []), ("visit_add", []), ("visit_detail", [visit.pk]), ("visit_edit", [visit.pk]),
                       ("visit_delete", [visit.pk]), ("visit_print", [visit.pk]), ("coverage", []),
                       ("coverage_print", [])]:
        assert c.get(reverse(f"liaison:{name}", args=args)).status_code == 200, name
    problem = visit.problems.get()
    for name in ("problem_resolve", "problem_task"):
        assert c.get(reverse(f"liaison:{name}", args=[problem.pk])).status_code == 200, name
    assert "赵院长" in c.get(reverse("liaison:liaison_list")).content.decode()
    # The member sees the list (their own liaisons) but may not add one.
    m = login(t.member)
    assert m.get(reverse("liaison:liaison_list")).status_code == 200
    assert m.get(reverse("liaison:liaison_add")).status_code == 403
    n = login(t.nobody)
    assert n.get(reverse("liaison:coverage")).status_code == 403
    assert n.get(reverse("liaison:liaison_add")).status_code == 403


def test_another_colleges_records_are_not_found(t, login):
    liaison = services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=START)
    visit = services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=START, leaders=[t.boss], problems=["缺少活动室"])
    problem = visit.problems.get()
    secretary = seat(t.ca_b1, t.zhang)
    c = login(t.sec_b)
    for name, pk in [("liaison_detail", liaison.pk), ("liaison_edit", liaison.pk), ("liaison_end", liaison.pk),
                     ("liaison_delete", liaison.pk), ("visit_detail", visit.pk), ("visit_edit", visit.pk),
                     ("visit_print", visit.pk), ("visit_delete", visit.pk), ("problem_resolve", problem.pk),
                     ("problem_task", problem.pk), ("problem_reopen", problem.pk)]:
        response = c.get(reverse(f"liaison:{name}", args=[pk]))
        assert response.status_code == 404, name
    before = state()
    assert c.post(reverse("liaison:liaison_end", args=[liaison.pk]), {"valid_to": "2024-06-01"}).status_code == 404
    assert c.post(reverse("liaison:problem_add", args=[visit.pk]), {"description": "x"}).status_code == 404
    assert c.get(reverse("liaison:coverage") + f"?org={t.ca.pk}").status_code == 404
    assert state() == before
    assert "赵院长" not in c.get(reverse("liaison:liaison_list") + "?ended=on").content.decode()
    assert c.get(reverse("liaison:dual_leader", args=[secretary.pk])).status_code == 404


# --- liaison forms: the bad inputs ------------------------------------------------------------

def post_liaison(c, **over):
    data = {"leader": "", "branch": "", "valid_from": START.isoformat(), "valid_to": "", "note": ""}
    data.update({k: (v.pk if hasattr(v, "pk") else v) for k, v in over.items()})
    return c.post(reverse("liaison:liaison_add"), data)


def test_liaison_is_added_and_next_leads_back(t, login):
    c = login(t.sec_a)
    page = c.get(reverse("liaison:liaison_add") + f"?branch={t.ca_b1.pk}&leader={t.boss.pk}").content.decode()
    assert f'<option value="{t.ca_b1.pk}" selected>' in page and f'<option value="{t.boss.pk}" selected>' in page
    # Only branches offered, only leaders offered.
    branch_select = page.split('name="branch"')[1].split("</select>")[0]
    leader_select = page.split('name="leader"')[1].split("</select>")[0]
    assert f'value="{t.ca.pk}"' not in branch_select and f'value="{t.ca_b2.pk}"' in branch_select
    assert f'value="{t.zhang.pk}"' not in leader_select and f'value="{t.vice.pk}"' in leader_select
    coverage = reverse("liaison:coverage") + f"?org={t.ca.pk}"
    response = c.post(reverse("liaison:liaison_add"), {"leader": t.boss.pk, "branch": t.ca_b1.pk,
                                                       "valid_from": START.isoformat(), "next": coverage})
    assert response.status_code == 302 and response["Location"] == coverage
    liaison = Liaison.objects.get()
    assert (liaison.leader, liaison.branch, liaison.valid_to) == (t.boss, t.ca_b1, None)
    # An outside `next` is ignored: the record's page instead.
    response = c.post(reverse("liaison:liaison_add"), {"leader": t.vice.pk, "branch": t.ca_b2.pk,
                                                       "valid_from": START.isoformat(), "next": "https://evil.example/"})
    assert response["Location"] == Liaison.objects.get(leader=t.vice).get_absolute_url()


@pytest.mark.parametrize("case", ["two_branches", "non_branch", "overlap", "not_leader", "bad_range"])
def test_liaison_form_shows_the_refusal_and_writes_nothing(t, login, case):
    services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=START)
    c = login(t.sec_a)
    before = state()
    if case == "two_branches":
        response, expected = post_liaison(c, leader=t.boss, branch=t.ca_b2), "每名领导同一时间只能联系 1 个党支部"
    elif case == "non_branch":
        response, expected = post_liaison(c, leader=t.vice, branch=t.ca), "不是党支部"
    elif case == "overlap":
        response, expected = (post_liaison(c, leader=t.boss, branch=t.ca_b1, valid_from="2024-05-01"),
                              "时间重叠")
    elif case == "not_leader":
        response, expected = post_liaison(c, leader=t.zhang, branch=t.ca_b2), "不是中层及以上领导干部"
    else:
        response, expected = (post_liaison(c, leader=t.vice, branch=t.ca_b2, valid_to="2024-01-01"),
                              "联系结束日期须晚于开始日期")
    assert response.status_code == 200
    html = form_error(response)
    assert expected in html
    assert 'name="valid_from"' in html and "alert-danger" in html or "invalid-feedback" in html
    assert state() == before


def test_liaison_form_keeps_the_input(t, login):
    services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=START)
    response = post_liaison(login(t.sec_a), leader=t.boss, branch=t.ca_b2, note="我的备注")
    html = response.content.decode()
    branch_select = html.split('name="branch"')[1].split("</select>")[0]
    assert "我的备注" in html and f'<option value="{t.ca_b2.pk}" selected>' in branch_select


def test_stale_edit_on_liaison_edit(t, login):
    liaison = services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=START)
    c = login(t.sec_a)
    seen = liaison.version
    services.update_liaison(t.org_admin, liaison, {"note": "别人改过"}, expected_version=seen)
    response = c.post(reverse("liaison:liaison_edit", args=[liaison.pk]),
                      {"leader": t.boss.pk, "branch": t.ca_b1.pk, "valid_from": START.isoformat(), "valid_to": "",
                       "note": "我的修改", "expected_version": seen})
    assert response.status_code == 200
    html = response.content.decode()
    assert "我的修改" in html and "orgadmin" in html
    liaison.refresh_from_db()
    assert liaison.note == "别人改过"


def test_end_and_delete_liaison(t, login):
    liaison = services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=START)
    c = login(t.sec_a)
    response = c.post(reverse("liaison:liaison_end", args=[liaison.pk]),
                      {"valid_to": "2024-02-01", "expected_version": liaison.version})
    assert response.status_code == 200 and "联系结束日期须晚于开始日期" in response.content.decode()
    response = c.post(reverse("liaison:liaison_end", args=[liaison.pk]),
                      {"valid_to": "2024-09-01", "expected_version": liaison.version})
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.valid_to == date(2024, 9, 1)
    listed = c.get(reverse("liaison:liaison_list")).content.decode()
    assert "赵院长" not in listed
    assert "赵院长" in c.get(reverse("liaison:liaison_list") + "?ended=on").content.decode()
    assert "赵院长" in c.get(reverse("liaison:liaison_list") + "?on=2024-05-01").content.decode()
    assert c.post(reverse("liaison:liaison_delete", args=[liaison.pk])).status_code == 302
    assert not Liaison.objects.exists()
    detail = c.get(reverse("liaison:liaison_detail", args=[liaison.pk]))
    assert detail.status_code == 404


def test_liaison_detail_has_history(t, login):
    liaison = services.assign(t.sec_a, leader=t.boss, branch=t.ca_b1, valid_from=START)
    c = login(t.sec_a)
    page = c.get(reverse("liaison:liaison_detail", args=[liaison.pk]) + "?tab=history")
    assert page.status_code == 200 and "sec_a" in page.content.decode()


def test_list_filters_by_leader_id_and_name(t, login):
    services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=START)
    services.assign(SYSTEM, leader=t.vice, branch=t.ca_b2, valid_from=START)
    c = login(t.sec_a)
    by_id = c.get(reverse("liaison:liaison_list") + f"?leader={t.boss.pk}").content.decode()
    assert "赵院长" in by_id and "钱副院长" not in by_id
    by_name = c.get(reverse("liaison:liaison_list") + "?leader=钱").content.decode()
    assert "钱副院长" in by_name and "赵院长" not in by_name
    by_branch = c.get(reverse("liaison:liaison_list") + f"?branch={t.ca_b2.pk}").content.decode()
    assert "钱副院长" in by_branch and "赵院长" not in by_branch


def test_list_query_count_does_not_grow(t, login, django_assert_max_num_queries):
    for i, branch in enumerate([t.ca_b1, t.ca_b2]):
        services.assign(SYSTEM, leader=leader(t.ca, f"领导{i}"), branch=branch, valid_from=START)
        services.record_visit(SYSTEM, branch=branch, visited_on=START, leaders=[t.boss, t.vice], problems=["甲", "乙"])
    c = login(t.sec_a)
    c.get(reverse("liaison:visit_list"))
    with django_assert_max_num_queries(25):
        assert c.get(reverse("liaison:liaison_list")).status_code == 200
    with django_assert_max_num_queries(25):
        assert c.get(reverse("liaison:visit_list")).status_code == 200


# --- visits ------------------------------------------------------------------------------------------

def post_visit(c, **over):
    data = {"branch": t_pk(over.pop("branch")), "visited_on": START.isoformat(), "heard": "听取了汇报",
            "findings": "", "problems": "活动场地不足\n\n发展对象培养不够"}
    leaders = over.pop("leaders", [])
    data.update(over)
    data["leaders"] = [p.pk for p in leaders]
    return c.post(reverse("liaison:visit_add"), data)


def t_pk(value):
    return value.pk if hasattr(value, "pk") else value


def test_visit_is_recorded_with_its_problems(t, login):
    c = login(t.sec_a)
    response = post_visit(c, branch=t.ca_b1, leaders=[t.boss, t.vice])
    visit = BranchVisit.objects.get()
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    assert set(visit.leaders.all()) == {t.boss, t.vice}
    assert [p.description for p in visit.problems.order_by("id")] == ["活动场地不足", "发展对象培养不够"]
    page = c.get(visit.get_absolute_url()).content.decode()
    assert "活动场地不足" in page and "登记整改" in page and "转为台账任务" in page


@pytest.mark.parametrize("case", ["dissolved", "future", "no_leader", "non_branch"])
def test_visit_form_shows_the_refusal_and_writes_nothing(t, login, case):
    c = login(t.sec_a)
    if case == "dissolved":
        Organization.objects.filter(pk=t.ca_b2.pk).update(dissolved_on=date(2023, 1, 1))
        response, expected = post_visit(c, branch=t.ca_b2, leaders=[t.boss]), "已于 2023-01-01 撤销"
    elif case == "future":
        response, expected = (post_visit(c, branch=t.ca_b1, leaders=[t.boss],
                                         visited_on=(TODAY + timedelta(days=3)).isoformat()), "晚于今天")
    elif case == "no_leader":
        response, expected = post_visit(c, branch=t.ca_b1), "请至少选择一名走访领导"
    else:
        response, expected = post_visit(c, branch=t.ca, leaders=[t.boss]), "不是党支部"
    before = state()
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html and "活动场地不足" in html
    assert state() == before == (0, 0, 0, before[3])


def test_visit_filters(t, login):
    v1 = services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=date(2024, 3, 1), leaders=[t.boss],
                               problems=["问题一"])
    services.record_visit(SYSTEM, branch=t.ca_b2, visited_on=date(2024, 6, 1), leaders=[t.vice])
    c = login(t.sec_a)

    def table(query):
        return c.get(reverse("liaison:visit_list") + query).content.decode().split('id="results"')[1]

    assert v1.get_absolute_url() in table("") and "甲学院学生党支部" in table("")
    only_open = table("?open_problems=true")
    assert v1.get_absolute_url() in only_open and "甲学院学生党支部" not in only_open
    by_leader = table("?leader=钱")
    assert "甲学院学生党支部" in by_leader and v1.get_absolute_url() not in by_leader
    by_date = table("?visited_from=2024-05-01")
    assert v1.get_absolute_url() not in by_date


def test_problem_resolve_reopen(t, login):
    visit = services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=START, leaders=[t.boss], problems=["缺少活动室"])
    problem = visit.problems.get()
    c = login(t.sec_a)
    url = reverse("liaison:problem_resolve", args=[problem.pk])
    bad = c.post(url, {"resolution": "已整改", "resolved_on": "2024-01-01", "expected_version": problem.version})
    assert bad.status_code == 200 and "整改完成日期须在走访日期" in bad.content.decode()
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    good = c.post(url, {"resolution": "已调配活动室", "resolved_on": "2024-04-01", "expected_version": problem.version})
    assert good.status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.resolution) == (ProblemStatus.RESOLVED, "已调配活动室")
    assert c.post(reverse("liaison:problem_reopen", args=[problem.pk]),
                  {"expected_version": problem.version}).status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


def test_problem_becomes_a_ledger_task(t, login):
    ledger = ledger_services.create_ledger(t.sec_a, kind="task_list", name="2024 年整改任务清单", organization=t.ca,
                                           year=2024)
    visit = services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=START, leaders=[t.boss], problems=["缺少活动室"])
    problem = visit.problems.get()
    c = login(t.sec_a)
    page = c.get(reverse("liaison:problem_task", args=[problem.pk])).content.decode()
    assert "缺少活动室" in page and ledger.name in page
    deadline = TODAY + timedelta(days=30)
    response = c.post(reverse("liaison:problem_task", args=[problem.pk]),
                      {"ledger": ledger.pk, "owner": t.ca_b1.pk, "deadline": deadline.isoformat(),
                       "title": "落实活动室", "expected_version": problem.version})
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert (task.ledger, task.owner, task.title, task.deadline) == (ledger, t.ca_b1, "落实活动室", deadline)
    problem.refresh_from_db()
    assert (problem.status, problem.task) == (ProblemStatus.TASKED, task)
    detail = c.get(visit.get_absolute_url()).content.decode()
    assert task.get_absolute_url() in detail and task.get_status_display() in detail
    # Deleting a visit whose problem became a task is refused with the reason.
    refused = c.post(reverse("liaison:visit_delete", args=[visit.pk]))
    assert refused.status_code == 200 and "已转为台账任务" in refused.content.decode()
    assert BranchVisit.objects.filter(pk=visit.pk).exists()


def test_problem_task_refused_outside_the_ledger(t, login):
    ledger = ledger_services.create_ledger(t.sec_a, kind="task_list", name="整改清单", organization=t.ca_b1, year=2024)
    visit = services.record_visit(SYSTEM, branch=t.ca_b2, visited_on=START, leaders=[t.boss], problems=["问题"])
    problem = visit.problems.get()
    before = (Task.objects.count(), Problem.objects.get().status)
    response = login(t.sec_a).post(reverse("liaison:problem_task", args=[problem.pk]),
                                   {"ledger": ledger.pk, "owner": t.ca_b2.pk, "title": "x",
                                    "deadline": (TODAY + timedelta(days=9)).isoformat()})
    assert response.status_code == 200 and "责任单位须在台账主管组织" in response.content.decode()
    assert (Task.objects.count(), Problem.objects.get().status) == before


# --- coverage ----------------------------------------------------------------------------------------

def rule_blocks(html):
    return {m.group(1): m.group(2) for m in re.finditer(r'data-rule="(\w+)" data-rate="([\d.]*)"', html)}


def test_coverage_numbers_and_gaps(t, login):
    third = Organization.objects.create(code="CA-B3", name="甲学院教工第二党支部", kind="branch", parent=t.ca,
                                        composition="teacher", established_on=date(2010, 1, 1))
    services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=START)
    services.assign(SYSTEM, leader=t.vice, branch=t.ca_b2, valid_from=START)
    c = login(t.sec_a)
    url = reverse("liaison:coverage") + f"?org={t.ca.pk}"
    html = c.get(url).content.decode()
    blocks = rule_blocks(html)
    assert blocks["branch_liaison"] == "66.7"
    assert set(blocks) == {"branch_liaison", "leader_liaison", "dual_leader", "visits"}
    branch_block = html.split('data-rule="branch_liaison"')[1].split("</section>")[0]
    fixes = re.findall(r'class="gap-fix[^"]*" href="([^"]+)"', branch_block)
    assert len(fixes) == 1 and fixes[0].startswith(reverse("liaison:liaison_add") + f"?branch={third.pk}&amp;next=")
    assert "2 / 3" in branch_block and "甲学院教工第二党支部" in branch_block
    # Following the gap's link and saving returns to the coverage page, now at 100%.
    fix = fixes[0].replace("&amp;", "&")
    third_leader = leader(t.ca, "李副院长")
    response = c.post(fix, {"leader": third_leader.pk, "branch": third.pk, "valid_from": START.isoformat()})
    assert response.status_code == 302 and response["Location"] == url
    assert rule_blocks(c.get(url).content.decode())["branch_liaison"] == "100.0"


def test_coverage_default_org_and_rules_switched_off(t, login):
    from core.models import RuleVersion

    html = login(t.sec_a).get(reverse("liaison:coverage")).content.decode()
    assert f'<option value="{t.ca.pk}" selected>' in html
    assert "未启用" not in html
    RuleVersion.objects.create(key="liaison.dual_leader_required", value=0, effective_from=date(2019, 1, 1),
                               scope_path=t.ca.path)
    html = login(t.sec_a).get(reverse("liaison:coverage")).content.decode()
    block = html.split('data-rule="dual_leader"')[0].rsplit("<section", 1)[1] + html.split('data-rule="dual_leader"')[1]
    assert "opacity-50" in block.split("</section>")[0] and "未启用" in html


def test_coverage_visits_year_and_print(t, login):
    services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=date(2024, 3, 1), leaders=[t.boss])
    c = login(t.sec_a)
    html = c.get(reverse("liaison:coverage") + f"?org={t.ca.pk}&on=2024-12-31&year=2024").content.decode()
    assert rule_blocks(html)["visits"] == "50.0"
    html = c.get(reverse("liaison:coverage") + f"?org={t.ca.pk}&on=2025-12-31&year=2025").content.decode()
    assert rule_blocks(html)["visits"] == "0.0"
    printed = c.get(reverse("liaison:coverage_print") + f"?org={t.ca.pk}&on=2024-12-31&year=2024")
    assert printed.status_code == 200 and "甲学院学生党支部" in printed.content.decode()
    assert "gap-fix" not in printed.content.decode()


# --- dual leader ---------------------------------------------------------------------------------------

def seat(org, person):
    return member_services.appoint(SYSTEM, org, person, "secretary", START)


def test_dual_leader_form(t, login):
    s = seat(t.ca_b1, t.zhang)
    c = login(t.sec_a)
    url = reverse("liaison:dual_leader", args=[s.pk])
    page = c.get(url).content.decode()
    assert "甲学院教工第一党支部" in page and "张嘉恒" in page
    missing = c.post(url, {"is_dual_leader": "on", "basis": "", "note": "", "expected_version": s.version})
    assert missing.status_code == 200 and "请选择“双带头人”的依据" in missing.content.decode()
    back = reverse("liaison:coverage") + f"?org={t.ca.pk}"
    response = c.post(url + "?next=" + back, {"is_dual_leader": "on", "basis": "senior_title", "note": "教授",
                                              "expected_version": s.version})
    assert response.status_code == 302 and response["Location"] == back
    s.refresh_from_db()
    assert (s.is_dual_leader, s.dual_leader_basis, s.dual_leader_note) == (True, "senior_title", "教授")
    assert login(t.sec_b).get(url).status_code == 404


def test_dual_leader_refused_on_a_student_branch(t, login):
    s = seat(t.ca_b2, t.li)
    version = s.version
    response = login(t.sec_a).post(reverse("liaison:dual_leader", args=[s.pk]),
                                   {"is_dual_leader": "on", "basis": "senior_title", "note": "",
                                    "expected_version": version})
    assert response.status_code == 200
    assert "不是教师党支部" in response.content.decode()
    s.refresh_from_db()
    assert (s.is_dual_leader, s.version) == (False, version)


# --- export and the organisation tab ---------------------------------------------------------------

def test_exports_open_in_openpyxl_and_are_audited(t, login):
    services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=START, note="=SUM(1)")
    services.assign(SYSTEM, leader=t.b_boss, branch=t.cb_b1, valid_from=START)
    services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=START, leaders=[t.boss, t.vice],
                          problems=["问题甲", "问题乙"])
    c = login(t.sec_a)
    response = c.get(reverse("liaison:liaison_export"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("联系领导", "联系党支部", "开始日期", "结束日期", "备注")
    assert [r[0] for r in rows[1:]] == ["赵院长"] and rows[1][4] == "'=SUM(1)"
    response = c.get(reverse("liaison:visit_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("党支部", "走访日期", "走访领导", "听取情况", "发现问题")
    assert rows[1][2] in ("赵院长、钱副院长", "钱副院长、赵院长") and rows[1][4] == "问题甲\n问题乙"
    assert AuditEntry.objects.filter(action="export", actor=t.sec_a).count() == 2
    assert login(t.nobody).get(reverse("liaison:liaison_export")).status_code == 403


def test_organization_tab(t, login):
    services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=START)
    services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=TODAY, leaders=[t.boss], problems=["问题"])
    c = login(t.sec_a)
    branch = c.get(t.ca_b1.get_absolute_url() + "?tab=liaison").content.decode()
    assert "赵院长" in branch and TODAY.strftime("%Y-%m-%d") in branch
    committee = c.get(t.ca.get_absolute_url() + "?tab=liaison").content.decode()
    assert reverse("liaison:coverage") + f"?org={t.ca.pk}" in committee
    assert re.search(r'data-count="with_liaison">1<', committee) and re.search(r'data-count="branches">2<', committee)


def test_templates_have_no_untranslated_chinese():
    from tests.test_i18n import untranslated_template_text

    folder = Path(__file__).resolve().parents[1] / "templates"
    found = {str(p.name): lines for p in sorted(folder.rglob("*.html"))
             if (lines := untranslated_template_text(p.read_text(encoding="utf-8")))}
    assert found == {}
