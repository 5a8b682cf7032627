"""The liaison figures against hand counts on a hand-built year (2019), records written through the services:
coverage of branches, leaders and dual leaders on a day, visits and problems in a period; a branch dissolved
mid-year, a branch moved to the other college afterwards (counted where it was for the old period), a
user's restricted scope; the figures in the annual report and their drill-down pages."""
import re
from datetime import date

import pytest

from conftest import make_person
from core.figures import Period, registry
from core.scoping import SYSTEM
from ledgers import services as ledger_services
from liaison import services
from members.services import appoint
from orgs import services as org_services
from orgs.models import Organization
from reports import annual

pytestmark = pytest.mark.django_db

Y2018, Y2019 = Period.year(2018), Period.year(2019)
TODAY = date.today()


def value(code, org, user=None, period=Y2019, as_of=None):
    return registry.get(code).value(user, org, period, as_of)


def records(code, org, user=None, period=Y2019, as_of=None):
    return list(registry.get(code).records(user, org, period, as_of))


@pytest.fixture
def year(users):
    """2019. Branches: CA-B1 (teacher), CA-B2 (student), CA-B3 (teacher, dissolved 2019-07-01), CB-B1 (teacher).
    Leaders: 周院长 (CA, middle) liaises with CA-B1 since 2018; 吴校长 (ROOT, senior) with CA-B2 since 2019-01-01;
    孙院长 (CB, middle) with none. Secretaries: 张嘉恒 of CA-B1 a dual leader, 王芳 of CB-B1 not.
    Visits: CA-B1 on 04-01 (problems: resolved; tasked, task done) and 10-01; CA-B3 on 05-01 (a problem tasked,
    task not done); CA-B2 on 2018-11-01. After the year, on 2020-03-01, CA-B2 moves to college B."""
    t = users
    t.ca_b3 = Organization.objects.create(code="CA-B3", name="甲学院教工第三党支部", kind="branch", parent=t.ca,
                                          composition="teacher", established_on=date(2010, 1, 1))
    t.dean = make_person(t.ca, "周院长", cadre_level="middle", joined_on=date(2015, 1, 1))
    t.vp = make_person(t.root, "吴校长", cadre_level="senior", joined_on=date(2015, 1, 1))
    t.dean_b = make_person(t.cb, "孙院长", cadre_level="middle", joined_on=date(2015, 1, 1))
    services.assign(SYSTEM, leader=t.dean, branch=t.ca_b1, valid_from=date(2018, 1, 1))
    services.assign(SYSTEM, leader=t.vp, branch=t.ca_b2, valid_from=date(2019, 1, 1))
    appoint(SYSTEM, t.ca_b1, t.zhang, "secretary", date(2018, 1, 1), is_dual_leader=True,
            dual_leader_basis="academic_leader")
    appoint(SYSTEM, t.cb_b1, t.wang, "secretary", date(2018, 1, 1))
    visit = services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=date(2019, 4, 1), leaders=[t.dean],
                                  problems=["学习记录不全", "组织生活不规范"])
    services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=date(2019, 10, 1), leaders=[t.dean, t.vp])
    t.b3_visit = services.record_visit(SYSTEM, branch=t.ca_b3, visited_on=date(2019, 5, 1), leaders=[t.vp],
                                       problems=["支部活动少"])
    services.record_visit(SYSTEM, branch=t.ca_b2, visited_on=date(2018, 11, 1), leaders=[t.vp],
                          problems=["2018 年的问题"])
    first, second = visit.problems.order_by("pk")
    services.resolve_problem(SYSTEM, first, resolution="已补齐", resolved_on=date(2019, 5, 1))
    ledger = ledger_services.create_ledger(SYSTEM, kind="task_list", name="整改台账", organization=t.ca, year=2019)
    task = services.problem_to_task(SYSTEM, second, ledger=ledger, owner=t.ca_b1, deadline=date(2019, 12, 1),
                                    today=date(2019, 4, 2)).task
    ledger_services.submit_task(SYSTEM, task, "已规范", today=date(2019, 6, 1))
    ledger_services.verify_task(SYSTEM, task, today=date(2019, 6, 2))
    services.problem_to_task(SYSTEM, t.b3_visit.problems.get(), ledger=ledger, owner=t.ca_b1,
                             deadline=date(2019, 12, 1), today=date(2019, 5, 2))
    org_services.dissolve_organization(SYSTEM, t.ca_b3, date(2019, 7, 1))
    org_services.move_organization(SYSTEM, t.ca_b2, t.cb, on_date=date(2020, 3, 1))
    for o in (t.ca_b1, t.ca_b2, t.ca_b3, t.cb_b1):
        o.refresh_from_db()
    return t


def test_branch_liaison_coverage_on_the_day(year):
    t = year
    # On 2019-12-31: CA-B1, CA-B2 (still in A), CB-B1; CA-B3 dissolved. Covered: CA-B1, CA-B2.
    assert value("liaison.branch_coverage", t.root) == 66.7
    assert value("liaison.branch_coverage", t.ca) == 100.0
    assert value("liaison.branch_coverage", t.cb) == 0.0
    # Gaps first in the drill-down.
    assert [b.code for b in records("liaison.branch_coverage", t.root)] == ["CB-B1", "CA-B1", "CA-B2"]
    # In 2018 吴校长 had no branch yet; on 2018-06-30 CA-B3 still existed (uncovered): 1 of 3 in A.
    assert value("liaison.branch_coverage", t.ca, period=Y2018, as_of=date(2018, 6, 30)) == 33.3
    # Today CA-B2 is in college B.
    assert value("liaison.branch_coverage", t.cb, as_of=TODAY) == 50.0


def test_leader_coverage_counts_members_with_exactly_one_branch(year):
    t = year
    assert value("liaison.leader_coverage", t.root) == 66.7  # 周院长, 吴校长 of three
    assert value("liaison.leader_coverage", t.ca) == 100.0
    assert value("liaison.leader_coverage", t.cb) == 0.0
    assert [m.person.name for m in records("liaison.leader_coverage", t.root)][0] == "孙院长"
    # The ordinary members (张嘉恒, 李明, 王芳) are not leaders: not in the population.
    assert len(records("liaison.leader_coverage", t.root)) == 3
    # Before any liaison of 吴校长: 周院长 only.
    assert value("liaison.leader_coverage", t.root, period=Y2018) == 33.3


def test_dual_leader_coverage_of_teacher_branches(year):
    t = year
    assert value("liaison.dual_leader_coverage", t.root) == 50.0  # CA-B1 yes, CB-B1 no; CA-B3 dissolved
    assert value("liaison.dual_leader_coverage", t.ca) == 100.0
    # Mid-2018 CA-B3 existed without a secretary: a gap.
    assert value("liaison.dual_leader_coverage", t.ca, period=Y2018, as_of=date(2018, 6, 30)) == 50.0
    assert [b.code for b in records("liaison.dual_leader_coverage", t.root)] == ["CB-B1", "CA-B1"]


def test_visits_branches_visited_and_visit_coverage(year):
    t = year
    # 2019: CA-B1 twice, CA-B3 once (before its dissolution); CA-B2 and CB-B1 not visited.
    assert value("liaison.visits", t.root) == 3
    assert value("liaison.branches_visited", t.root) == 2
    assert {b.code for b in records("liaison.branches_visited", t.root)} == {"CA-B1", "CA-B3"}
    assert value("liaison.visit_coverage", t.root) == 50.0  # of CA-B1, CA-B2, CA-B3, CB-B1
    assert value("liaison.visit_coverage", t.ca) == 66.7
    assert value("liaison.visit_coverage", t.cb) == 0.0


def test_a_moved_branch_counts_where_it_was_for_the_old_period(year):
    t = year
    # CA-B2's 2018 visit: college A's as of the end of 2018, college B's as of today.
    assert value("liaison.visits", t.ca, period=Y2018) == 1
    assert value("liaison.branches_visited", t.ca, period=Y2018) == 1
    assert value("liaison.visits", t.cb, period=Y2018) == 0
    assert value("liaison.visits", t.ca, period=Y2018, as_of=TODAY) == 0
    assert value("liaison.branches_visited", t.cb, period=Y2018, as_of=TODAY) == 1


def test_problems_found_and_closed(year):
    t = year
    # 2019: three problems; closed: one resolved, one whose task is done (the CA-B3 task is still open).
    assert value("liaison.problems", t.root) == 3
    assert value("liaison.problems_closed", t.root) == 2
    assert {p.description for p in records("liaison.problems_closed", t.root)} == {"学习记录不全", "组织生活不规范"}
    assert value("liaison.problems", t.root, period=Y2018) == 1
    assert value("liaison.problems_closed", t.root, period=Y2018) == 0


def test_a_users_scope_limits_every_figure(year):
    t = year
    # 乙学院's secretary, as of 2019-12-31, from the root: only CB-B1 (CA-B2 was in college A then).
    assert value("liaison.visits", t.root, t.sec_b) == 0
    assert value("liaison.branches_visited", t.root, t.sec_b) == 0
    assert value("liaison.problems", t.root, t.sec_b) == 0
    assert value("liaison.dual_leader_coverage", t.root, t.sec_b) == 0.0
    assert value("liaison.leader_coverage", t.root, t.sec_b) == 0.0  # 孙院长 only
    assert value("liaison.visits", t.root, t.sec_a) == 3


def test_figures_are_in_the_annual_report(year):
    t = year
    report = annual.build(t.org_admin, t.root, 2019)
    section = next(s for s in report.sections if s.code == "grassroots")
    shown = {i.code: i.value for i in section.items}
    assert shown["liaison.branches_visited"] == 2
    assert shown["liaison.leader_coverage"] == 66.7
    assert shown["liaison.dual_leader_coverage"] == 50.0
    assert shown["liaison.visits"] == 3 and shown["liaison.problems_closed"] == 2


@pytest.mark.parametrize("code, count, shown", [
    ("liaison.branches_visited", 2, "2"),
    ("liaison.visits", 3, "3"),
    ("liaison.branch_coverage", 3, "66.7"),
    ("liaison.leader_coverage", 3, "66.7"),
    ("liaison.problems", 3, "3"),
])
def test_drill_down_pages_list_the_counted_records(login, year, code, count, shown):
    t = year
    c = login(t.org_admin)
    page = c.get(f"/figures/{code}/", {"org": t.root.pk, "year": 2019})
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(rf'id="figure-value">{re.escape(shown)}<', html)
    assert f"共 {count} 条" in html
    # College B's secretary cannot open college A's drill-down.
    assert login(t.sec_b).get(f"/figures/{code}/", {"org": t.ca.pk, "year": 2019}).status_code == 404
