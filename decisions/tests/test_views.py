"""The matter pages: scope (core.testing bases), the queues, each step's form, and every refusal shown
to the user with the database left as it was."""
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.services import history
from core import testing
from decisions import services
from decisions.choices import Status
from decisions.forms import MatterForm
from decisions.models import BranchOpinion, Decision, Document, Matter, PreReview

D = date(2024, 3, 1)
LATER = date(2024, 12, 31)


def submit(t, matter):
    return services.submit_matter(t.sec_a if matter.organization_id == t.ca.pk else t.sec_b, matter, today=D)


def pre_reviewed(t, matter):
    return services.record_pre_review(t.sec_a, submit(t, matter), t.committee, "agreed", today=LATER)


def decided(t, matter):
    return services.record_decision(t.sec_a, pre_reviewed(t, matter), t.joint, "adopted", "同意", today=LATER)


def state(matter):
    m = testing.refetch(matter)
    return (m.status, m.version, m.title, PreReview.objects.count(), Decision.objects.count(),
            list(BranchOpinion.objects.order_by("pk").values_list("opinion", flat=True)), Matter.objects.count())


def messages_of(response):
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def case(matters):
    t = matters
    t.outside = services.create_matter(t.sec_b, title="乙学院实验室建设方案", category="interests",
                                       organization=t.cb, proposer=t.wang)
    return t


def scoped(t, inside, outside):
    return testing.ScopedCase(inside=inside, outside=outside, inside_org=t.ca, outside_org=t.cb,
                              allowed_user=t.sec_a, sibling_user=t.sec_b, no_role_user=t.nobody, extra={"t": t})


_titles = iter(range(1, 10_000))


class MatterViewTests(testing.ScopedTestBase):
    model = Matter
    audit_history = staticmethod(history)

    def text_of(self, obj):
        return obj.title

    def make_inside(self, case):
        t = case.extra["t"]
        return services.create_matter(t.sec_a, title=f"甲学院补充事项{next(_titles)}", category="faculty",
                                      organization=t.ca, proposer=t.li, people=[t.zhang])


class TestMatterPages(MatterViewTests, testing.ListTests, testing.ExportTests, testing.DetailTests,
                      testing.AddTests, testing.EditTests):
    list_url = "/decisions/"
    edit_changes = {"title": "学院发展规划调整（修改稿）"}

    @pytest.fixture
    def scoped_case(self, case):
        return scoped(case, case.major, case.outside)

    def add_url(self, case, org):
        return "/decisions/add/"

    def add_data(self, case, org):
        t = case.extra["t"]
        return {"title": "新增事项", "category": "direction", "organization": org.pk,
                "proposer": (t.li if org == t.ca else t.wang).pk, "description": "说明"}

    def edit_url(self, obj):
        return f"/decisions/{obj.pk}/edit/"

    def edit_data(self, case, obj):
        user = case.allowed_user if obj.organization_id == case.inside_org.pk else case.sibling_user
        return testing.initial_form_data(MatterForm(instance=testing.refetch(obj), user=user))


class TestSubmitAction(MatterViewTests, testing.VersionedActionTests):
    @pytest.fixture
    def scoped_case(self, case):
        return scoped(case, case.major, case.outside)

    def action_url(self, obj):
        return f"/decisions/{obj.pk}/submit/"

    def action_done(self, case, obj):
        return testing.refetch(obj).status == Status.SUBMITTED


class TestPreReviewAction(MatterViewTests, testing.VersionedActionTests):
    @pytest.fixture
    def scoped_case(self, case):
        return scoped(case, submit(case, case.major), submit(case, case.outside))

    def action_url(self, obj):
        return f"/decisions/{obj.pk}/pre-review/"

    def action_data(self, case, obj):
        return {"meeting": case.extra["t"].committee.pk, "outcome": "agreed", "opinion": ""}

    def action_done(self, case, obj):
        return testing.refetch(obj).status == Status.PRE_REVIEWED


class TestDecisionAction(MatterViewTests, testing.VersionedActionTests):
    @pytest.fixture
    def scoped_case(self, case):
        t = case
        outside = services.record_pre_review(t.sec_b, submit(t, t.outside), t.cb_committee, "agreed", today=LATER)
        return scoped(case, pre_reviewed(t, t.major), outside)

    def action_url(self, obj):
        return f"/decisions/{obj.pk}/decide/"

    def action_data(self, case, obj):
        return {"meeting": case.extra["t"].joint.pk, "outcome": "adopted", "text": "同意"}

    def action_done(self, case, obj):
        return testing.refetch(obj).status == Status.DECIDED


# --- scope beyond the bases ---------------------------------------------------------------------------

def test_another_colleges_secretary_gets_404_on_every_page_of_the_matter(client, case):
    t = case
    m = submit(t, t.personnel)
    request = BranchOpinion.objects.get(matter=m)
    doc = services.add_document(t.sec_a, m, SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n%%EOF\n"))
    client.force_login(t.sec_b)
    before = state(m)
    for url in (f"/decisions/{m.pk}/", f"/decisions/{m.pk}/?tab=trail", f"/decisions/{m.pk}/print/",
                f"/decisions/{m.pk}/edit/", f"/decisions/{m.pk}/submit/", f"/decisions/{m.pk}/pre-review/",
                f"/decisions/{m.pk}/decide/", f"/decisions/{m.pk}/correct/", f"/decisions/opinions/{request.pk}/",
                f"/decisions/documents/{doc.pk}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "未找到该记录" in response.content.decode() and m.title not in response.content.decode(), url
    for url, data in ((f"/decisions/{m.pk}/pre-review/", {"meeting": t.committee.pk, "outcome": "agreed"}),
                      (f"/decisions/opinions/{request.pk}/", {"meeting": t.branch_meeting.pk, "opinion": "agree",
                                                             "reasons": "好"}),
                      (f"/decisions/{m.pk}/documents/", {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n")})):
        assert client.post(url, data).status_code == 404, url
    assert state(m) == before and Document.objects.count() == 1


def test_a_member_sees_their_own_proposal_only_and_proposes_to_their_committee(client, case):
    t = case
    own = services.create_matter(t.sec_a, title="张嘉恒提出的事项", category="other", organization=t.ca,
                                 proposer=t.zhang)
    client.force_login(t.member)
    listed = client.get("/decisions/")
    ids = {o.pk for o in listed.context["page"].object_list}
    assert ids == {own.pk}
    assert client.get(f"/decisions/{own.pk}/").status_code == 200
    assert client.get(f"/decisions/{t.major.pk}/").status_code == 404
    form = client.get("/decisions/add/").context["form"]
    offered = [value for value, _label in form.fields["organization"].choices if value]
    assert str(t.ca.pk) in map(str, offered) and str(t.cb.pk) not in map(str, offered)
    assert form.fields["proposer"].initial == t.zhang.pk
    response = client.post("/decisions/add/", {"title": "我的提议", "category": "other", "organization": t.ca.pk,
                                               "proposer": t.zhang.pk, "description": ""})
    assert response.status_code == 302
    mine = Matter.objects.get(title="我的提议")
    assert mine.proposer == t.zhang and mine.status == Status.DRAFT
    # The proposer submits, but the committee's steps are not theirs.
    services.submit_matter(t.member, mine, today=D)
    assert client.get(f"/decisions/{mine.pk}/pre-review/").status_code == 403
    assert client.get(f"/decisions/{mine.pk}/decide/").status_code == 403
    page = client.get(f"/decisions/{mine.pk}/").content.decode()
    assert 'id="matter-pre-review"' not in page and 'id="matter-decide"' not in page


# --- queues -----------------------------------------------------------------------------------------

def queue_ids(client, queue):
    response = client.get("/decisions/", {"queue": queue})
    assert response.status_code == 200
    return {o.pk for o in response.context["page"].object_list}


def test_queues_hold_the_right_matters(client, case):
    t = case
    draft = services.create_matter(t.sec_a, title="草稿事项", category="direction", organization=t.ca, proposer=t.li)
    major = submit(t, t.major)
    personnel = submit(t, t.personnel)
    submit(t, t.outside)
    returned = services.record_pre_review(
        t.sec_a, submit(t, services.create_matter(t.sec_a, title="被退回的事项", category="faculty",
                                                 organization=t.ca, proposer=t.li)),
        t.committee, "returned", "请补充论证", today=LATER)
    done = decided(t, services.create_matter(t.sec_a, title="已决定的事项", category="interests",
                                             organization=t.ca, proposer=t.li))
    client.force_login(t.sec_a)
    assert queue_ids(client, "pre_review") == {major.pk}
    assert queue_ids(client, "opinion") == {personnel.pk}
    assert queue_ids(client, "decided") == {done.pk}
    assert queue_ids(client, "returned") == {returned.pk}
    assert draft.pk in queue_ids(client, "")
    # College B's committee sees its own waiting matter only; the branch secretary sees the request for
    # its opinion, and no pre-review queue (it is no committee of the matter).
    client.force_login(t.sec_b)
    assert queue_ids(client, "pre_review") == {t.outside.pk}
    assert queue_ids(client, "opinion") == set()
    client.force_login(t.sec_b1)
    assert queue_ids(client, "opinion") == {personnel.pk}
    assert queue_ids(client, "pre_review") == set()
    # Once the branch has answered, the request leaves its queue.
    services.record_branch_opinion(t.sec_b1, BranchOpinion.objects.get(matter=personnel), "agree", "表现突出",
                                   t.branch_meeting, today=LATER)
    assert queue_ids(client, "opinion") == set()


def test_queue_export_holds_the_queue(client, case):
    t = case
    submit(t, t.major)
    client.force_login(t.sec_a)
    response = client.get("/decisions/", {"queue": "pre_review", "export": "xlsx"})
    assert response["Content-Type"] == testing.XLSX_TYPE
    text = testing.xlsx_text(response.content)
    assert t.major.title in text and t.personnel.title not in text


def test_queue_pages_do_not_grow_in_queries_with_rows(client, case, django_assert_max_num_queries):
    t = case
    client.force_login(t.sec_a)
    for i in range(3):
        submit(t, services.create_matter(t.sec_a, title=f"事项{i}", category="direction", organization=t.ca,
                                         proposer=t.li))
    client.get("/decisions/?queue=pre_review")
    counts = {}
    for n in (3, 20):
        while Matter.objects.filter(status=Status.SUBMITTED, organization=t.ca).count() < n:
            submit(t, services.create_matter(t.sec_a, title=f"事项{n}-{Matter.objects.count()}", category="direction",
                                             organization=t.ca, proposer=t.li))
        for queue in ("pre_review", "opinion", ""):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/decisions/", {"queue": queue}).status_code == 200
            counts[(n, queue)] = len(ctx.captured_queries)
    for queue in ("pre_review", "opinion", ""):
        assert counts[(20, queue)] == counts[(3, queue)], counts


# --- each step's refusals -----------------------------------------------------------------------------

def test_decision_page_says_what_is_missing_and_refuses_without_pre_review(client, case):
    t = case
    m = submit(t, t.major)
    client.force_login(t.sec_a)
    page = client.get(f"/decisions/{m.pk}/decide/").content.decode()
    assert 'id="decision-missing"' in page and "尚无党委前置把关记录" in page
    assert "尚无党委前置把关记录" in client.get(f"/decisions/{m.pk}/").content.decode()
    before = state(m)
    response = client.post(f"/decisions/{m.pk}/decide/", {"meeting": t.joint.pk, "outcome": "adopted",
                                                          "text": "通过", "expected_version": m.version})
    assert response.status_code == 200
    assert "不能登记联席会议决定" in messages_of(response)
    assert state(m) == before


def test_decision_after_pre_review_is_recorded(client, case):
    t = case
    m = pre_reviewed(t, t.major)
    client.force_login(t.sec_a)
    page = client.get(f"/decisions/{m.pk}/decide/")
    assert 'id="decision-ready"' in page.content.decode()
    offered = [str(v) for v, _label in page.context["form"].fields["meeting"].choices if v]
    assert offered == [str(t.joint2.pk), str(t.joint.pk)]
    response = client.post(f"/decisions/{m.pk}/decide/", {"meeting": t.joint.pk, "outcome": "adopted",
                                                          "text": "通过", "expected_version": m.version})
    assert response.status_code == 302
    m = testing.refetch(m)
    assert m.status == Status.DECIDED and m.decided_on == t.joint.held_on


def test_pre_review_at_the_wrong_meeting_is_refused_with_the_reason(client, case):
    t = case
    m = submit(t, t.major)
    client.force_login(t.sec_a)
    form = client.get(f"/decisions/{m.pk}/pre-review/").context["form"]
    offered = [str(v) for v, _label in form.fields["meeting"].choices if v]
    assert offered == [str(t.committee2.pk), str(t.committee.pk)]  # the joint meeting is not offered
    before = state(m)
    response = client.post(f"/decisions/{m.pk}/pre-review/", {"meeting": t.joint.pk, "outcome": "agreed",
                                                              "expected_version": m.version})
    assert response.status_code == 200
    assert "须在党委会上作出" in messages_of(response)
    assert state(m) == before


def test_branch_opinion_from_the_wrong_meeting_is_refused_then_recorded(client, case):
    t = case
    m = submit(t, t.personnel)
    request = BranchOpinion.objects.get(matter=m)
    client.force_login(t.sec_a)
    trail = client.get(f"/decisions/{m.pk}/?tab=trail").content.decode()
    assert f'id="opinion-{request.pk}"' in trail
    form = client.get(f"/decisions/opinions/{request.pk}/").context["form"]
    assert [str(v) for v, _label in form.fields["meeting"].choices if v] == [str(t.branch_meeting.pk)]
    before = state(m)
    response = client.post(f"/decisions/opinions/{request.pk}/", {"meeting": t.committee.pk, "opinion": "agree",
                                                                 "reasons": "表现突出"})
    assert response.status_code == 200
    assert "支部意见须来自甲学院教工第一党支部的会议" in messages_of(response)
    assert state(m) == before
    response = client.post(f"/decisions/opinions/{request.pk}/", {"meeting": t.branch_meeting.pk,
                                                                 "opinion": "agree", "reasons": "表现突出"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.opinion == "agree" and request.meeting == t.branch_meeting


def test_editing_a_decided_matter_is_refused_and_a_correction_is_linked(client, case):
    t = case
    m = decided(t, t.major)
    client.force_login(t.sec_a)
    page = client.get(f"/decisions/{m.pk}/edit/").content.decode()
    assert 'id="matter-frozen"' in page
    data = testing.initial_form_data(MatterForm(instance=m, user=t.sec_a))
    data["title"] = "改名"
    before = state(m)
    response = client.post(f"/decisions/{m.pk}/edit/", data)
    assert response.status_code == 200
    assert "更正记录" in response.content.decode()
    assert state(m) == before
    detail = client.get(f"/decisions/{m.pk}/").content.decode()
    assert 'id="matter-correct"' in detail and 'id="matter-edit"' not in detail
    response = client.post(f"/decisions/{m.pk}/correct/", {"title": "学院发展规划调整（更正）",
                                                           "description": "补充实施时间"})
    assert response.status_code == 302
    correction = Matter.objects.get(corrects=m)
    assert correction.status == Status.DRAFT and response["Location"] == correction.get_absolute_url()
    assert correction.title in client.get(f"/decisions/{m.pk}/").content.decode()


def test_two_reviewers_at_once_the_second_is_told(client, case):
    t = case
    m = submit(t, t.major)
    first, second = client, client.__class__()
    first.force_login(t.sec_a)
    second.force_login(t.org_admin)
    seen_a = first.get(f"/decisions/{m.pk}/pre-review/").context["form"]["expected_version"].value()
    seen_b = second.get(f"/decisions/{m.pk}/pre-review/").context["form"]["expected_version"].value()
    assert first.post(f"/decisions/{m.pk}/pre-review/", {"meeting": t.committee.pk, "outcome": "agreed",
                                                         "expected_version": seen_a}).status_code == 302
    before = state(m)
    response = second.post(f"/decisions/{m.pk}/pre-review/", {"meeting": t.committee.pk, "outcome": "returned",
                                                              "opinion": "不同意", "expected_version": seen_b})
    assert response.status_code == 200
    told = messages_of(response)
    assert "该记录已被他人修改" in told and "sec_a" in told
    assert state(m) == before and PreReview.objects.count() == 1


def test_returned_opinion_is_required_by_the_form_page(client, case):
    t = case
    m = submit(t, t.major)
    client.force_login(t.sec_a)
    before = state(m)
    response = client.post(f"/decisions/{m.pk}/pre-review/", {"meeting": t.committee.pk, "outcome": "returned",
                                                              "opinion": "", "expected_version": m.version})
    assert response.status_code == 200
    assert "须写明党委意见" in messages_of(response)
    assert state(m) == before


# --- documents, print, organisation tab ----------------------------------------------------------------

def test_documents_upload_and_download_with_a_safe_response(client, case):
    t = case
    client.force_login(t.sec_a)
    response = client.post(f"/decisions/{t.major.pk}/documents/",
                           {"file": SimpleUploadedFile("方案 2024.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert response.status_code == 302
    doc = Document.objects.get(matter=t.major)
    response = client.post(f"/decisions/{t.major.pk}/documents/",
                           {"file": SimpleUploadedFile("脚本.pdf", b"<script>alert(1)</script>")})
    assert Document.objects.count() == 1 and messages_of(client.get(response["Location"]))
    response = client.get(f"/decisions/documents/{doc.pk}/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''%E6%96%B9%E6%A1%88%202024.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(t.sec_b)
    assert client.get(f"/decisions/documents/{doc.pk}/").status_code == 404


def test_print_view_has_the_whole_trail(client, case):
    t = case
    m = decided(t, t.major)
    client.force_login(t.sec_a)
    response = client.get(f"/decisions/{m.pk}/print/")
    assert response.status_code == 200
    body = response.content.decode()
    assert m.title in body and str(t.committee) in body and str(t.joint) in body
    assert "navbar" not in body  # no navigation on paper
    assert 'id="matter-events"' in body and body.count("<tr") >= 6


def test_trail_tab_queries_do_not_grow_with_opinions(client, case, django_assert_max_num_queries):
    from conftest import make_person

    t = case
    m = t.personnel
    client.force_login(t.sec_a)
    services.update_matter(t.sec_a, m, {}, people=[t.zhang] + [make_person(t.ca_b1, f"人员{i}") for i in range(8)])
    submit(t, m)
    with django_assert_max_num_queries(25):
        response = client.get(f"/decisions/{m.pk}/?tab=trail")
    assert response.status_code == 200 and response.content.decode().count("data-opinion=") == 9


def test_organisation_tab_counts_matters_by_status(client, case):
    t = case
    submit(t, t.major)
    client.force_login(t.sec_a)
    response = client.get(f"{t.ca.get_absolute_url()}?tab=matters")
    assert response.status_code == 200
    counts = {s.value: n for s, n, _url in response.context["counts"]}
    assert counts[Status.SUBMITTED] == 1 and counts[Status.DRAFT] == 1 and response.context["total"] == 2
    assert t.outside.title not in response.content.decode()


def test_detail_buttons_follow_role_and_status(client, case):
    t = case
    m = submit(t, t.major)
    client.force_login(t.sec_a)
    page = client.get(f"/decisions/{m.pk}/").content.decode()
    assert 'id="matter-pre-review"' in page and 'id="matter-decide"' in page and 'id="matter-edit"' not in page
    client.force_login(t.sec_b1)  # asked for no opinion on this matter: cannot even see it
    assert client.get(f"/decisions/{m.pk}/").status_code == 404


def test_templates_have_no_untranslated_chinese():
    from tests.test_i18n import untranslated_template_text

    root = Path(settings.BASE_DIR) / "decisions" / "templates"
    found = {str(p): untranslated_template_text(p.read_text(encoding="utf-8")) for p in root.rglob("*.html")}
    assert {k: v for k, v in found.items() if v} == {}
