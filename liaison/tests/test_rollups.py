"""The liaison coverage rates read from their roll-ups equal their builders after the writes they follow:
the leader coverage (a stock, rollups/stocks.py) after liaisons assigned, ended and deleted, a leader's
cadre level, transfers and status; the branch, dual-leader and visit coverage (rollups/computed.py) after
liaisons, seats, visits and changes to the branches themselves."""
from datetime import date

import pytest

from core.figures import NOT_APPLICABLE, Period, registry
from core.scoping import SYSTEM
from liaison import services as liaison
from members import services as members
from orgs import services as orgs
from rollups import computed, stocks

pytestmark = pytest.mark.django_db

YEAR = date.today().year - 1
RATE = registry.get("liaison.leader_coverage")
BRANCH_RATES = [registry.get(code) for code in ("liaison.branch_coverage", "liaison.dual_leader_coverage",
                                                "liaison.visit_coverage", "liaison.branches_visited")]


def check(t, orgs_=None):
    for org in orgs_ or (t.root, t.ca, t.cb, t.ca_b1, t.cb_b1):
        for year in (YEAR, YEAR + 1):
            period = Period.year(year)
            assert RATE.rollup.value(None, org, period, period.end) is not NOT_APPLICABLE
            assert RATE.value(None, org, period) == RATE.recount(None, org, period), (org.code, year)
    assert stocks.differences() == []


def test_leader_coverage_follows_liaisons_and_leaders(people):
    t = people
    for person in (t.zhang, t.wang):
        members.update_person(SYSTEM, person, {"cadre_level": "middle"})
    stocks.rebuild()
    period = Period.year(YEAR)
    assert RATE.value(None, t.root, period) == 0.0  # two leaders, neither liaises yet
    first = liaison.assign(SYSTEM, leader=t.zhang, branch=t.ca_b2, valid_from=date(YEAR, 3, 1))
    assert RATE.value(None, t.root, period) == 50.0 and RATE.value(None, t.ca, period) == 100.0
    check(t)
    liaison.assign(SYSTEM, leader=t.wang, branch=t.cb_b1, valid_from=date(YEAR, 12, 31))
    assert RATE.value(None, t.root, period) == 100.0
    liaison.end_liaison(SYSTEM, first, date(YEAR, 6, 1))
    assert RATE.value(None, t.ca, period) == 0.0
    check(t)
    # The leader leaves the leaders (cadre level), then moves with the membership to the other college.
    members.update_person(SYSTEM, t.wang, {"cadre_level": "none"})
    assert RATE.value(None, t.root, period) == 0.0
    members.transfer(SYSTEM, t.zhang, t.cb_b1, date(YEAR, 9, 1))
    check(t)
    liaison.delete_liaison(SYSTEM, first)
    members.change_status(SYSTEM, t.zhang, "left", date(YEAR, 10, 1))
    assert RATE.value(None, t.root, period) is None  # no leader left: no rate
    check(t)


def check_branch_rates(t, year=YEAR, moved=()):
    """Every branch rate equals its builder; the roll-up answers except for a branch moved after the year
    (rollups.read leaves an organisation moved since the as-of day to the builder)."""
    period = Period.year(year)
    for figure in BRANCH_RATES:
        for org in (t.root, t.ca, t.cb, t.ca_b1, t.ca_b2, t.cb_b1):
            org.refresh_from_db()
            answered = figure.rollup.value(None, org, period, period.end) is not NOT_APPLICABLE
            assert answered or org in moved, figure.code
            assert figure.value(None, org, period) == figure.recount(None, org, period), (figure.code, org.code)
    assert computed.differences() == []


def test_branch_rates_follow_liaisons_seats_visits_and_branches(people):
    t = people
    members.update_person(SYSTEM, t.zhang, {"cadre_level": "middle"})
    computed.rebuild()
    period = Period.year(YEAR)
    branch, dual, visits, visited = (f.value for f in BRANCH_RATES)
    assert branch(None, t.root, period) == 0.0 and visited(None, t.root, period) == 0
    liaison.assign(SYSTEM, leader=t.zhang, branch=t.ca_b2, valid_from=date(YEAR, 3, 1))
    assert branch(None, t.root, period) == round(100 / 3, 1) and branch(None, t.ca, period) == 50.0
    seat = members.appoint(SYSTEM, t.cb_b1, t.wang, "secretary", date(YEAR, 1, 1), is_dual_leader=True,
                           dual_leader_basis="senior_title")
    assert dual(None, t.root, period) == 50.0  # two teacher branches, one with a dual-leader secretary
    liaison.record_visit(SYSTEM, branch=t.ca_b1, visited_on=date(YEAR, 4, 2), leaders=[t.zhang])
    assert visited(None, t.root, period) == 1 and visits(None, t.ca, period) == 50.0
    check_branch_rates(t)
    members.end_seat(SYSTEM, seat, date(YEAR, 11, 1))
    assert dual(None, t.root, period) == 0.0
    # A branch turned into a student branch leaves the dual-leader population; one moved takes its flags along.
    orgs.update_organization(SYSTEM, t.ca_b1, {"composition": "student"})
    assert dual(None, t.ca, period) is None
    orgs.move_organization(SYSTEM, t.ca_b2, t.cb, on_date=date.today())
    check_branch_rates(t, moved=(t.ca_b2,))
    assert branch(None, t.cb, period, date.today()) == 50.0  # in today's tree the covered branch is under CB


def test_problems_closed_follows_the_task_a_problem_was_handed_to(people):
    from ledgers import services as ledgers

    t = people
    members.update_person(SYSTEM, t.zhang, {"cadre_level": "middle"})
    visit = liaison.record_visit(SYSTEM, branch=t.ca_b1, visited_on=date(YEAR, 4, 2), leaders=[t.zhang],
                                 problems=["活动场地不足", "学习资料陈旧"])
    first, second = visit.problems.order_by("pk")
    ledger = ledgers.create_ledger(SYSTEM, kind="task_list", name="整改清单", organization=t.root, year=YEAR)
    first = liaison.problem_to_task(SYSTEM, first, ledger=ledger, owner=t.ca_b1, deadline=date(YEAR, 6, 30),
                                    today=date(YEAR, 4, 3))
    liaison.resolve_problem(SYSTEM, second, resolution="已更新", resolved_on=date(YEAR, 4, 10),
                            today=date(YEAR, 4, 10))
    closed = registry.get("liaison.problems_closed")
    period = Period.year(YEAR)
    assert closed.value(None, t.root, period) == 1  # the handed-over one is open until its task is done
    task = first.task
    ledgers.submit_task(SYSTEM, task, "已整改", today=date(YEAR, 5, 1))
    ledgers.verify_task(SYSTEM, task, today=date(YEAR, 5, 2))
    assert closed.rollup.value(None, t.root, period, period.end) is not NOT_APPLICABLE
    assert closed.value(None, t.root, period) == 2 == closed.recount(None, t.root, period)
    ledgers.reopen_task(SYSTEM, task, "整改不到位", today=date(YEAR, 5, 3))
    assert closed.value(None, t.ca, period) == 1 == closed.recount(None, t.ca, period)


def test_on_a_page_a_day_before_the_year_end_counts_the_branch_rates_at_once(people):
    """The annual report of a year still running: on a page the branch, dual-leader and visit coverage are
    counted for the day from the records, each source once for all its figures (`on_day`), equal to every
    builder; off a page the roll-up leaves the day to the builder."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = people
    members.update_person(SYSTEM, t.zhang, {"cadre_level": "middle"})
    computed.rebuild()
    liaison.assign(SYSTEM, leader=t.zhang, branch=t.ca_b2, valid_from=date(YEAR, 3, 1))
    members.appoint(SYSTEM, t.cb_b1, t.wang, "secretary", date(YEAR, 1, 1), is_dual_leader=True,
                    dual_leader_basis="senior_title")
    liaison.record_visit(SYSTEM, branch=t.ca_b1, visited_on=date(YEAR, 4, 2), leaders=[t.zhang])
    period = Period.year(YEAR)
    for as_of in (date(YEAR, 2, 1), date(YEAR, 6, 30)):
        for org in (t.root, t.ca, t.cb, t.ca_b1):
            assert BRANCH_RATES[0].rollup.value(None, org, period, as_of) is NOT_APPLICABLE
            with CaptureQueriesContext(connection) as ctx, registry.page():
                values = {f.code: f.value(None, org, period, as_of) for f in BRANCH_RATES}
            assert values == {f.code: f.recount(None, org, period, as_of) for f in BRANCH_RATES}, (org.code, as_of)
            # One count per source: the coverage on the day, the visits in the year; no builder ran.
            assert sum('FROM "orgs_organization"' in q["sql"] and "COUNT(" in q["sql"]
                       for q in ctx.captured_queries) == 2, (org.code, as_of)
            assert not [q for q in ctx.captured_queries if '"covered"' in q["sql"]], (org.code, as_of)
    assert values["liaison.branch_coverage"] == 0.0 and values["liaison.branches_visited"] == 1
