"""/api/meetings/ and /api/campaigns/: scoped reads, writes through meetings.services (agenda, attendance,
duplicates, stale edits), Chinese reasons on bad input with nothing written, audit rows, flat query count."""
import copy
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from core.scoping import SYSTEM
from meetings import services
from meetings.models import AgendaItem, Attendance, Campaign, Meeting

URL = "/api/meetings/"
CAMPAIGNS = "/api/campaigns/"
JSON = "application/json"
DAY = date(2024, 3, 12)

pytestmark = pytest.mark.django_db


def body(t, **extra):
    data = {"kind": "member_assembly", "organization": "CA-B1", "title": "三月党员大会", "held_on": DAY.isoformat(),
            "starts_at": "14:30", "place": "会议室",
            "agenda": [{"title": "学习重要讲话", "is_first_topic": True, "material_title": "讲话原文"},
                       {"title": "讨论发展对象"}],
            "attendance": [{"person": t.zhang.pk, "status": "present"},
                           {"person": t.full2.pk, "status": "leave", "reason": "出差"}]}
    data.update(extra)
    return data


def meeting(t, org=None, day=DAY, kind="member_assembly", **extra):
    return services.create_meeting(SYSTEM, kind=kind, organization=org or t.ca_b1, title="会议", held_on=day,
                                   **extra)


def nothing_written():
    return not Meeting.objects.exists() and not AgendaItem.objects.exists() and not Attendance.objects.exists()


def test_list_and_detail_are_scoped(login, branch):
    t = branch
    mine, theirs = meeting(t), meeting(t, org=t.cb_b1)
    c = login(t.sec_a)
    rows = c.get(URL).json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert c.get(f"{URL}{theirs.pk}/").status_code == 404
    assert c.get(f"{URL}{theirs.pk}/").json() == {"detail": "未找到该记录"}
    assert c.patch(f"{URL}{theirs.pk}/", {"title": "x", "version": 1}, content_type=JSON).status_code == 404
    assert c.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert Meeting.objects.filter(pk=theirs.pk, title="会议").exists()
    # The filter cannot anchor on another college either: its id is "not a valid choice", as a missing one is.
    r = c.get(URL, {"organization": t.cb.pk})
    assert r.status_code == 400 and "organization" in r.json()
    assert c.get(URL, {"organization": 99999999}).json() == r.json()
    assert login(t.sec_b).get(URL).json()["count"] == 1


def test_create_with_agenda_and_attendance(login, branch):
    t = branch
    response = login(t.sec_a).post(URL, body(t), content_type=JSON)
    assert response.status_code == 201, response.content
    data = response.json()
    m = Meeting.objects.get(pk=data["id"])
    assert m.has_first_topic and data["has_first_topic"] is True
    assert data["organization_code"] == "CA-B1" and data["starts_at"] == "14:30:00"
    assert [(a["order"], a["title"], a["is_first_topic"]) for a in data["agenda"]] == [
        (1, "学习重要讲话", True), (2, "讨论发展对象", False)]
    assert data["agenda"][0]["material_title"] == "讲话原文"
    assert {(a.person_id, a.status, a.reason) for a in m.attendance.all()} == {
        (t.zhang.pk, "present", ""), (t.full2.pk, "leave", "出差")}
    entry = AuditEntry.objects.get(model="meetings.meeting", object_id=str(m.pk))
    assert entry.action == "create" and entry.actor == t.sec_a


@pytest.mark.parametrize("extra, field, reason", [
    ({"held_on": (date.today() + timedelta(days=3)).isoformat()}, "detail", "不能标记为已召开"),
    ({"held_on": "2009-12-31"}, "detail", "早于甲学院教工第一党支部的成立日期"),
    ({"agenda": [{"title": "a"}, {"title": "b", "is_first_topic": True}]}, "detail",
     "“第一议题”只能是会议的第一个议题"),
    ({"kind": "central_group_study"}, "detail", "不召开理论学习中心组学习"),
    ({"kind": "开会"}, "kind", "不是合法选项"),
    ({"held_on": "2024-02-30"}, "held_on", "日期格式错误"),
    ({"organization": "CB-B1"}, "organization", "未找到组织“CB-B1”，或您无权访问该组织"),
    ({"organization": "CA\x00"}, "organization", "未找到组织“CA”"),
    ({"attendance": [{"person": 0, "status": "present"}]}, "attendance", "未找到编号为 0 的记录"),
    # 王芳 is in college B: outside the secretary's scope, so she is "not found", never named.
    ({"attendance": [{"person": "$W", "status": "present"}]}, "attendance", "未找到编号为 $W 的记录"),
    ({"attendance": [{"person": "$Z", "status": "leave"}]}, "detail", "请假须填写事由"),
    ({"attendance": [{"person": "$Z", "status": "present"}, {"person": "$Z", "status": "absent"}]},
     "attendance", "出现了两次"),
])
def test_bad_input_answers_400_with_the_reason_and_writes_nothing(login, branch, extra, field, reason):
    t, extra = branch, copy.deepcopy(extra)
    for item in extra.get("attendance", []):
        item["person"] = {"$W": t.wang.pk, "$Z": t.zhang.pk}.get(item["person"], item["person"])
    reason = reason.replace("$W", str(t.wang.pk))
    response = login(t.sec_a).post(URL, body(t, **extra), content_type=JSON)
    assert response.status_code == 400, response.content
    assert reason in str(response.json()[field])
    assert nothing_written()


def test_attendee_not_a_member_that_day_is_named(login, branch):
    t = branch
    response = login(t.sec_a).post(URL, body(t, attendance=[{"person": t.li.pk, "status": "present"}]),
                                   content_type=JSON)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("李明 在会议日期不是应参会人员")
    assert nothing_written()


def test_likely_duplicate_needs_confirmation(login, branch):
    t = branch
    meeting(t)
    c = login(t.sec_a)
    response = c.post(URL, body(t), content_type=JSON)
    assert response.status_code == 400
    assert "已有一次支部党员大会，确认不是重复登记后再保存" in response.json()["detail"]
    assert Meeting.objects.count() == 1
    assert c.post(URL, body(t, confirm_duplicate=True), content_type=JSON).status_code == 201
    assert Meeting.objects.count() == 2


def test_update_replaces_children_and_stale_version_is_409(login, branch):
    t = branch
    m = meeting(t, agenda=[{"title": "旧议题"}], attendance={t.zhang.pk: ("present", "")})
    c = login(t.sec_a)
    response = c.patch(f"{URL}{m.pk}/", {"title": "新主题", "version": 1,
                                          "agenda": [{"title": "第一议题学习", "is_first_topic": True}]},
                       content_type=JSON)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == "新主题" and data["version"] == 2 and data["has_first_topic"] is True
    assert [a["title"] for a in data["agenda"]] == ["第一议题学习"]
    assert [a["person"] for a in data["attendance"]] == [t.zhang.pk]  # left out: unchanged
    stale = c.patch(f"{URL}{m.pk}/", {"title": "覆盖", "version": 1}, content_type=JSON)
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    assert Meeting.objects.get(pk=m.pk).title == "新主题"
    missing = c.patch(f"{URL}{m.pk}/", {"title": "覆盖"}, content_type=JSON)
    assert missing.status_code == 400 and "version" in missing.json()
    bad = c.patch(f"{URL}{m.pk}/", {"version": 2, "agenda": [{"title": "a"}, {"title": "b", "is_first_topic": True}]},
                  content_type=JSON)
    assert bad.status_code == 400 and "第一议题" in bad.json()["detail"]
    assert list(Meeting.objects.get(pk=m.pk).agenda.values_list("title", flat=True)) == ["第一议题学习"]
    actions = list(AuditEntry.objects.filter(model="meetings.meeting", object_id=str(m.pk))
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "update"]


def test_delete_is_audited(login, branch):
    t = branch
    m = meeting(t)
    assert login(t.sec_a).delete(f"{URL}{m.pk}/").status_code == 204
    assert not Meeting.objects.exists()
    assert AuditEntry.objects.filter(model="meetings.meeting", object_id=str(m.pk), action="delete").exists()


def test_filters(login, branch):
    t = branch
    a = meeting(t, agenda=[{"title": "x", "is_first_topic": True}])
    b = meeting(t, kind="branch_committee", day=date(2023, 5, 1))
    c = login(t.org_admin)

    def ids(**params):
        return {r["id"] for r in c.get(URL, params).json()["results"]}

    def refused(**params):
        return c.get(URL, params).status_code == 400

    assert ids(kind="branch_committee") == {b.pk}
    assert ids(held_from="2024-01-01") == {a.pk}
    assert ids(has_first_topic="true") == {a.pk}
    assert ids(organization=t.ca.pk) == {a.pk, b.pk}
    assert ids(organization=t.cb.pk) == set()  # the org admin sees college B: a valid anchor, no meetings
    assert refused(campaign="99999999999999999999999") and refused(organization="CA\x00")


def test_list_query_count_is_flat(login, branch, django_assert_max_num_queries):
    t = branch
    c = login(t.sec_a)
    meeting(t, day=date(2024, 1, 5), agenda=[{"title": "a"}], attendance={t.zhang.pk: ("present", "")})
    c.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert c.get(URL).json()["count"] == 1
    for i in range(8):
        meeting(t, day=date(2024, 2, 1) + timedelta(days=i), agenda=[{"title": "a"}, {"title": "b"}],
                attendance={t.zhang.pk: ("present", ""), t.full2.pk: ("absent", "")})
    with django_assert_max_num_queries(len(few)):
        assert c.get(URL).json()["count"] == 9


def test_campaigns_read_for_secretaries_write_for_org_admins(login, branch):
    t = branch
    data = {"name": "主题教育", "organization": "CA", "starts_on": "2024-01-01", "ends_on": "2024-06-30"}
    assert login(t.sec_a).post(CAMPAIGNS, data, content_type=JSON).status_code == 403
    c = login(t.org_admin)
    bad = c.post(CAMPAIGNS, {**data, "ends_on": "2023-12-31"}, content_type=JSON)
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in str(bad.json())
    assert not Campaign.objects.exists()
    created = c.post(CAMPAIGNS, data, content_type=JSON)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert AuditEntry.objects.filter(model="meetings.campaign", object_id=str(pk), action="create").exists()
    assert [r["id"] for r in login(t.sec_a).get(CAMPAIGNS).json()["results"]] == [pk]
    assert login(t.sec_b).get(f"{CAMPAIGNS}{pk}/").status_code == 404
    c = login(t.org_admin)
    meeting(t, kind="study_seminar", campaign=Campaign.objects.get(pk=pk))
    refused = c.delete(f"{CAMPAIGNS}{pk}/")
    assert refused.status_code == 400 and "已有会议记录" in refused.json()["detail"]
    renamed = c.patch(f"{CAMPAIGNS}{pk}/", {"name": "学习教育", "version": 1}, content_type=JSON)
    assert renamed.json()["name"] == "学习教育"
    assert c.patch(f"{CAMPAIGNS}{pk}/", {"name": "x", "version": 1}, content_type=JSON).status_code == 409
