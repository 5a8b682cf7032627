"""/api/liaisons/, /api/branch-visits/ and /api/visit-problems/: scoped reads (404 outside), writes through
liaison.services, each bad input of issue 7 answered 400 with the reason and nothing written, 409 on a stale
version, random payloads never writing anything but one whole record, and the schema built without warnings."""
import json
from datetime import date, timedelta

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from conftest import make_person
from core.scoping import SYSTEM
from ledgers import services as ledger_services
from ledgers.models import Task
from liaison import services
from liaison.choices import ProblemStatus
from liaison.models import BranchVisit, Liaison, Problem
from orgs import services as org_services
from orgs.models import Organization

LIAISONS, VISITS, PROBLEMS = "/api/liaisons/", "/api/branch-visits/", "/api/visit-problems/"
JSON = "application/json"
TODAY = date.today()

pytestmark = pytest.mark.django_db


def snapshot():
    return (list(Liaison.objects.order_by("pk").values_list("pk", "leader", "branch", "valid_from", "valid_to",
                                                            "version")),
            list(BranchVisit.objects.order_by("pk").values_list("pk", "branch", "visited_on", "version")),
            list(Problem.objects.order_by("pk").values_list("pk", "status", "version")),
            Task.objects.count(), AuditEntry.objects.count())


@pytest.fixture
def api(users):
    """周院长 (CA, middle) liaises with CA-B1 since 2024; a visit to CA-B1 with two problems; 孙院长 (CB) liaises
    with CB-B1 and visited it. CA-B3 was dissolved on 2024-06-01."""
    t = users
    t.dean = make_person(t.ca, "周院长", cadre_level="middle")
    t.dean2 = make_person(t.ca, "郑副院长", cadre_level="middle")
    t.dean_b = make_person(t.cb, "孙院长", cadre_level="middle")
    t.ca_b3 = Organization.objects.create(code="CA-B3", name="甲学院第三党支部", kind="branch", parent=t.ca,
                                          composition="teacher", established_on=date(2010, 1, 1))
    org_services.dissolve_organization(SYSTEM, t.ca_b3, date(2024, 6, 1))
    t.link = services.assign(SYSTEM, leader=t.dean, branch=t.ca_b1, valid_from=date(2024, 1, 1))
    t.visit = services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=date(2024, 3, 1), leaders=[t.dean],
                                    problems=["学习记录不全", "组织生活不规范"])
    t.problem, t.problem2 = t.visit.problems.order_by("pk")
    t.link_b = services.assign(SYSTEM, leader=t.dean_b, branch=t.cb_b1, valid_from=date(2024, 1, 1))
    t.visit_b = services.record_visit(SYSTEM, branch=t.cb_b1, visited_on=date(2024, 3, 1), leaders=[t.dean_b],
                                      problems=["乙学院的问题"])
    return t


def test_reads_are_scoped_and_outside_is_404(client, login, api):
    t = api
    assert client.get(LIAISONS).status_code in (401, 403)
    a = login(t.sec_a)
    assert [r["id"] for r in a.get(LIAISONS).json()["results"]] == [t.link.pk]
    assert [r["id"] for r in a.get(VISITS).json()["results"]] == [t.visit.pk]
    assert {r["id"] for r in a.get(PROBLEMS).json()["results"]} == {t.problem.pk, t.problem2.pk}
    c = login(t.sec_b)
    assert [r["id"] for r in c.get(LIAISONS).json()["results"]] == [t.link_b.pk]
    assert [r["id"] for r in c.get(VISITS).json()["results"]] == [t.visit_b.pk]
    before = snapshot()
    for response in (
            c.get(f"{LIAISONS}{t.link.pk}/"), c.get(f"{VISITS}{t.visit.pk}/"), c.get(f"{PROBLEMS}{t.problem.pk}/"),
            c.patch(f"{LIAISONS}{t.link.pk}/", {"note": "x", "version": 1}, content_type=JSON),
            c.post(f"{LIAISONS}{t.link.pk}/end/", {"valid_to": "2024-06-01", "version": 1}, content_type=JSON),
            c.delete(f"{LIAISONS}{t.link.pk}/"), c.delete(f"{VISITS}{t.visit.pk}/"),
            c.post(f"{VISITS}{t.visit.pk}/problems/", {"description": "x"}, content_type=JSON),
            c.post(f"{PROBLEMS}{t.problem.pk}/resolve/", {"resolution": "x", "resolved_on": "2024-04-01",
                                                          "version": 1}, content_type=JSON)):
        assert response.status_code == 404 and response.json() == {"detail": "未找到该记录"}
    # Another college's branch is not found when creating either.
    response = c.post(LIAISONS, {"leader": t.dean_b.pk, "branch": "CA-B2", "valid_from": "2024-01-01"},
                      content_type=JSON)
    assert response.status_code == 400 and "未找到组织“CA-B2”" in str(response.json()["branch"])
    assert snapshot() == before


def test_create_edit_and_end_a_liaison_and_a_stale_version_is_409(login, api):
    t = api
    c = login(t.sec_a)
    response = c.post(LIAISONS, {"leader": t.dean2.pk, "branch": "CA-B2", "valid_from": "2024-02-01",
                                 "note": "新任"}, content_type=JSON)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["leader_name"], data["branch_code"], data["valid_to"], data["version"]) == \
        ("郑副院长", "CA-B2", None, 1)
    pk = data["id"]
    assert AuditEntry.objects.filter(model="liaison.liaison", object_id=str(pk), action="create").exists()
    edited = c.patch(f"{LIAISONS}{pk}/", {"note": "调整", "version": 1}, content_type=JSON)
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = c.patch(f"{LIAISONS}{pk}/", {"note": "旧版本", "version": 1}, content_type=JSON)
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    assert c.post(f"{LIAISONS}{pk}/end/", {"valid_to": "2024-09-01", "version": 1}, content_type=JSON
                  ).status_code == 409
    missing = c.patch(f"{LIAISONS}{pk}/", {"note": "x"}, content_type=JSON)
    assert missing.status_code == 400 and "version" in missing.json()
    ended = c.post(f"{LIAISONS}{pk}/end/", {"valid_to": "2024-09-01", "version": 2}, content_type=JSON)
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2024-09-01"
    assert Liaison.objects.get(pk=pk).note == "调整"
    # Ended: out of today's list, in the full one.
    assert pk not in [r["id"] for r in c.get(LIAISONS).json()["results"]]
    assert pk in [r["id"] for r in c.get(LIAISONS, {"ended": "true"}).json()["results"]]
    assert c.delete(f"{LIAISONS}{pk}/").status_code == 204 and not Liaison.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("body, field, reason", [
    ({"branch": "CA"}, "detail", "不是党支部"),
    ({"branch": "CA-B1-G1"}, "detail", "不是党支部"),
    ({"leader": "$DEAN"}, "detail", "同一时间只能联系 1 个党支部"),
    ({"leader": "$DEAN", "branch": "CA-B1", "valid_from": "2024-06-01"}, "detail", "时间重叠"),
    ({"branch": "CA-B3", "valid_from": "2024-07-01"}, "detail", "已于 2024-06-01 撤销"),
    ({"valid_to": "2023-01-01"}, "detail", "须晚于开始日期"),
    ({"leader": "$ZHANG"}, "detail", "不是中层及以上领导干部"),
    ({"leader": 99999999}, "leader", "未找到编号为 99999999 的记录"),
    ({"valid_from": "2024-02-30"}, "valid_from", "日期格式错误"),
])
def test_bad_liaisons_are_400_with_the_reason_and_write_nothing(login, api, body, field, reason):
    t = api
    names = {"$DEAN": t.dean.pk, "$ZHANG": t.zhang.pk}
    data = {"leader": t.dean2.pk, "branch": "CA-B2", "valid_from": "2024-02-01"}
    data.update({k: names.get(v, v) if isinstance(v, str) else v for k, v in body.items()})
    c = login(t.sec_a)
    before = snapshot()
    response = c.post(LIAISONS, data, content_type=JSON)
    assert response.status_code == 400, response.content
    assert reason in str(response.json()[field])
    assert snapshot() == before


@pytest.mark.parametrize("body, field, reason", [
    ({"branch": "CA-B3", "visited_on": "2024-07-01"}, "detail", "已于 2024-06-01 撤销"),
    ({"visited_on": (TODAY + timedelta(days=1)).isoformat()}, "detail", "晚于今天"),
    ({"branch": "CA"}, "detail", "不是党支部"),
    ({"leaders": []}, "detail", "请至少选择一名走访领导"),
    ({"leaders": "$WANG"}, "leaders", "未找到编号为"),
    ({"problems": "不是列表"}, "problems", ""),
])
def test_bad_visits_are_400_with_the_reason_and_write_nothing(login, api, body, field, reason):
    t = api
    data = {"branch": "CA-B2", "visited_on": "2024-05-01", "leaders": [t.dean.pk], "problems": ["问题"]}
    data.update({k: ([t.wang.pk] if v == "$WANG" else v) for k, v in body.items()})
    c = login(t.sec_a)
    before = snapshot()
    response = c.post(VISITS, data, content_type=JSON)
    assert response.status_code == 400, response.content
    assert reason in str(response.json()[field])
    assert snapshot() == before


def test_a_visit_with_leaders_and_problems_then_edited(login, api):
    t = api
    c = login(t.sec_a)
    response = c.post(VISITS, {"branch": "CA-B2", "visited_on": "2024-05-01", "leaders": [t.dean.pk, t.dean2.pk],
                               "heard": "支部汇报", "problems": ["发展党员程序不规范", "  "]}, content_type=JSON)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert sorted(data["leaders"]) == sorted([t.dean.pk, t.dean2.pk])
    assert [(p["description"], p["status"]) for p in data["problems"]] == [("发展党员程序不规范", "open")]
    url = f"{VISITS}{data['id']}/"
    edited = c.patch(url, {"leaders": [t.dean2.pk], "findings": "概述", "version": data["version"]},
                     content_type=JSON)
    assert edited.status_code == 200 and edited.json()["leaders"] == [t.dean2.pk]
    assert edited.json()["findings"] == "概述"
    assert c.patch(url, {"heard": "x", "version": data["version"]}, content_type=JSON).status_code == 409
    future = c.patch(url, {"visited_on": (TODAY + timedelta(days=3)).isoformat(),
                           "version": edited.json()["version"]}, content_type=JSON)
    assert future.status_code == 400 and "晚于今天" in future.json()["detail"]
    added = c.post(f"{url}problems/", {"description": "台账不全"}, content_type=JSON)
    assert added.status_code == 200 and len(added.json()["problems"]) == 2
    blank = c.post(f"{url}problems/", {"description": "  "}, content_type=JSON)
    assert blank.status_code == 400
    assert BranchVisit.objects.get(pk=data["id"]).problems.count() == 2


def test_problems_resolved_reopened_and_handed_to_a_task(login, api):
    t = api
    c = login(t.sec_a)
    url = f"{PROBLEMS}{t.problem.pk}/"
    early = c.post(f"{url}resolve/", {"resolution": "已补齐", "resolved_on": "2024-02-01", "version": 1},
                   content_type=JSON)
    assert early.status_code == 400 and "须在走访日期 2024-03-01 与今天之间" in early.json()["detail"]
    resolved = c.post(f"{url}resolve/", {"resolution": "已补齐", "resolved_on": "2024-04-01", "version": 1},
                      content_type=JSON)
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    again = c.post(f"{url}resolve/", {"resolution": "x", "resolved_on": "2024-04-01", "version": 2},
                   content_type=JSON)
    assert again.status_code == 400 and "不能再登记整改" in again.json()["detail"]
    assert c.post(f"{url}reopen/", {"version": 1}, content_type=JSON).status_code == 409
    reopened = c.post(f"{url}reopen/", {"version": 2}, content_type=JSON)
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"

    ledger = ledger_services.create_ledger(SYSTEM, kind="task_list", name="整改台账", organization=t.ca, year=2024)
    body = {"ledger": ledger.pk, "owner": "CA-B1", "deadline": (TODAY + timedelta(days=30)).isoformat(),
            "version": 1}
    tasked = c.post(f"{PROBLEMS}{t.problem2.pk}/to-task/", body, content_type=JSON)
    assert tasked.status_code == 200, tasked.json()
    assert tasked.json()["status"] == ProblemStatus.TASKED
    task = Task.objects.get(pk=tasked.json()["task"])
    assert (task.title, task.owner) == ("组织生活不规范", t.ca_b1)
    # A visit whose problem became a ledger task is kept.
    before = snapshot()
    refused = c.delete(f"{VISITS}{t.visit.pk}/")
    assert refused.status_code == 400 and "已转为台账任务" in refused.json()["detail"]
    assert snapshot() == before
    # No create, edit or delete of problems but through their visit.
    assert c.post(PROBLEMS, {}, content_type=JSON).status_code == 405
    assert c.delete(url).status_code == 405


def test_a_member_sees_their_liaison_but_cannot_change_it(login, api):
    from accounts.roles import Role
    from conftest import make_user

    t = api
    user = make_user("dean_member", Role.MEMBER, t.ca, include_subtree=False, person=t.dean)
    c = login(user)
    assert [r["id"] for r in c.get(LIAISONS).json()["results"]] == [t.link.pk]
    before = snapshot()
    assert c.patch(f"{LIAISONS}{t.link.pk}/", {"note": "x", "version": 1}, content_type=JSON).status_code == 403
    assert c.post(f"{LIAISONS}{t.link.pk}/end/", {"valid_to": "2024-09-01", "version": 1},
                  content_type=JSON).status_code == 403
    assert c.post(LIAISONS, {"leader": t.dean.pk, "branch": "CA-B2", "valid_from": "2024-02-01"},
                  content_type=JSON).status_code in (400, 403)
    assert snapshot() == before


# --- random payloads -------------------------------------------------------------------------------

dates = st.one_of(st.dates(date(2000, 1, 1), TODAY + timedelta(days=400)).map(date.isoformat),
                  st.sampled_from(["2024-02-30", "", "今天", "2024/01/01"]), st.integers(), st.none())
refs = st.one_of(st.sampled_from(["CA", "CA-B1", "CA-B2", "CA-B3", "CA-B1-G1", "CB-B1", "ROOT", "NOPE"]),
                 st.integers(-3, 2 ** 64), st.none(), st.booleans())


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(payload=st.fixed_dictionaries({}, optional={
    "leader": st.one_of(st.sampled_from(["$DEAN", "$DEAN2", "$ZHANG", "$WANG"]), st.integers(), st.text(max_size=4)),
    "branch": refs, "valid_from": dates, "valid_to": dates, "note": st.text(max_size=210)}),
    visit=st.fixed_dictionaries({}, optional={
        "branch": refs, "visited_on": dates,
        "leaders": st.lists(st.sampled_from(["$DEAN", "$DEAN2", "$WANG", 0, "x"]), max_size=3),
        "problems": st.one_of(st.lists(st.text(max_size=8), max_size=3), st.text(max_size=3))}))
def test_random_payloads_write_one_whole_record_or_nothing(login, api, payload, visit):
    t = api
    ids = {"$DEAN": t.dean.pk, "$DEAN2": t.dean2.pk, "$ZHANG": t.zhang.pk, "$WANG": t.wang.pk}
    c = login(t.sec_a)
    for url, body, model in ((LIAISONS, payload, Liaison), (VISITS, visit, BranchVisit)):
        body = {k: ([ids.get(x, x) for x in v] if isinstance(v, list) and k == "leaders" else ids.get(v, v)
                    if isinstance(v, str) else v) for k, v in body.items()}
        before = snapshot()
        response = c.post(url, json.dumps(body), content_type=JSON)
        assert response.status_code in (201, 400), (body, response.content)
        if response.status_code == 201:
            record = model.objects.get(pk=response.json()["id"])
            assert model.objects.count() == len(before[0 if model is Liaison else 1]) + 1
            branch = record.branch
            # Only a branch of college A, open on the day, and never one of college B.
            assert branch.kind == "branch" and branch.path.startswith(t.ca.path) and branch.code != "CA-B3"
            if model is Liaison:
                model.objects.filter(pk=record.pk).delete()  # keep the next example's starting point
            else:
                Problem.objects.filter(visit=record).delete()
                record.leaders.clear()
                model.objects.filter(pk=record.pk).delete()
        else:
            assert snapshot() == before
            assert "乙学院" not in response.content.decode()


def test_schema_builds_without_warnings_and_lists_the_resources():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache, dict(GENERATOR_STATS._warn_cache)
    for path in ("/api/liaisons/", "/api/liaisons/{id}/end/", "/api/branch-visits/{id}/problems/",
                 "/api/visit-problems/{id}/resolve/", "/api/visit-problems/{id}/reopen/",
                 "/api/visit-problems/{id}/to-task/"):
        assert path in schema["paths"], path
    assert schema["components"]["schemas"]["ProblemStatusEnum"]["enum"] == [s.value for s in ProblemStatus]
