"""/api/matters/ and /api/branch-opinions/: scoped reads (404 outside), writes through decisions.services, 400
with what is missing and nothing written on a refusal, 409 on a stale version, a flat query count on the list."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions import services
from decisions.choices import Status
from decisions.models import BranchOpinion, Decision, Event, Matter, PreReview

MATTERS, OPINIONS = "/api/matters/", "/api/branch-opinions/"
JSON = "application/json"
D = date(2024, 3, 1)

pytestmark = pytest.mark.django_db


def url(matter, action=""):
    return f"{MATTERS}{matter.pk}/{action + '/' if action else ''}"


def snapshot():
    return (list(Matter.objects.order_by("pk").values_list("pk", "title", "status", "version")),
            PreReview.objects.count(), Decision.objects.count(), Event.objects.count(),
            list(BranchOpinion.objects.order_by("pk").values_list("opinion", flat=True)))


def test_reads_are_scoped_and_outside_is_404(client, login, matters):
    t = matters
    assert client.get(MATTERS).status_code in (401, 403)
    assert {r["id"] for r in login(t.sec_a).get(MATTERS).json()["results"]} == {t.major.pk, t.personnel.pk}
    c = login(t.sec_b)
    assert c.get(MATTERS).json()["count"] == 0
    before = snapshot()
    for response in (c.get(url(t.major)), c.post(url(t.major, "submit"), {"version": 1}, content_type=JSON),
                     c.patch(url(t.major), {"title": "x", "version": 1}, content_type=JSON),
                     c.post(url(t.major, "decide"), {"meeting": t.joint.pk, "outcome": "adopted", "version": 1},
                            content_type=JSON)):
        assert response.status_code == 404 and response.json() == {"detail": "未找到该记录"}
    assert snapshot() == before


def test_create_and_edit_with_people_and_a_stale_version_is_409(login, matters):
    t = matters
    c = login(t.sec_a)
    response = c.post(MATTERS, {"title": "干部考察推荐", "category": "cadre_vetting", "organization": "CA",
                                "proposer": t.li.pk, "people": [t.zhang.pk]}, content_type=JSON)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["people"], data["organization_code"]) == ("draft", [t.zhang.pk], "CA")
    matter = Matter.objects.get(pk=data["id"])
    response = c.patch(url(matter), {"description": "补充考察材料", "people": [], "version": 1}, content_type=JSON)
    assert response.status_code == 200 and response.json()["people"] == [] and response.json()["version"] == 2
    response = c.patch(url(matter), {"title": "旧版本的修改", "version": 1}, content_type=JSON)
    assert response.status_code == 409
    assert Matter.objects.get(pk=matter.pk).title == "干部考察推荐"
    # Another college's organisation is not found; a missing version is refused.
    assert c.post(MATTERS, {"title": "x", "category": "other", "organization": "CB", "proposer": t.li.pk},
                  content_type=JSON).status_code == 400
    assert c.patch(url(matter), {"title": "x"}, content_type=JSON).status_code == 400


def test_submit_pre_review_and_decide_through_the_api(login, matters):
    t = matters
    c = login(t.sec_a)
    response = c.post(url(t.major, "submit"), {"version": t.major.version}, content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    # The meetings of the fixture are in 2024: date the submission before them.
    Matter.objects.filter(pk=t.major.pk).update(submitted_on=D)
    version = response.json()["version"]
    response = c.post(url(t.major, "pre-review"), {"meeting": t.committee.pk, "outcome": "agreed_with_changes",
                                                   "opinion": "补充经费测算", "version": version}, content_type=JSON)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "pre_reviewed"
    assert [(r["meeting"], r["outcome"], r["held_on"]) for r in data["pre_reviews"]] == \
        [(t.committee.pk, "agreed_with_changes", "2024-03-05")]
    response = c.post(url(t.major, "decide"), {"meeting": t.joint.pk, "outcome": "adopted", "text": "同意",
                                               "version": data["version"]}, content_type=JSON)
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["decided_on"]) == ("decided", "2024-03-20")
    assert [d["outcome"] for d in data["decisions"]] == ["adopted"]
    # Decided: not edited any more.
    response = c.patch(url(t.major), {"title": "改", "version": data["version"]}, content_type=JSON)
    assert response.status_code == 400 and "更正记录" in response.json()["detail"]


def test_refusals_say_what_is_missing_and_write_nothing(login, matters):
    t = matters
    m = services.submit_matter(t.sec_a, t.major, today=D)
    c = login(t.sec_a)
    before = snapshot()
    response = c.post(url(m, "decide"), {"meeting": t.joint.pk, "outcome": "adopted", "version": m.version},
                      content_type=JSON)
    assert response.status_code == 400 and "尚无党委前置把关记录" in response.json()["detail"]
    response = c.post(url(m, "pre-review"), {"meeting": t.joint.pk, "outcome": "agreed", "version": m.version},
                      content_type=JSON)
    assert response.status_code == 400 and "须在党委会上作出" in response.json()["detail"]
    response = c.post(url(m, "pre-review"), {"meeting": t.committee.pk, "outcome": "returned", "version": m.version},
                      content_type=JSON)
    assert response.status_code == 400 and "opinion" in response.json()
    # Another college's meeting is not even found.
    response = c.post(url(m, "pre-review"), {"meeting": t.cb_committee.pk, "outcome": "agreed",
                                             "version": m.version}, content_type=JSON)
    assert response.status_code == 400 and "meeting" in response.json()
    assert snapshot() == before


def test_two_reviewers_at_once_the_second_is_told_409(login, matters):
    t = matters
    m = services.submit_matter(t.sec_a, t.major, today=D)
    body = {"meeting": t.committee.pk, "outcome": "agreed", "version": m.version}
    assert login(t.sec_a).post(url(m, "pre-review"), body, content_type=JSON).status_code == 200
    response = login(t.org_admin).post(url(m, "pre-review"), {**body, "outcome": "returned", "opinion": "不同意"},
                                       content_type=JSON)
    # The transition is checked first, so the second reviewer is told the matter has moved on.
    # The second is told who acted and what changed (the stale version is checked first).
    assert response.status_code == 409 and "sec_a" in response.json()["detail"]
    assert PreReview.objects.count() == 1 and Matter.objects.get(pk=m.pk).status == Status.PRE_REVIEWED


def test_submitting_a_version_someone_has_since_edited_is_409(login, matters):
    t = matters
    seen = t.major.version
    services.update_matter(t.sec_a, t.major, {"description": "补充"})
    response = login(t.sec_a).post(url(t.major, "submit"), {"version": seen}, content_type=JSON)
    assert response.status_code == 409
    assert Matter.objects.get(pk=t.major.pk).status == Status.DRAFT


def test_a_proposing_member_sees_their_matter_but_cannot_review_it(login, matters):
    from accounts.roles import Role
    from conftest import make_user

    t = matters
    proposer = make_user("li_member", Role.MEMBER, t.ca_b1, include_subtree=False, person=t.li)
    m = services.submit_matter(t.sec_a, t.major, today=D)
    c = login(proposer)
    assert c.get(url(m)).status_code == 200
    response = c.post(url(m, "pre-review"), {"meeting": t.committee.pk, "outcome": "agreed", "version": m.version},
                      content_type=JSON)
    assert response.status_code in (400, 403)  # the committee meeting may be out of the member's sight
    assert not PreReview.objects.exists()


def test_branch_opinions_are_the_branchs_inbox_and_recorded_from_its_meeting(login, matters):
    t = matters
    m = services.submit_matter(t.sec_a, t.personnel, today=D)
    request = BranchOpinion.objects.get(matter=m)
    record = f"{OPINIONS}{request.pk}/record/"
    before = snapshot()
    c = login(t.sec_b)  # (one test client: each login() switches who it is)
    assert c.get(OPINIONS).json()["count"] == 0
    assert c.post(record, {"opinion": "agree", "reasons": "x", "meeting": t.branch_meeting.pk},
                  content_type=JSON).status_code == 404
    c = login(t.sec_b1)
    rows = c.get(OPINIONS).json()["results"]
    assert [(r["id"], r["branch"], r["person"], r["pending"], r["matter_title"]) for r in rows] == \
        [(request.pk, t.ca_b1.pk, t.zhang.pk, True, m.title)]
    # The branch reads the matter it is asked about, but cannot edit it.
    assert c.get(url(m)).status_code == 200
    assert c.patch(url(m), {"title": "x", "version": m.version}, content_type=JSON).status_code == 403
    response = c.post(record, {"opinion": "agree", "reasons": "  ", "meeting": t.branch_meeting.pk},
                      content_type=JSON)
    assert response.status_code == 400
    assert snapshot() == before
    response = c.post(record, {"opinion": "agree", "reasons": "政治素质好，业务能力强", "meeting": t.branch_meeting.pk},
                      content_type=JSON)
    assert response.status_code == 200, response.json()
    assert (response.json()["opinion"], response.json()["pending"]) == ("agree", False)
    assert c.get(OPINIONS).json()["count"] == 0
    assert [r["id"] for r in c.get(f"{OPINIONS}?pending=false").json()["results"]] == [request.pk]
    response = c.post(record, {"opinion": "disagree", "reasons": "再议", "meeting": t.branch_meeting.pk},
                      content_type=JSON)
    assert response.status_code == 400 and "已就" in response.json()["detail"]
    # The opinion is in: the committee can decide.
    response = login(t.sec_a).post(url(m, "decide"), {"meeting": t.joint.pk, "outcome": "adopted",
                                                      "version": Matter.objects.get(pk=m.pk).version},
                                   content_type=JSON)
    assert response.status_code == 200 and response.json()["opinions"][0]["opinion"] == "agree"


def test_no_create_or_delete_of_opinion_requests_and_no_delete_of_matters(login, matters):
    t = matters
    c = login(t.sec_a)
    assert c.post(OPINIONS, {}, content_type=JSON).status_code == 405
    assert c.delete(url(t.major)).status_code == 405
    assert Matter.objects.filter(pk=t.major.pk).exists()


def test_list_query_count_does_not_grow_with_rows(login, matters):
    t = matters
    c = login(t.sec_a)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(MATTERS).status_code == 200
        return len(ctx)

    services.submit_matter(t.sec_a, t.personnel, today=D)
    services.record_pre_review(t.sec_a, services.submit_matter(t.sec_a, t.major, today=D), t.committee, "agreed",
                               today=D.replace(month=12))
    few = count()
    for n in range(6):
        m = services.create_matter(t.sec_a, title=f"事项{n}", category="awards", organization=t.ca, proposer=t.li,
                                   people=[t.zhang, t.wang])
        services.submit_matter(t.sec_a, m, today=D)
        services.record_pre_review(t.sec_a, services.submit_matter(
            t.sec_a, services.create_matter(t.sec_a, title=f"重大{n}", category="faculty", organization=t.ca,
                                            proposer=t.li), today=D), t.committee, "agreed", today=D.replace(month=12))
    assert count() == few
