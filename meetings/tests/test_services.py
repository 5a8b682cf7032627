from datetime import date, timedelta

import pytest

from audit.models import AuditEntry
from core.errors import BusinessRuleError, PermissionDenied
from core.figures import Period, registry
from core.scoping import SYSTEM
from meetings import services
from meetings.models import Campaign, Meeting

pytestmark = pytest.mark.django_db

DAY = date(2024, 3, 12)


def assembly(t, **extra):
    fields = dict(kind="member_assembly", organization=t.ca_b1, title="党员大会", held_on=DAY,
                  agenda=[{"title": "学习重要讲话", "is_first_topic": True}, {"title": "讨论发展对象"}])
    fields.update(extra)
    return services.create_meeting(t.sec_a, **fields)


def test_expected_attendees_come_from_the_records_of_the_day(branch):
    t = branch
    names = set(services.expected_attendees(t.ca_b1, "member_assembly", DAY).values_list("name", flat=True))
    assert names == {"张嘉恒", "刘洋", "陈静"}
    assert set(services.expected_attendees(t.ca_b1, "member_assembly", date(2019, 6, 1))) == set()
    assert set(services.expected_attendees(t.ca_b1, "branch_committee", DAY)) == {t.zhang, t.full2, t.prob}


def test_create_with_agenda_attendance_and_quorum(branch):
    t = branch
    m = assembly(t, attendance={t.zhang.pk: ("present", ""), t.full2.pk: ("leave", "出差"),
                                t.prob.pk: ("present", "")})
    assert m.has_first_topic and list(m.agenda.values_list("order", "is_first_topic")) == [(1, True), (2, False)]
    q = services.quorum(m)
    assert (q.voting, q.present, q.required, q.met) == (2, 1, 2, False)  # probationary members do not vote
    assert AuditEntry.objects.filter(model="meetings.meeting", action="create", object_id=str(m.pk)).exists()


@pytest.mark.parametrize("extra, message", [
    ({"held_on": date.today() + timedelta(days=3)}, "不能标记为已召开"),
    ({"held_on": date(2009, 12, 31)}, "成立日期"),
    ({"agenda": [{"title": "a"}, {"title": "b", "is_first_topic": True}]}, "第一议题"),
    ({"kind": "central_group_study"}, "不召开"),
    ({"enlarged": True}, "扩大会议"),
])
def test_bad_input_is_refused_and_nothing_written(branch, extra, message):
    with pytest.raises(BusinessRuleError, match=message):
        assembly(branch, **extra)
    assert not Meeting.objects.exists()


def test_attendee_who_was_not_a_member_that_day(branch):
    with pytest.raises(BusinessRuleError, match="王芳"):
        assembly(branch, attendance={branch.wang.pk: ("present", "")})
    with pytest.raises(BusinessRuleError, match="事由"):
        assembly(branch, attendance={branch.zhang.pk: ("leave", "")})
    assert not Meeting.objects.exists()


def test_a_future_meeting_may_be_planned(branch):
    m = assembly(branch, held_on=date.today() + timedelta(days=3), status="planned")
    assert m.status == "planned"


def test_likely_duplicate_needs_confirmation(branch):
    assembly(branch)
    with pytest.raises(services.LikelyDuplicate, match="重复"):
        assembly(branch)
    assembly(branch, confirm_duplicate=True)
    assert Meeting.objects.count() == 2


def test_scope(branch):
    with pytest.raises(PermissionDenied):
        services.create_meeting(branch.sec_b, kind="member_assembly", organization=branch.ca_b1, title="x", held_on=DAY)


def test_campaign_dates_and_scope(branch):
    c = Campaign.objects.create(name="主题教育", organization=branch.root, starts_on=date(2024, 1, 1),
                                ends_on=date(2024, 2, 28))
    with pytest.raises(BusinessRuleError, match="起止日期"):
        assembly(branch, campaign=c)


def test_update_keeps_the_first_topic_flag_consistent(branch):
    m = assembly(branch)
    m = services.update_meeting(branch.sec_a, m, {}, agenda=[{"title": "只讨论工作"}], expected_version=1)
    assert not Meeting.objects.get(pk=m.pk).has_first_topic


def test_figures_count_the_records(branch):
    t = branch
    assembly(t)
    services.create_meeting(SYSTEM, kind="committee_meeting", organization=t.root, title="党委会", held_on=DAY,
                            agenda=[{"title": "第一议题", "is_first_topic": True}])
    services.create_meeting(SYSTEM, kind="central_group_study", organization=t.ca, title="中心组", held_on=DAY)
    year = Period.year(2024)
    value = lambda code, org, user=None: registry.get(code).value(user, org, year)  # noqa: E731
    assert value("meetings.first_topic.branches", t.root) == 1
    assert value("meetings.first_topic.committee", t.root) == 1
    assert value("meetings.first_topic.committee", t.ca) == 0
    assert value("meetings.central_group", t.root) == 1
    assert value("meetings.first_topic.branches", t.root, t.sec_b) == 0   # outside college B's scope
    assert value("meetings.first_topic.branches", t.root, t.sec_a) == 1
    assert value("meetings.first_topic.branches", t.root) == \
        registry.get("meetings.first_topic.branches").records(None, t.root, year).count()
