"""The recognition API: scoped reads (404 outside), writes through recognition.services (reviews by the
organisation above), each bad input of issue 7 answered 400 with the reason and nothing written, 409 on a
stale version, random honour payloads writing one whole record or nothing, the schema without warnings."""
import json
from datetime import date

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from audit.models import AuditEntry
from conftest import make_user
from core.scoping import SYSTEM
from orgs import services as org_services
from orgs.models import Organization
from recognition import services
from recognition.choices import HonorKind, HonorLevel
from recognition.models import BrandProject, Honor, ModelBranch, ModelBranchBatch, RoleModel

BRANDS, BATCHES, CYCLES = "/api/brand-projects/", "/api/model-branch-batches/", "/api/model-branches/"
HONORS, ROLE_MODELS = "/api/honors/", "/api/role-models/"
JSON = "application/json"
TODAY = date.today()

pytestmark = pytest.mark.django_db


def snapshot():
    return tuple(list(m.objects.order_by("pk").values_list("pk", "version"))
                 for m in (BrandProject, ModelBranchBatch, ModelBranch, Honor, RoleModel)) + (
        list(BrandProject.objects.order_by("pk").values_list("status", flat=True)),
        list(ModelBranch.objects.order_by("pk").values_list("stage", flat=True)), AuditEntry.objects.count())


@pytest.fixture
def rec(users):
    t = users
    t.feature = services.propose_brand(SYSTEM, level="branch", organization=t.ca_b1, name="支部+课堂",
                                       started_on=date(2024, 1, 1))
    t.feature_b = services.propose_brand(SYSTEM, level="branch", organization=t.cb_b1, name="乙特色",
                                         started_on=date(2024, 1, 1))
    t.batch = services.create_batch(SYSTEM, organization=t.ca, name="第一批", year=2022)
    t.cycle = services.apply_model_branch(SYSTEM, batch=t.batch, branch=t.ca_b1, applied_on=date(2022, 1, 10))
    t.honor = services.record_honor(SYSTEM, kind=HonorKind.ADVANCED_COLLECTIVE, level=HonorLevel.UNIVERSITY,
                                    title="先进集体", year=2024, issuer="校党委", organization=t.ca_b1)
    t.honor_b = services.record_honor(SYSTEM, kind=HonorKind.ADVANCED_COLLECTIVE, level=HonorLevel.UNIVERSITY,
                                      title="先进集体", year=2024, issuer="校党委", organization=t.cb_b1)
    t.role_model = services.save_role_model(SYSTEM, person=t.zhang, year=2024, title="身边的榜样", deeds="事迹")
    t.sec_b1 = make_user("sec_b1", Role.SECRETARY, t.ca_b1, include_subtree=False)
    return t


def test_reads_are_scoped_and_outside_is_404(client, login, rec):
    t = rec
    assert client.get(HONORS).status_code in (401, 403)
    c = login(t.sec_b)
    assert [r["id"] for r in c.get(BRANDS).json()["results"]] == [t.feature_b.pk]
    assert [r["id"] for r in c.get(HONORS).json()["results"]] == [t.honor_b.pk]
    assert c.get(BATCHES).json()["count"] == c.get(CYCLES).json()["count"] == c.get(ROLE_MODELS).json()["count"] == 0
    before = snapshot()
    for response in (
            c.get(f"{BRANDS}{t.feature.pk}/"), c.get(f"{CYCLES}{t.cycle.pk}/"),
            c.post(f"{BRANDS}{t.feature.pk}/approve/", {"on_date": "2024-02-01", "version": 1}, content_type=JSON),
            c.post(f"{CYCLES}{t.cycle.pk}/approve/", {"passed": True, "on_date": "2022-02-01", "version": 1},
                   content_type=JSON),
            c.patch(f"{HONORS}{t.honor.pk}/", {"title": "x", "version": 1}, content_type=JSON),
            c.delete(f"{ROLE_MODELS}{t.role_model.pk}/"), c.delete(f"{BRANDS}{t.feature.pk}/")):
        assert response.status_code == 404 and response.json() == {"detail": "未找到该记录"}
    assert snapshot() == before
    assert [r["id"] for r in login(t.sec_a).get(BRANDS).json()["results"]] == [t.feature.pk]


def test_brand_workflow_by_the_organisation_above(login, rec):
    t = rec
    url = f"{BRANDS}{t.feature.pk}/"
    branch = login(t.sec_b1)
    before = snapshot()
    refused = branch.post(f"{url}approve/", {"on_date": "2024-02-01", "version": 1}, content_type=JSON)
    assert refused.status_code == 403 and "上级" in refused.json()["detail"]
    assert snapshot() == before
    c = login(t.sec_a)
    approved = c.post(f"{url}approve/", {"on_date": "2024-02-01", "note": "同意", "version": 1}, content_type=JSON)
    assert approved.status_code == 200 and (approved.json()["status"], approved.json()["approved_on"]) == \
        ("approved", "2024-02-01")
    assert c.post(f"{url}start/", {"on_date": "2024-03-01", "version": 1}, content_type=JSON).status_code == 409
    wrong = c.post(f"{url}evaluate/", {"on_date": "2024-03-01", "evaluation": "good", "version": 2},
                   content_type=JSON)
    assert wrong.status_code == 400 and "不能评估" in wrong.json()["detail"]
    started = c.post(f"{url}start/", {"on_date": "2024-03-01", "version": 2}, content_type=JSON)
    assert started.json()["status"] == "building"
    no_result = c.post(f"{url}evaluate/", {"on_date": "2024-12-01", "version": 3}, content_type=JSON)
    assert no_result.status_code == 400 and "evaluation" in no_result.json()
    done = c.post(f"{url}evaluate/", {"on_date": "2024-12-01", "evaluation": "excellent", "version": 3},
                  content_type=JSON)
    assert done.status_code == 200 and done.json()["evaluation"] == "excellent"
    frozen = c.patch(url, {"name": "改名", "version": 4}, content_type=JSON)
    assert frozen.status_code == 400 and "不能再修改" in frozen.json()["detail"]
    assert c.delete(url).status_code == 400 and BrandProject.objects.filter(pk=t.feature.pk).exists()


@pytest.mark.parametrize("body, field, reason", [
    ({"level": "branch", "organization": "CA"}, "detail", "须为党支部"),
    ({"level": "college", "organization": "CA-B1"}, "detail", "学院党委或党总支"),
    ({"ends_on": "2023-01-01"}, "detail", "不能早于开始日期"),
    ({"organization": "CB-B1"}, "organization", "未找到组织“CB-B1”"),
    ({"level": "city"}, "level", "不是合法选项"),
])
def test_bad_brands_are_400_and_write_nothing(login, rec, body, field, reason):
    c = login(rec.sec_a)
    before = snapshot()
    response = c.post(BRANDS, {"level": "branch", "organization": "CA-B2", "name": "新特色",
                               "started_on": "2024-01-01", **body}, content_type=JSON)
    assert response.status_code == 400, response.content
    assert reason in str(response.json()[field])
    assert snapshot() == before


def test_model_branch_cycle_through_acceptance_names_a_model_branch(login, rec):
    t = rec
    c = login(t.sec_a)
    url = f"{CYCLES}{t.cycle.pk}/"
    early = c.post(f"{url}approve/", {"passed": True, "on_date": "2022-01-01", "version": 1}, content_type=JSON)
    assert early.status_code == 400 and "不能早于申报日期" in early.json()["detail"]
    approved = c.post(f"{url}approve/", {"passed": True, "on_date": "2022-02-01", "version": 1}, content_type=JSON)
    assert approved.status_code == 200 and approved.json()["stage"] == "cultivating"
    mid = c.post(f"{url}midterm/", {"passed": True, "on_date": "2023-02-10", "version": 2}, content_type=JSON)
    assert mid.json()["stage"] == "midterm_passed"
    too_soon = c.post(f"{url}accept/", {"passed": True, "on_date": "2023-03-01", "version": 3}, content_type=JSON)
    assert too_soon.status_code == 400 and "两年" in too_soon.json()["detail"]
    assert not Honor.objects.filter(kind=HonorKind.MODEL_BRANCH).exists()
    accepted = c.post(f"{url}accept/", {"passed": True, "on_date": "2024-01-20", "honor_level": "provincial",
                                        "version": 3}, content_type=JSON)
    assert accepted.status_code == 200 and accepted.json()["stage"] == "accepted"
    honor = Honor.objects.get(model_branch_id=t.cycle.pk)
    assert (honor.kind, honor.level, honor.year, honor.organization) == ("model_branch", "provincial", 2024, t.ca_b1)
    # The honour follows its acceptance: not deleted on its own.
    refused = c.delete(f"{HONORS}{honor.pk}/")
    assert refused.status_code == 400 and Honor.objects.filter(pk=honor.pk).exists()
    # Applying for a student group or another college's branch is refused.
    assert c.post(CYCLES, {"batch": t.batch.pk, "branch": "CA-B1-G1", "applied_on": "2022-01-10"},
                  content_type=JSON).status_code == 400
    assert c.post(CYCLES, {"batch": t.batch.pk, "branch": "CB-B1", "applied_on": "2022-01-10"},
                  content_type=JSON).status_code == 400
    created = c.post(CYCLES, {"batch": t.batch.pk, "branch": "CA-B2", "applied_on": "2022-01-10"},
                     content_type=JSON)
    assert created.status_code == 201 and created.json()["stage"] == "applied"
    twice = c.post(CYCLES, {"batch": t.batch.pk, "branch": "CA-B2", "applied_on": "2022-01-11"}, content_type=JSON)
    assert twice.status_code == 400 and "已申报" in twice.json()["detail"]


def test_batches_created_renamed_with_versions(login, rec):
    t = rec
    c = login(t.sec_a)
    created = c.post(BATCHES, {"organization": "CA", "name": "第二批", "year": 2024}, content_type=JSON)
    assert created.status_code == 201
    same = c.post(BATCHES, {"organization": "CA", "name": "第二批", "year": 2024}, content_type=JSON)
    assert same.status_code == 400 and "同名" in str(same.json())
    url = f"{BATCHES}{created.json()['id']}/"
    assert c.patch(url, {"name": "第二批（2024）", "version": 1}, content_type=JSON).status_code == 200
    assert c.patch(url, {"name": "旧", "version": 1}, content_type=JSON).status_code == 409
    assert c.delete(url).status_code == 405


@pytest.mark.parametrize("body, field, reason", [
    ({"year": TODAY.year + 1}, "detail", "晚于今年"),
    ({"kind": "advanced_individual"}, "detail", "请选择获奖个人"),
    ({"kind": "model_branch", "organization": "CA"}, "detail", "只能授予党支部"),
    ({"person": "$ZHANG"}, "detail", "不能授予个人"),
    ({"organization": None}, "organization", "集体荣誉请选择获奖组织"),
    ({"awarded_on": "2023-05-01"}, "detail", "不在荣誉年度"),
    ({"title": "先进集体"}, "detail", "已登记"),
])
def test_bad_honours_are_400_and_write_nothing(login, rec, body, field, reason):
    t = rec
    c = login(t.sec_a)
    data = {"kind": "advanced_collective", "level": "college", "title": "优秀支部", "year": 2024, "issuer": "院党委",
            "organization": "CA-B1"}
    data.update({k: t.zhang.pk if v == "$ZHANG" else v for k, v in body.items()})
    before = snapshot()
    response = c.post(HONORS, data, content_type=JSON)
    assert response.status_code == 400, response.content
    assert reason in str(response.json()[field])
    assert snapshot() == before


def test_individual_honour_and_role_model_follow_the_persons_membership(login, rec):
    t = rec
    c = login(t.sec_a)
    created = c.post(HONORS, {"kind": "excellent_member", "level": "college", "title": "优秀共产党员", "year": 2024,
                              "issuer": "院党委", "person": t.zhang.pk}, content_type=JSON)
    assert created.status_code == 201, created.json()
    assert (created.json()["organization_code"], created.json()["person_name"]) == ("CA-B1", "张嘉恒")
    edited = c.patch(f"{HONORS}{created.json()['id']}/", {"level": "university", "version": 1}, content_type=JSON)
    assert edited.status_code == 200 and edited.json()["level"] == "university"
    url = f"{ROLE_MODELS}{t.role_model.pk}/"
    future = c.patch(url, {"year": TODAY.year + 1, "version": 1}, content_type=JSON)
    assert future.status_code == 400 and "晚于今年" in future.json()["detail"]
    other = c.post(ROLE_MODELS, {"person": t.li.pk, "year": 2024, "title": "榜样", "deeds": "事迹",
                                 "honor": created.json()["id"]}, content_type=JSON)
    assert other.status_code == 400 and "获奖人不是该党员" in other.json()["detail"]
    updated = c.patch(url, {"deeds": "新的事迹", "version": 1}, content_type=JSON)
    assert updated.status_code == 200 and updated.json()["organization_code"] == "CA-B1"
    assert c.patch(url, {"deeds": "旧", "version": 1}, content_type=JSON).status_code == 409
    assert c.delete(url).status_code == 204 and not RoleModel.objects.filter(pk=t.role_model.pk).exists()


def test_a_dissolved_branch_gets_no_new_brand(login, rec):
    t = rec
    b3 = Organization.objects.create(code="CA-B3", name="甲学院第三党支部", kind="branch", parent=t.ca,
                                     established_on=date(2010, 1, 1))
    org_services.dissolve_organization(SYSTEM, b3, date(2024, 6, 1))
    c = login(t.sec_a)
    before = snapshot()
    response = c.post(BRANDS, {"level": "branch", "organization": "CA-B3", "name": "x", "started_on": "2024-07-01"},
                      content_type=JSON)
    assert response.status_code == 400 and "已于 2024-06-01 撤销" in response.json()["detail"]
    assert snapshot() == before


years = st.one_of(st.integers(1800, TODAY.year + 3), st.sampled_from(["2024", "x", None, 2 ** 40]))


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from([k.value for k in HonorKind] + ["x"]),
    "level": st.sampled_from([lv.value for lv in HonorLevel] + [""]),
    "title": st.text(max_size=6), "year": years, "issuer": st.text(max_size=4),
    "awarded_on": st.one_of(st.dates(date(2018, 1, 1), date(TODAY.year + 1, 12, 31)).map(date.isoformat),
                            st.sampled_from(["2024-02-30", ""]), st.none()),
    "organization": st.one_of(st.sampled_from(["CA", "CA-B1", "CA-B2", "CB-B1", "ROOT", "NOPE"]), st.none(),
                              st.integers(-1, 2 ** 64)),
    "person": st.one_of(st.sampled_from(["$ZHANG", "$WANG"]), st.none(), st.integers(-1, 2 ** 64))}))
def test_random_honours_write_one_whole_record_or_nothing(login, rec, body):
    t = rec
    body = {k: {"$ZHANG": t.zhang.pk, "$WANG": t.wang.pk}.get(v, v) if isinstance(v, str) else v
            for k, v in body.items()}
    c = login(t.sec_a)
    before = snapshot()
    response = c.post(HONORS, json.dumps(body), content_type=JSON)
    assert response.status_code in (201, 400), (body, response.content)
    if response.status_code == 201:
        honor = Honor.objects.get(pk=response.json()["id"])
        assert honor.year <= TODAY.year and honor.organization.path.startswith(t.ca.path)
        assert (honor.kind in {"advanced_collective", "model_branch", "advanced_organization", "other_collective"}) \
            == (honor.person_id is None)
        Honor.objects.filter(pk=honor.pk).delete()
    else:
        assert snapshot() == before
        assert "乙学院" not in response.content.decode() and "王芳" not in response.content.decode()


def test_schema_builds_without_warnings_and_lists_the_resources():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache, dict(GENERATOR_STATS._warn_cache)
    for path in (BRANDS, f"{BRANDS}{{id}}/approve/", f"{BRANDS}{{id}}/evaluate/", BATCHES, f"{CYCLES}{{id}}/accept/",
                 f"{CYCLES}{{id}}/midterm/", HONORS, ROLE_MODELS):
        assert path in schema["paths"], path
    names = schema["components"]["schemas"]
    assert names["HonorKindEnum"]["enum"] == [k.value for k in HonorKind]
    assert names["HonorLevelEnum"]["enum"] == [lv.value for lv in HonorLevel]
