"""The coverage rules against hand-built trees: who counts, who is a gap, and the link that closes it."""
from datetime import date

import pytest
from django.urls import reverse

from conftest import make_person
from core.figures import Period
from core.models import RuleVersion
from core.scoping import SYSTEM
from liaison import coverage, services
from members import services as member_services
from orgs import services as org_services

DAY = date(2026, 6, 30)
YEAR = Period.year(2026)


def rule(rules, code):
    return next(r for r in rules if r.code == code)


@pytest.fixture
def tree2(people):
    """CA-B1 (teacher), CA-B2 (student), CB-B1 (teacher), plus a branch dissolved in 2025 and one set up
    in 2027 (neither counts on DAY); leaders: a dean in CA, a vice-president at the root, a CB leader."""
    t = people
    t.gone = org_services.create_organization(SYSTEM, code="CA-B8", name="甲学院已撤销党支部", kind="branch",
                                              parent=t.ca, established_on=date(2020, 1, 1), composition="teacher")
    org_services.dissolve_organization(SYSTEM, t.gone, date(2025, 1, 1))
    t.dean = make_person(t.ca, "周院长", cadre_level="middle")
    t.vp = make_person(t.root, "吴校长", cadre_level="senior")
    t.cb_head = make_person(t.cb, "陈院长", cadre_level="middle")
    t.retired_leader = make_person(t.ca, "马主任", cadre_level="middle", status="activist")  # not a member
    return t


@pytest.mark.django_db
class TestCoverage:
    def test_branch_liaison(self, tree2):
        t = tree2
        services.assign(SYSTEM, leader=t.dean, branch=t.ca_b1, valid_from=date(2026, 1, 1))
        services.assign(SYSTEM, leader=t.vp, branch=t.cb_b1, valid_from=date(2026, 1, 1), valid_to=date(2026, 6, 30))
        r = rule(coverage.rules(SYSTEM, t.root, YEAR, DAY), "branch_liaison")
        # CB-B1's liaison ends on DAY (exclusive): on DAY only CA-B1 of the three live branches is covered.
        assert (r.covered, r.total, r.rate) == (1, 3, 33.3)
        assert [g.subject for g in r.gaps] == [t.ca_b2, t.cb_b1]
        assert r.gaps[0].fix_url == reverse("liaison:liaison_add") + f"?branch={t.ca_b2.pk}"
        r = rule(coverage.rules(SYSTEM, t.ca, YEAR, DAY), "branch_liaison")
        assert (r.covered, r.total) == (1, 2)

    def test_leader_liaison_exactly_one(self, tree2):
        t = tree2
        RuleVersion.objects.create(key="liaison.branches_per_leader", effective_from=date(2018, 1, 1), value=2)
        services.assign(SYSTEM, leader=t.dean, branch=t.ca_b1, valid_from=date(2026, 1, 1))
        services.assign(SYSTEM, leader=t.vp, branch=t.ca_b2, valid_from=date(2026, 1, 1))
        services.assign(SYSTEM, leader=t.vp, branch=t.cb_b1, valid_from=date(2026, 1, 1))
        r = rule(coverage.rules(SYSTEM, t.root, YEAR, DAY), "leader_liaison")
        # Leaders who are members: dean, vp, cb_head (the non-member is not counted). vp has two branches.
        assert (r.covered, r.total) == (1, 3)
        gaps = {g.subject: g for g in r.gaps}
        assert set(gaps) == {t.vp, t.cb_head}
        assert gaps[t.cb_head].fix_url.endswith(f"?leader={t.cb_head.pk}")
        assert "2 个党支部" in gaps[t.vp].problem
        assert rule(coverage.rules(SYSTEM, t.cb, YEAR, DAY), "leader_liaison").total == 1

    def test_dual_leader(self, tree2):
        t = tree2
        seat = member_services.appoint(SYSTEM, t.ca_b1, t.zhang, "secretary", date(2025, 1, 1))
        member_services.appoint(SYSTEM, t.cb_b1, t.cb_head, "secretary", date(2025, 1, 1), is_dual_leader=True,
                                dual_leader_basis="academic_leader")
        r = rule(coverage.rules(SYSTEM, t.root, YEAR, DAY), "dual_leader")
        assert (r.covered, r.total) == (1, 2)  # the student branch and the dissolved branch are not counted
        assert r.gaps[0].subject == t.ca_b1 and r.gaps[0].fix_url == reverse("liaison:dual_leader", args=[seat.pk])
        member_services.set_dual_leader(SYSTEM, seat, True, "senior_title", "教授")
        r = rule(coverage.rules(SYSTEM, t.root, YEAR, DAY), "dual_leader")
        assert (r.covered, r.total, r.rate, r.gaps) == (2, 2, 100.0, [])

    def test_branch_without_secretary_is_a_gap_to_the_committee_tab(self, tree2):
        r = rule(coverage.rules(SYSTEM, tree2.ca, YEAR, DAY), "dual_leader")
        assert r.gaps[0].fix_url.endswith("?tab=committee")

    def test_visits_in_the_period(self, tree2):
        t = tree2
        services.record_visit(SYSTEM, branch=t.ca_b1, visited_on=date(2026, 3, 1), leaders=[t.dean],
                              today=date(2026, 11, 1))
        services.record_visit(SYSTEM, branch=t.ca_b2, visited_on=date(2025, 3, 1), leaders=[t.dean],
                              today=date(2026, 11, 1))
        services.record_visit(SYSTEM, branch=t.gone, visited_on=date(2024, 3, 1), leaders=[t.dean],
                              today=date(2026, 11, 1))
        r = rule(coverage.rules(SYSTEM, t.root, YEAR, DAY), "visits")
        assert (r.covered, r.total) == (1, 3)
        r = rule(coverage.rules(SYSTEM, t.root, Period.year(2024), date(2024, 12, 31)), "visits")
        assert (r.covered, r.total) == (1, 4)  # the branch dissolved in 2025 existed in 2024 and was visited

    def test_rules_can_be_switched_off(self, tree2):
        RuleVersion.objects.create(key="liaison.dual_leader_required", effective_from=date(2026, 1, 1), value=0,
                                   scope_path=tree2.cb.path)
        assert rule(coverage.rules(SYSTEM, tree2.cb, YEAR, DAY), "dual_leader").enabled is False
        assert rule(coverage.rules(SYSTEM, tree2.ca, YEAR, DAY), "dual_leader").enabled is True

    def test_scope_of_the_viewer(self, tree2, users):
        r = rule(coverage.rules(users.sec_b, tree2.root, YEAR, DAY), "branch_liaison")
        assert [g.subject for g in r.gaps] == [tree2.cb_b1]

    def test_a_moved_branch_counts_where_it_was(self, tree2):
        t = tree2
        org_services.move_organization(SYSTEM, t.ca_b2, t.cb, on_date=date(2026, 9, 1))
        assert rule(coverage.rules(SYSTEM, t.ca, YEAR, DAY), "branch_liaison").total == 2
        assert rule(coverage.rules(SYSTEM, t.ca, YEAR, date(2026, 10, 1)), "branch_liaison").total == 1
