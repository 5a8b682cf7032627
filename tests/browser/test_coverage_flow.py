"""The coverage page in a real browser: college A's secretary sees a branch without a liaison leader and a
teacher-branch secretary who is not yet a dual leader, follows each gap's link, closes it, comes back to
the coverage page and sees both rules reach 100 %."""
from datetime import date

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, make_person
from core.scoping import SYSTEM
from liaison import services
from liaison.models import Liaison
from members import services as member_services
from members.models import CommitteeSeat

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def college(users):
    t = users
    t.dean = make_person(t.ca, "周院长", cadre_level="middle")
    t.deputy = make_person(t.ca, "孙副院长", cadre_level="middle")
    services.assign(SYSTEM, leader=t.dean, branch=t.ca_b1, valid_from=date(2025, 1, 1))
    t.seat = member_services.appoint(SYSTEM, t.ca_b1, t.zhang, "secretary", date(2025, 1, 1))
    return t


def rate(page, rule):
    return page.locator(f'[data-rule="{rule}"]').get_attribute("data-rate")


def test_follow_the_gaps_and_reach_full_coverage(page, college, shot):
    t = college
    log_in(page, "sec_a", PASSWORD)
    page.goto(page.base + f"/liaison/coverage/?org={t.ca.pk}")
    block = page.locator('[data-rule="branch_liaison"]')
    expect(block).to_contain_text("甲学院学生党支部")
    assert rate(page, "branch_liaison") == "50.0"
    assert rate(page, "dual_leader") == "0.0"
    shot(page, "gaps")

    # The student branch has no liaison leader: its link opens the form with the branch chosen.
    block.locator("a.gap-fix").first.click()
    expect(page.locator("#id_branch")).to_have_value(str(t.ca_b2.pk))
    page.select_option("#id_leader", str(t.deputy.pk))
    page.fill("#id_valid_from", "2025-03-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator('[data-rule="branch_liaison"]')).to_be_visible()
    assert rate(page, "branch_liaison") == "100.0"
    assert Liaison.objects.filter(leader=t.deputy, branch=t.ca_b2).exists()

    # The teacher branch's secretary is not yet a dual leader: mark them, with the basis.
    page.locator('[data-rule="dual_leader"] a.gap-fix').first.click()
    page.check("#id_is_dual_leader")
    page.select_option("#id_basis", "senior_title")
    page.fill("#id_note", "教授、博士生导师")
    page.get_by_role("button", name="保存").click()
    expect(page.locator('[data-rule="dual_leader"]')).to_be_visible()
    assert rate(page, "dual_leader") == "100.0"
    expect(page.locator('[data-rule="dual_leader"] a.gap-fix')).to_have_count(0)
    shot(page, "covered")
    seat = CommitteeSeat.objects.get(pk=t.seat.pk)
    assert (seat.is_dual_leader, seat.dual_leader_basis, seat.dual_leader_note) == (
        True, "senior_title", "教授、博士生导师")
