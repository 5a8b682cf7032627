"""前置把关 in a real browser: college A's secretary records the committee's pre-review of a major matter,
then the joint meeting's decision; deciding another major matter that was never pre-reviewed is refused
with what is missing, and the database is unchanged."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from core.scoping import SYSTEM
from decisions import services
from decisions.models import Decision, Matter, PreReview
from meetings.services import create_meeting

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def college(users):
    t = users
    today = date.today()
    meet = lambda kind, title, day: create_meeting(SYSTEM, organization=t.ca, kind=kind, title=title,  # noqa: E731
                                                   held_on=day)
    t.committee = meet("committee_meeting", "研究学科专业调整", today - timedelta(days=5))
    t.joint = meet("joint_meeting", "审议学院专业设置", today - timedelta(days=2))
    new = dict(category="direction", organization=t.ca, proposer=t.li)
    t.first = services.create_matter(SYSTEM, title="学院专业设置调整", **new)
    t.second = services.create_matter(SYSTEM, title="学院内设机构调整", **new)
    for m in (t.first, t.second):
        services.submit_matter(SYSTEM, m, today=today - timedelta(days=10))
    return t


def test_pre_review_then_decision_and_a_decision_without_pre_review_refused(page, college, shot):
    t = college
    log_in(page, "sec_a", PASSWORD)
    page.goto(page.base + t.first.get_absolute_url())
    expect(page.locator("#matter-missing")).to_contain_text("前置把关")
    page.locator("#matter-pre-review").click()
    page.select_option("#id_meeting", str(t.committee.pk))
    page.select_option("#id_outcome", "agreed")
    page.get_by_role("button", name="确定").click()
    expect(page.locator("#matter-status")).to_have_text("已前置把关")
    page.locator("#matter-decide").click()
    expect(page.locator("#decision-ready")).to_be_visible()
    page.select_option("#id_meeting", str(t.joint.pk))
    page.select_option("#id_outcome", "adopted")
    page.fill("#id_text", "同意调整专业设置")
    page.get_by_role("button", name="确定").click()
    expect(page.locator("#matter-status")).to_have_text("已决定")
    page.goto(page.base + t.first.get_absolute_url() + "?tab=trail")
    expect(page.locator("body")).to_contain_text("同意调整专业设置")
    shot(page, "trail")
    first = Matter.objects.get(pk=t.first.pk)
    assert first.status == "decided" and first.decided_on == t.joint.held_on
    assert PreReview.objects.get(matter=first).meeting == t.committee

    # The second matter was never pre-reviewed: the page says so, and a decision is refused.
    before = (Matter.objects.get(pk=t.second.pk).version, Decision.objects.count(), PreReview.objects.count())
    page.goto(page.base + f"/decisions/{t.second.pk}/decide/")
    expect(page.locator("#decision-missing")).to_contain_text("尚无党委前置把关记录")
    page.select_option("#id_meeting", str(t.joint.pk))
    page.select_option("#id_outcome", "adopted")
    page.get_by_role("button", name="确定").click()
    expect(page.locator("body")).to_contain_text("不能登记联席会议决定")
    shot(page, "refused")
    second = Matter.objects.get(pk=t.second.pk)
    assert second.status == "submitted"
    assert (second.version, Decision.objects.count(), PreReview.objects.count()) == before
