"""A branch secretary records a member assembly in a real browser: attendance (one member on leave with a
reason) and a first-topic agenda item. The meeting then shows on the branch's 组织生活 tab, satisfies the
quarter's member-assembly rule in the compliance calendar, and counts in the college's first-topic figure
(through the registry, and on the figures page with its drill-down)."""
from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from conftest import PASSWORD, make_person, make_user
from core.figures import Period, registry
from meetings.models import Meeting
from members.services import appoint

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def branch_secretary(users):
    from core.scoping import SYSTEM

    t = users
    t.liu = make_person(t.ca_b1, "刘洋", joined_on=date(2020, 1, 1))
    t.zhou = make_person(t.ca_b1, "周强", joined_on=date(2020, 1, 1))
    appoint(SYSTEM, t.ca_b1, t.zhang, "secretary", date(2020, 1, 1))
    t.secretary = make_user("sec_b1", Role.SECRETARY, t.ca_b1)
    return t


def test_branch_secretary_records_a_member_assembly(page, branch_secretary, shot):
    t = branch_secretary
    today = date.today()
    log_in(page, "sec_b1", PASSWORD)

    # From the branch's 组织生活 tab to the form, with the branch already chosen.
    page.goto(page.base + f"/orgs/{t.ca_b1.pk}/?tab=meetings")
    page.locator("#add-meeting").click()
    expect(page.locator("#id_organization")).to_have_value(str(t.ca_b1.pk))
    # Choosing the kind reloads the attendance grid (htmx) with the branch's members on the date.
    page.select_option("#id_kind", "member_assembly")
    grid = page.locator("#attendance-grid-table")
    expect(grid).to_contain_text("刘洋")
    expect(grid).to_contain_text("周强")
    expect(grid).to_contain_text("张嘉恒")
    expect(page.locator("#id_kind option[value=committee_meeting]")).to_have_count(0)

    page.fill("#id_title", "第四季度党员大会")
    page.fill("#id_place", "支部活动室")
    page.select_option("#id_host", str(t.zhang.pk))
    page.fill("#id_minutes", "传达学习习近平总书记重要讲话精神，讨论支部年度工作。")
    page.fill("#id_resolutions", "通过支部年度工作总结。")
    page.fill("#id_agenda-0-title", "学习习近平总书记重要讲话")
    page.check("#id_agenda-0-is_first_topic")
    page.fill("#id_agenda-0-material_title", "重要讲话原文")
    page.fill("#id_agenda-1-title", "讨论支部年度工作")
    page.locator("#mark-all-present").click()
    page.check(f"#att-{t.liu.pk}-leave")
    page.fill(f"#reason-{t.liu.pk}", "外出讲学")
    shot(page, "form")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("h1")).to_contain_text("第四季度党员大会")
    expect(page.locator("#first-topic-badge")).to_be_visible()
    meeting = Meeting.objects.get(title="第四季度党员大会")
    assert meeting.held_on == today and meeting.has_first_topic
    assert dict(meeting.attendance.values_list("person__name", "status")) == {
        "张嘉恒": "present", "周强": "present", "刘洋": "leave"}
    assert meeting.attendance.get(person=t.liu).reason == "外出讲学"
    page.locator("#tab-attendance").click()
    # Three full members vote; two present: more than half.
    expect(page.locator("#quorum")).to_contain_text("应到 3 名有表决权党员，实到 2 名，须过半数（≥ 2）：已达到")
    expect(page.locator("#attendance")).to_contain_text("外出讲学")
    shot(page, "attendance")

    # The print view of the minutes.
    page.goto(page.base + f"/meetings/{meeting.pk}/print/")
    expect(page.locator("#print-minutes")).to_contain_text("传达学习习近平总书记重要讲话精神")
    expect(page.locator("body")).to_contain_text("刘洋（外出讲学）")
    shot(page, "print")

    # The branch's 组织生活 tab lists it and counts it.
    page.goto(page.base + f"/orgs/{t.ca_b1.pk}/?tab=meetings")
    expect(page.locator("#org-meetings")).to_contain_text("第四季度党员大会")
    expect(page.locator("#meeting-counts [data-kind=member_assembly]")).to_contain_text("1")
    shot(page, "organisation-tab")

    # The compliance calendar: the quarter's member assembly is satisfied.
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    page.goto(page.base + f"/meetings/compliance/?org={t.ca_b1.pk}&year={today.year}")
    cell = page.locator(f"#compliance-calendar tr[data-kind=member_assembly] td[data-period='{quarter_start:%Y-%m}']")
    expect(cell).to_have_attribute("data-state", "satisfied")
    shot(page, "compliance")

    # The college's first-topic figure counts it, for the secretary's scope and unrestricted.
    figure = registry.get("meetings.first_topic.branches")
    year = Period.year(today.year)
    assert figure.value(None, t.ca, year) == 1
    assert figure.value(t.secretary, t.ca_b1, year) == 1
    assert list(figure.records(None, t.ca, year)) == [meeting]
    # The same figure on the figures page, for the college's secretary, with its drill-down.
    page.context.clear_cookies()
    log_in(page, "sec_a", PASSWORD)
    page.goto(page.base + f"/figures/?org={t.ca.pk}&year={today.year}")
    value = page.locator("tr[data-code='meetings.first_topic.branches'] .figure-value")
    expect(value).to_have_text("1")
    shot(page, "figures")
    value.get_by_role("link").click()
    expect(page.locator("#figure-value")).to_have_text("1")
    expect(page.locator("#results")).to_contain_text("第四季度党员大会")
