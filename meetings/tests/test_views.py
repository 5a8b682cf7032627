"""The meetings pages: scope tests from core.testing for meetings and campaigns, and the meeting form's
refusals (agenda, attendance, duplicates, future dates), print view, tabs, roster and a member's own page."""
from datetime import date, timedelta

import pytest

from accounts.roles import Role
from audit.services import history
from conftest import make_user
from core import testing
from core.scoping import SYSTEM
from meetings import services
from meetings.forms import MeetingForm
from meetings.models import Campaign, CentralGroupMember, Meeting

DAY = date(2024, 3, 12)
_days = iter(range(1, 10_000))


def new_meeting(org, title, *, day=None, **extra):
    fields = dict(kind="member_assembly", organization=org, title=title, held_on=day or DAY, confirm_duplicate=True)
    fields.update(extra)
    return services.create_meeting(SYSTEM, **fields)


def agenda_data(rows, extra=1):
    data = {"agenda-TOTAL_FORMS": str(len(rows) + extra), "agenda-INITIAL_FORMS": "0",
            "agenda-MIN_NUM_FORMS": "0", "agenda-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            if key == "is_first_topic":
                if value:
                    data[f"agenda-{i}-is_first_topic"] = "on"
            else:
                data[f"agenda-{i}-{key}"] = value
    return data


def attendance_data(marks):
    data = {}
    for person, (status, reason) in marks.items():
        data[f"att-{person.pk}"] = status
        data[f"reason-{person.pk}"] = reason
    return data


def add_data(org, **extra):
    data = {"organization": str(org.pk), "kind": "member_assembly", "title": "四月党员大会", "held_on": "2024-04-02",
            "status": "held", "place": "支部活动室", "minutes": "传达学习重要讲话精神。"}
    data.update(agenda_data([{"title": "学习重要讲话", "is_first_topic": True, "material_title": "重要讲话",
                              "material_source": "人民日报"}]))
    data.update(extra)
    return data


@pytest.fixture
def meeting_case(branch):
    t = branch
    inside = new_meeting(t.ca_b1, "甲支部三月党员大会", attendance={t.zhang.pk: ("present", "")},
                         agenda=[{"title": "学习重要讲话", "is_first_topic": True}])
    outside = new_meeting(t.cb_b1, "乙支部三月党员大会")
    return testing.ScopedCase(inside=inside, outside=outside, allowed_user=t.sec_a, sibling_user=t.sec_b,
                              no_role_user=t.nobody, extra={"tree": t})


class MeetingViewTests(testing.ScopedTestBase):
    model = Meeting
    audit_history = staticmethod(history)

    def text_of(self, obj):
        return obj.title

    @pytest.fixture
    def scoped_case(self, meeting_case):
        return meeting_case


class TestMeetingPages(MeetingViewTests, testing.ListTests, testing.ExportTests, testing.DetailTests,
                       testing.AddTests, testing.EditTests):
    list_url = "/meetings/"
    edit_changes = {"place": "党员活动室"}

    def make_inside(self, case):
        return new_meeting(case.inside_org, "增补会议", day=DAY - timedelta(days=next(_days) % 300))

    def add_url(self, case, org):
        return f"/meetings/add/?organization={org.pk}"

    def add_data(self, case, org):
        return add_data(org)

    def edit_url(self, obj):
        return f"/meetings/{obj.pk}/edit/"

    def edit_data(self, case, obj):
        data = testing.initial_form_data(MeetingForm(instance=obj, user=case.allowed_user))
        data.update(agenda_data(list(obj.agenda.values("title", "is_first_topic", "material_title",
                                                        "material_source", "material_link"))))
        for a in obj.attendance.all():
            data[f"att-{a.person_id}"], data[f"reason-{a.person_id}"] = a.status, a.reason
        return data

    def test_edit_keeps_agenda_and_attendance(self, client, scoped_case):
        obj = scoped_case.inside
        self.log_in(client, scoped_case.allowed_user)
        response = client.post(self.edit_url(obj), self.changed_data(scoped_case, obj))
        assert response.status_code == 302
        fresh = Meeting.objects.get(pk=obj.pk)
        assert fresh.has_first_topic and fresh.agenda.get().title == "学习重要讲话"
        assert list(fresh.attendance.values_list("person__name", "status")) == [("张嘉恒", "present")]

    def test_list_filters_by_kind_first_topic_and_subtree(self, client, scoped_case):
        t = scoped_case.extra["tree"]
        new_meeting(t.ca_b2, "学生支部支委会", kind="branch_committee")
        self.log_in(client, scoped_case.allowed_user)
        ids = lambda **q: self.list_ids(client.get(self.list_url, q))  # noqa: E731
        assert ids(has_first_topic="true") == {scoped_case.inside.pk}
        assert ids(kind="branch_committee") == {Meeting.objects.get(title="学生支部支委会").pk}
        assert ids(organization=t.ca_b1.pk) == {scoped_case.inside.pk}
        assert len(ids(organization=t.ca.pk)) == 2

    def test_detail_shows_agenda_badge_and_quorum(self, client, scoped_case):
        t = scoped_case.extra["tree"]
        self.log_in(client, scoped_case.allowed_user)
        body = client.get(f"/meetings/{scoped_case.inside.pk}/").content.decode()
        assert "学习重要讲话" in body and 'id="first-topic-badge"' in body
        body = client.get(f"/meetings/{scoped_case.inside.pk}/", {"tab": "attendance"}).content.decode()
        # Two full members (张嘉恒, 刘洋) vote; the probationary 陈静 does not. One present: 1 < 2.
        assert "应到 2 名有表决权党员，实到 1 名，须过半数（≥ 2）：未达到" in body
        assert t.full2.name in body and t.prob.name in body

    def test_attendance_grid_endpoint_lists_expected_attendees_and_kinds(self, client, scoped_case):
        t = scoped_case.extra["tree"]
        self.log_in(client, scoped_case.allowed_user)
        response = client.get("/meetings/attendance-grid/", {"organization": t.ca_b1.pk, "kind": "member_assembly",
                                                             "held_on": DAY.isoformat()})
        body = response.content.decode()
        for person in (t.zhang, t.full2, t.prob):
            assert f'name="att-{person.pk}"' in body
        assert 'hx-swap-oob="true"' in body and 'value="committee_meeting"' not in body
        # A committee: its seats are expected, and it offers committee kinds.
        body = client.get("/meetings/attendance-grid/", {"organization": t.ca.pk, "kind": "committee_meeting",
                                                         "held_on": DAY.isoformat()}).content.decode()
        assert 'value="committee_meeting"' in body and 'value="member_assembly"' not in body
        # Another college's branch is not offered and lists nobody.
        body = client.get("/meetings/attendance-grid/", {"organization": t.cb_b1.pk, "kind": "member_assembly",
                                                         "held_on": DAY.isoformat()}).content.decode()
        assert t.wang.name not in body and "att-" not in body


def test_edit_page_shows_recorded_attendance_and_reloads_it(client, meeting_case):
    t = meeting_case.extra["tree"]
    m = meeting_case.inside
    client.force_login(t.sec_a)
    body = client.get(f"/meetings/{m.pk}/edit/").content.decode()
    assert f'id="att-{t.zhang.pk}-present" value="present" checked' in body
    assert f'id="att-{t.full2.pk}-present" value="present">' in body  # expected, not yet recorded
    body = client.get("/meetings/attendance-grid/", {"organization": t.ca_b1.pk, "kind": "member_assembly",
                                                     "held_on": DAY.isoformat(), "meeting": m.pk}).content.decode()
    assert f'id="att-{t.zhang.pk}-present" value="present" checked' in body


class TestMeetingDelete(MeetingViewTests, testing.ActionTests):
    deletes = True

    def action_url(self, obj):
        return f"/meetings/{obj.pk}/delete/"

    def action_done(self, case, obj):
        return testing.refetch(obj) is None

    def test_member_cannot_delete(self, client, scoped_case):
        t = scoped_case.extra["tree"]
        self.log_in(client, t.member)
        assert client.post(self.action_url(scoped_case.inside)).status_code == 404
        assert testing.refetch(scoped_case.inside) is not None


# --- the meeting form's refusals keep the input -----------------------------------------------------

@pytest.fixture
def sec_client(client, branch):
    client.force_login(branch.sec_a)
    return client


def test_first_topic_on_a_later_item_is_a_form_error_that_keeps_the_input(sec_client, branch):
    data = add_data(branch.ca_b1, **agenda_data([{"title": "研究发展对象"},
                                                 {"title": "学习总书记讲话", "is_first_topic": True}]))
    response = sec_client.post("/meetings/add/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "“第一议题”只能是会议的第一个议题（第 2 项不是）" in body
    assert 'value="学习总书记讲话"' in body and 'value="研究发展对象"' in body
    assert 'name="agenda-1-is_first_topic" class="form-check-input" id="id_agenda-1-is_first_topic" checked' in body
    assert 'value="四月党员大会"' in body
    assert not Meeting.objects.exists()


def test_attendance_of_a_non_member_is_refused_with_the_services_message(sec_client, branch):
    t = branch
    data = add_data(t.ca_b1, **attendance_data({t.zhang: ("present", ""), t.li: ("present", "")}))
    response = sec_client.post("/meetings/add/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "李明 在会议日期不是应参会人员" in body
    assert f'name="att-{t.li.pk}"' in body  # the row stays, so it can be cleared
    assert not Meeting.objects.exists()
    # Someone outside the secretary's scope is refused without being named.
    data = add_data(t.ca_b1, **attendance_data({t.wang: ("present", "")}))
    body = sec_client.post("/meetings/add/", data).content.decode()
    assert "不存在或不在您的管理范围内" in body and t.wang.name not in body
    assert not Meeting.objects.exists()


def test_leave_without_reason_is_refused(sec_client, branch):
    data = add_data(branch.ca_b1, **attendance_data({branch.full2: ("leave", "")}))
    assert "请假须填写事由" in sec_client.post("/meetings/add/", data).content.decode()
    assert not Meeting.objects.exists()


def test_likely_duplicate_warns_then_saves_when_confirmed(sec_client, branch):
    t = branch
    new_meeting(t.ca_b1, "已登记的四月党员大会", day=date(2024, 4, 2))
    data = add_data(t.ca_b1, **attendance_data({t.full2: ("leave", "出差")}))
    response = sec_client.post("/meetings/add/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "确认不是重复登记后再保存" in body and 'id="confirm-duplicate-box"' in body
    assert 'value="四月党员大会"' in body and 'value="出差"' in body
    assert Meeting.objects.count() == 1
    response = sec_client.post("/meetings/add/", {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    saved = Meeting.objects.get(title="四月党员大会")
    assert saved.attendance.get().reason == "出差" and saved.has_first_topic


def test_future_meeting_marked_held_is_refused(sec_client, branch):
    future = (date.today() + timedelta(days=5)).isoformat()
    response = sec_client.post("/meetings/add/", add_data(branch.ca_b1, held_on=future))
    assert "不能标记为已召开" in response.content.decode()
    assert not Meeting.objects.exists()
    response = sec_client.post("/meetings/add/", add_data(branch.ca_b1, held_on=future, status="planned"))
    assert response.status_code == 302


def test_kind_the_organisation_does_not_hold_is_refused(sec_client, branch):
    response = sec_client.get(f"/meetings/add/?organization={branch.ca_b1.pk}")
    kinds = {v for v, _label in response.context["form"].fields["kind"].choices if v}
    assert "member_assembly" in kinds and "committee_meeting" not in kinds
    response = sec_client.post("/meetings/add/", add_data(branch.ca_b1, kind="central_group_study"))
    assert response.status_code == 200 and not Meeting.objects.exists()


def test_stale_edit_keeps_input(sec_client, branch):
    m = new_meeting(branch.ca_b1, "三月党员大会")
    form = MeetingForm(instance=m, user=branch.sec_a)
    data = {**testing.initial_form_data(form), **agenda_data([]), "minutes": "我的修改"}
    Meeting.objects.filter(pk=m.pk).update(version=m.version + 1)
    response = sec_client.post(f"/meetings/{m.pk}/edit/", data)
    assert response.status_code == 200
    assert "该记录已被他人修改" in response.content.decode() and "我的修改" in response.content.decode()
    assert Meeting.objects.get(pk=m.pk).minutes == ""


def test_add_page_offers_only_organisations_where_meetings_may_be_added(client, branch):
    t = branch
    client.force_login(t.branch_only)  # secretary of college A itself, not its branches
    form = client.get("/meetings/add/").context["form"]
    offered = {int(v) for v, _label in form.fields["organization"].choices if v}
    assert offered == {t.ca.pk}


def test_print_view_renders_the_minutes_on_its_own_page(sec_client, branch):
    t = branch
    m = new_meeting(t.ca_b1, "三月党员大会", place="304 会议室", host=t.zhang, recorder=t.full2,
                    minutes="会议传达了上级精神。", resolutions="同意接收预备党员。",
                    agenda=[{"title": "学习重要讲话", "is_first_topic": True, "material_title": "讲话原文"}],
                    attendance={t.zhang.pk: ("present", ""), t.full2.pk: ("present", ""),
                                t.prob.pk: ("leave", "出差")})
    response = sec_client.get(f"/meetings/{m.pk}/print/")
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("甲学院教工第一党支部", "支部党员大会", "304 会议室", "会议传达了上级精神。", "同意接收预备党员。",
                 "【第一议题】", "讲话原文", "陈静（出差）", "主持人（签字）", "@media print",
                 "应到 2 名有表决权党员，实到 2 名，须过半数（≥ 2）：已达到"):
        assert text in body, text
    assert 'id="org-tree"' not in body  # no sidebar
    client_b = sec_client
    client_b.force_login(t.sec_b)
    assert client_b.get(f"/meetings/{m.pk}/print/").status_code == 404


def test_my_meetings_shows_only_own_rows(client, branch):
    t = branch
    m1 = new_meeting(t.ca_b1, "三月党员大会", attendance={t.zhang.pk: ("present", ""), t.full2.pk: ("leave", "出差")})
    new_meeting(t.ca_b1, "四月党员大会", day=date(2024, 4, 9), attendance={t.full2.pk: ("present", "")})
    client.force_login(t.member)
    response = client.get("/meetings/mine/")
    body = response.content.decode()
    assert [a.meeting_id for a in response.context["rows"]] == [m1.pk]
    assert "三月党员大会" in body and "四月党员大会" not in body and "出差" not in body
    # A member may not open the meeting page itself, so the title is not a link.
    assert f'href="/meetings/{m1.pk}/"' not in body
    client.force_login(t.nobody)
    assert "尚未关联人员" in client.get("/meetings/mine/").content.decode()


def test_organisation_tab_counts_this_years_meetings_by_kind(client, branch):
    t = branch
    year = date.today().year
    new_meeting(t.ca_b1, "本年党员大会", day=date(year, 1, 2), agenda=[{"title": "学习", "is_first_topic": True}])
    new_meeting(t.ca_b1, "去年党员大会", day=date(year - 1, 6, 1))
    client.force_login(t.sec_a)
    response = client.get(f"/orgs/{t.ca_b1.pk}/", {"tab": "meetings"})
    body = response.content.decode()
    assert "本年党员大会" in body and "去年党员大会" not in body
    assert dict((k.value, n) for k, n in response.context["kinds"])["member_assembly"] == 1
    assert f"/meetings/add/?organization={t.ca_b1.pk}" in body
    client.force_login(t.member)
    body = client.get(f"/orgs/{t.ca_b1.pk}/", {"tab": "meetings"}).content.decode()
    assert "本年党员大会" not in body and "/meetings/add/" not in body


def test_person_tab_lists_attendance_within_the_viewers_scope(client, branch):
    t = branch
    new_meeting(t.ca_b1, "三月党员大会", attendance={t.zhang.pk: ("leave", "出差")})
    for user in (t.sec_a, t.member):
        client.force_login(user)
        body = client.get(f"/members/{t.zhang.pk}/", {"tab": "meetings"}).content.decode()
        assert "三月党员大会" in body and "出差" in body
    client.force_login(t.sec_b)
    assert client.get(f"/members/{t.zhang.pk}/", {"tab": "meetings"}).status_code == 404


# --- campaigns -------------------------------------------------------------------------------------

@pytest.fixture
def campaign_case(users):
    t = users
    inside = Campaign.objects.create(name="甲学院主题教育", organization=t.ca, starts_on=date(2024, 1, 1),
                                     ends_on=date(2024, 6, 30))
    outside = Campaign.objects.create(name="乙学院主题教育", organization=t.cb, starts_on=date(2024, 1, 1),
                                      ends_on=date(2024, 6, 30))
    return testing.ScopedCase(inside=inside, outside=outside, allowed_user=make_user("oa_ca", Role.ORG_ADMIN, t.ca),
                              sibling_user=make_user("oa_cb", Role.ORG_ADMIN, t.cb), no_role_user=t.nobody,
                              extra={"tree": t})


class TestCampaignPages(testing.ListTests, testing.ExportTests, testing.DetailTests, testing.AddTests,
                        testing.EditTests):
    model = Campaign
    audit_history = staticmethod(history)
    list_url = "/meetings/campaigns/"
    edit_changes = {"note": "延长一个月"}

    @pytest.fixture
    def scoped_case(self, campaign_case):
        return campaign_case

    def text_of(self, obj):
        return obj.name

    def make_inside(self, case):
        return Campaign.objects.create(name="专题学习", organization=case.inside_org, starts_on=date(2024, 3, 1),
                                       ends_on=date(2024, 4, 30))

    def add_url(self, case, org):
        return "/meetings/campaigns/add/"

    def add_data(self, case, org):
        return {"name": "党史学习教育", "organization": str(org.pk), "starts_on": "2024-02-01",
                "ends_on": "2024-12-31", "note": ""}

    def edit_url(self, obj):
        return f"/meetings/campaigns/{obj.pk}/edit/"

    def edit_data(self, case, obj):
        from meetings.forms import CampaignForm

        return testing.initial_form_data(CampaignForm(instance=obj, user=case.allowed_user))

    def test_secretary_may_view_but_not_add(self, client, scoped_case, users):
        client.force_login(users.sec_a)
        assert scoped_case.inside.pk in self.list_ids(client.get(self.list_url))
        assert client.get("/meetings/campaigns/add/").status_code == 403

    def test_detail_counts_seminars(self, client, scoped_case, users):
        t = users
        c = scoped_case.inside
        services.create_meeting(SYSTEM, kind="study_seminar", organization=t.ca, title="班子研讨", held_on=DAY,
                                campaign=c)
        services.create_meeting(SYSTEM, kind="study_seminar", organization=t.ca_b1, title="支部研讨", held_on=DAY,
                                campaign=c)
        response = self.log_in(client, scoped_case.allowed_user).get(c.get_absolute_url())
        assert (response.context["seminars_own"], response.context["seminars_below"]) == (1, 1)
        assert "班子研讨" in response.content.decode()


# --- the central group's roster --------------------------------------------------------------------

def test_roster_add_and_end(client, users):
    t = users
    admin = make_user("oa_ca", Role.ORG_ADMIN, t.ca)
    client.force_login(admin)
    url = f"/meetings/roster/{t.ca.pk}/"
    response = client.post(url, {"person": t.zhang.pk, "valid_from": "2024-01-01"})
    assert response.status_code == 302
    entry = CentralGroupMember.objects.get()
    assert history(entry).filter(action="create").exists()
    assert t.zhang in services.expected_attendees(t.ca, "central_group_study", DAY)
    response = client.post(f"/meetings/roster/entries/{entry.pk}/end/",
                           {"valid_to": "2024-06-30", "expected_version": entry.version})
    assert response.status_code == 302
    assert CentralGroupMember.objects.get().valid_to == date(2024, 6, 30)
    assert t.zhang not in services.expected_attendees(t.ca, "central_group_study", date(2024, 7, 1))
    # A branch has no central group; another college's committee does not exist for this admin.
    assert client.get(f"/meetings/roster/{t.ca_b1.pk}/").status_code == 404
    assert client.get(f"/meetings/roster/{t.cb.pk}/").status_code == 404
    # Secretaries read the roster but may not change it.
    client.force_login(t.sec_a)
    assert "张嘉恒" in client.get(url).content.decode()
    assert client.post(url, {"person": t.zhang.pk, "valid_from": "2024-01-01"}).status_code == 403
    assert CentralGroupMember.objects.count() == 1
