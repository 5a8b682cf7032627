"""The recognition figures against hand counts on hand-built years (2018-2021), records written through the
services: brands and features approved, evaluated and being built as of a date; model branches named and
cycles under way; honours by kind and level; role models; a branch dissolved after its feature was approved,
a branch moved to the other college afterwards (counted where it was for the old period), a user's
restricted scope; the figures in the annual report and their drill-down pages."""
import re
from datetime import date

import pytest

from core.figures import Period, registry
from core.scoping import SYSTEM
from orgs import services as org_services
from orgs.models import Organization
from recognition import services
from recognition.choices import BrandAction, HonorKind, HonorLevel, ModelBranchAction
from reports import annual

pytestmark = pytest.mark.django_db

Y = {y: Period.year(y) for y in range(2018, 2022)}
TODAY = date.today()


def value(code, org, user=None, period=Y[2019], as_of=None):
    return registry.get(code).value(user, org, period, as_of)


def records(code, org, user=None, period=Y[2019], as_of=None):
    return list(registry.get(code).records(user, org, period, as_of))


def brand(level, org, name, started, *steps):
    """A project proposed, then each (action, day[, evaluation]) applied by the level above."""
    project = services.propose_brand(SYSTEM, level=level, organization=org, name=name, started_on=started)
    for action, day, *rest in steps:
        project = services.act_on_brand(SYSTEM, project, action, on_date=day, evaluation=rest[0] if rest else "",
                                        today=TODAY)
    return project


def cycle(batch, branch, approved, *steps):
    c = services.apply_model_branch(SYSTEM, batch=batch, branch=branch, applied_on=approved.replace(day=1),
                                    today=TODAY)
    c = services.act_on_model_branch(SYSTEM, c, ModelBranchAction.APPROVE, passed=True, on_date=approved, today=TODAY)
    for action, passed, day in steps:
        c = services.act_on_model_branch(SYSTEM, c, action, passed=passed, on_date=day, today=TODAY)
    return c


@pytest.fixture
def years(users):
    """Brands: college A's approved 2019-03-01, built, evaluated 2020-06-01; college B's approved 2019-05-01;
    college A's approved 2018-06-01, evaluated 2019-10-01; college A's rejected 2019-04-01. Features: CA-B1's and
    CA-B2's approved 2019, CA-B3's approved 2019-02-01 (CA-B3 dissolved 2019-11-01), CB-B1's only proposed.
    Model branches (batch of the university, 2019): CA-B1 approved 2019-02-01, accepted 2021-01-20; CB-B1
    approved 2019-02-01, failed at mid-term 2020-03-01; CA-B2 approved 2017-02-01, accepted 2018-12-01.
    Honours: 2019 advanced collective (CA, university), advanced individual (张嘉恒, provincial), model branch
    (CB-B1, university, recorded by hand); 2018 excellent member (王芳, national); plus the acceptances'.
    Role models: 张嘉恒 2019, 王芳 2019, 李明 2018. On 2020-03-01 CA-B2 moves to college B."""
    t = users
    t.ca_b3 = Organization.objects.create(code="CA-B3", name="甲学院教工第三党支部", kind="branch", parent=t.ca,
                                          composition="teacher", established_on=date(2010, 1, 1))
    A, S, E, R = BrandAction.APPROVE, BrandAction.START, BrandAction.EVALUATE, BrandAction.REJECT
    brand("college", t.ca, "红色引擎", date(2019, 1, 1), (A, date(2019, 3, 1)), (S, date(2019, 4, 1)),
          (E, date(2020, 6, 1), "excellent"))
    brand("college", t.cb, "乙学院品牌", date(2019, 1, 1), (A, date(2019, 5, 1)))
    brand("college", t.ca, "旧品牌", date(2018, 1, 1), (A, date(2018, 6, 1)), (S, date(2018, 7, 1)),
          (E, date(2019, 10, 1), "good"))
    brand("college", t.ca, "未立项品牌", date(2019, 1, 1), (R, date(2019, 4, 1)))
    brand("branch", t.ca_b1, "支部+课堂", date(2019, 1, 1), (A, date(2019, 2, 1)))
    brand("branch", t.ca_b2, "学生支部特色", date(2019, 1, 1), (A, date(2019, 3, 1)))
    brand("branch", t.ca_b3, "第三支部特色", date(2019, 1, 1), (A, date(2019, 2, 1)))
    brand("branch", t.cb_b1, "申报中特色", date(2019, 1, 1))

    batch = services.create_batch(SYSTEM, organization=t.root, name="第一批", year=2019)
    M, C = ModelBranchAction.MIDTERM, ModelBranchAction.ACCEPT
    cycle(batch, t.ca_b1, date(2019, 2, 1), (M, True, date(2020, 2, 10)), (C, True, date(2021, 1, 20)))
    cycle(batch, t.cb_b1, date(2019, 2, 1), (M, False, date(2020, 3, 1)))
    old = services.create_batch(SYSTEM, organization=t.root, name="试点批次", year=2017)
    cycle(old, t.ca_b2, date(2017, 2, 1), (M, True, date(2018, 2, 1)), (C, True, date(2018, 12, 1)))

    honor = dict(issuer="校党委", today=TODAY)
    services.record_honor(SYSTEM, kind=HonorKind.ADVANCED_COLLECTIVE, level=HonorLevel.UNIVERSITY, title="先进集体",
                          year=2019, organization=t.ca, **honor)
    services.record_honor(SYSTEM, kind=HonorKind.ADVANCED_INDIVIDUAL, level=HonorLevel.PROVINCIAL, title="先进个人",
                          year=2019, person=t.zhang, organization=t.ca_b1, **honor)
    services.record_honor(SYSTEM, kind=HonorKind.MODEL_BRANCH, level=HonorLevel.UNIVERSITY, title="样板支部",
                          year=2019, organization=t.cb_b1, **honor)
    services.record_honor(SYSTEM, kind=HonorKind.EXCELLENT_MEMBER, level=HonorLevel.NATIONAL, title="优秀共产党员",
                          year=2018, person=t.wang, organization=t.cb_b1, **honor)
    for person, y in ((t.zhang, 2019), (t.wang, 2019), (t.li, 2018)):
        services.save_role_model(SYSTEM, person=person, year=y, title="身边的榜样", deeds="事迹", today=TODAY)

    org_services.dissolve_organization(SYSTEM, t.ca_b3, date(2019, 11, 1))
    org_services.move_organization(SYSTEM, t.ca_b2, t.cb, on_date=date(2020, 3, 1))
    return t


def test_brands_and_features_approved_in_the_period(years):
    t = years
    assert (value("recognition.brands", t.root), value("recognition.brands", t.ca),
            value("recognition.brands", t.cb)) == (2, 1, 1)
    assert {p.name for p in records("recognition.brands", t.root)} == {"红色引擎", "乙学院品牌"}
    # CA-B3's feature counts although the branch was dissolved later that year.
    assert (value("recognition.features", t.root), value("recognition.features", t.ca)) == (3, 3)
    assert value("recognition.brands", t.root, period=Y[2018]) == 1
    # Approved on 03-01: not yet as of the end of February.
    assert value("recognition.brands", t.root, as_of=date(2019, 2, 28)) == 0


def test_a_moved_branch_counts_where_it_was_for_the_old_period(years):
    t = years
    assert value("recognition.features", t.cb) == 0
    assert value("recognition.features", t.cb, as_of=TODAY) == 1
    assert value("recognition.features", t.ca, as_of=TODAY) == 2
    # CA-B2's 2018 model-branch title likewise.
    assert (value("recognition.model_branches", t.ca, period=Y[2018]),
            value("recognition.model_branches", t.cb, period=Y[2018])) == (1, 0)
    assert value("recognition.model_branches", t.cb, period=Y[2018], as_of=TODAY) == 1


def test_brands_evaluated_and_being_built_as_of_the_date(years):
    t = years
    assert value("recognition.brands.evaluated", t.root) == 1  # 旧品牌, 2019-10-01
    assert value("recognition.brands.evaluated", t.root, period=Y[2020]) == 1  # 红色引擎
    # End of 2019: 红色引擎, 乙学院品牌 and the three features; 旧品牌 was evaluated in October.
    assert value("recognition.brands.building", t.root) == 5
    assert value("recognition.brands.building", t.root, as_of=date(2019, 9, 30)) == 6
    assert value("recognition.brands.building", t.root, period=Y[2018]) == 1
    assert value("recognition.brands.building", t.root, period=Y[2021]) == 4  # 红色引擎 evaluated in 2020


def test_model_branches_named_and_cycles_under_way(years):
    t = years
    # Named: the hand-recorded 2019 title of CB-B1; CA-B2's acceptance in 2018; CA-B1's in 2021.
    assert [value("recognition.model_branches", t.root, period=Y[y]) for y in range(2018, 2022)] == [1, 1, 0, 1]
    # Under way: 2018 CA-B2 (accepted 12-01); 2019 and 2020 CA-B1 and CB-B1 (failed 2020-03-01); 2021 CA-B1.
    assert [value("recognition.model_branch_cycles", t.root, period=Y[y]) for y in range(2018, 2022)] == [1, 2, 2, 1]
    assert value("recognition.model_branch_cycles", t.ca) == 1


def test_honours_by_kind_and_level(years):
    t = years
    assert value("recognition.honors", t.root) == 3
    assert (value("recognition.honors", t.ca), value("recognition.honors", t.cb)) == (2, 1)
    assert value("recognition.honors", t.root, period=Y[2018]) == 2  # 王芳 and CA-B2's model-branch title
    by_kind = {k: value(f"recognition.honors.kind.{k.value}", t.root) for k in HonorKind}
    assert by_kind == {k: 1 if k in (HonorKind.ADVANCED_COLLECTIVE, HonorKind.ADVANCED_INDIVIDUAL,
                                     HonorKind.MODEL_BRANCH) else 0 for k in HonorKind}
    by_level = {lv: value(f"recognition.honors.level.{lv.value}", t.root) for lv in HonorLevel}
    assert by_level == {lv: {HonorLevel.UNIVERSITY: 2, HonorLevel.PROVINCIAL: 1}.get(lv, 0) for lv in HonorLevel}


def test_role_models(years):
    t = years
    assert value("recognition.role_models", t.root) == 2
    assert [r.person.name for r in records("recognition.role_models", t.ca)] == ["张嘉恒"]
    assert value("recognition.role_models", t.root, period=Y[2018]) == 1


def test_a_users_scope_limits_every_figure(years):
    t = years
    assert value("recognition.brands", t.root, t.sec_b) == 1
    assert value("recognition.honors", t.root, t.sec_b) == 1
    assert value("recognition.role_models", t.root, t.sec_b) == 1
    assert value("recognition.model_branch_cycles", t.root, t.sec_b) == 1
    assert value("recognition.features", t.cb, t.sec_b) == 0
    assert value("recognition.brands", t.root, t.sec_a) == 1


def test_figures_are_in_the_annual_report(years):
    t = years
    report = annual.build(t.org_admin, t.root, 2019)
    section = next(s for s in report.sections if s.code == "grassroots")
    shown = {i.code: i.value for i in section.items}
    assert (shown["recognition.brands"], shown["recognition.features"], shown["recognition.model_branches"]) == \
        (2, 3, 1)
    assert shown["recognition.honors.level.university"] == 2


@pytest.mark.parametrize("code, count", [("recognition.brands", 2), ("recognition.features", 3),
                                         ("recognition.honors", 3), ("recognition.model_branch_cycles", 2),
                                         ("recognition.role_models", 2)])
def test_drill_down_pages_list_the_counted_records(login, years, code, count):
    t = years
    c = login(t.org_admin)
    page = c.get(f"/figures/{code}/", {"org": t.root.pk, "year": 2019})
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(rf'id="figure-value">{count}<', html)
    assert f"共 {count} 条" in html
    assert login(t.sec_b).get(f"/figures/{code}/", {"org": t.ca.pk, "year": 2019}).status_code == 404
