"""Every transition of the table, legal and illegal; the category rules; bad input leaves nothing."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import BusinessRuleError, NotInScope, StaleEdit
from decisions import services
from decisions.choices import Action, Status
from decisions.models import BranchOpinion, Decision, Event, Matter, PreReview

D = date(2024, 3, 1)
LATER = date(2024, 12, 31)


def submitted(t, matter):
    return services.submit_matter(t.sec_a, matter, today=D)


def reviewed(t, matter, outcome="agreed", meeting=None):
    return services.record_pre_review(t.sec_a, matter, meeting or t.committee, outcome, "意见", today=LATER)


def state(matter):
    m = Matter.objects.get(pk=matter.pk)
    return (m.status, m.version, PreReview.objects.count(), Decision.objects.count(), Event.objects.count(),
            list(BranchOpinion.objects.values_list("opinion", flat=True)))


def test_major_matter_goes_through_pre_review_to_decision(matters):
    t = matters
    m = submitted(t, t.major)
    assert m.status == Status.SUBMITTED and m.submitted_on == D
    m = reviewed(t, m)
    assert m.status == Status.PRE_REVIEWED
    m = services.record_decision(t.sec_a, m, t.joint, "adopted", "同意调整", today=LATER)
    assert m.status == Status.DECIDED and m.decided_on == t.joint.held_on
    assert [e.action for e in m.events.all()] == [Action.SUBMIT, Action.PRE_REVIEW_AGREE, Action.DECIDE]


def test_decision_without_pre_review_says_what_is_missing_and_changes_nothing(matters):
    t = matters
    m = submitted(t, t.major)
    before = state(m)
    with pytest.raises(BusinessRuleError) as exc:
        services.record_decision(t.sec_a, m, t.joint, "adopted", today=LATER)
    assert "尚无党委前置把关记录" in exc.value.message
    assert state(m) == before


def test_returned_matter_goes_back_to_the_proposer_and_is_resubmitted(matters):
    t = matters
    m = reviewed(t, submitted(t, t.major), "returned")
    assert m.status == Status.RETURNED
    with pytest.raises(BusinessRuleError):
        services.record_decision(t.sec_a, m, t.joint, "adopted", today=LATER)
    m = services.update_matter(t.sec_a, m, {"description": "已按党委意见修改"})
    m = services.submit_matter(t.sec_a, m, today=date(2024, 3, 25))
    m = reviewed(t, m, "agreed_with_changes", t.committee2)
    assert services.record_decision(t.sec_a, m, t.joint2, "adopted", today=LATER).status == Status.DECIDED


@pytest.mark.parametrize("meeting, reason", [
    ("cb_committee", "须在甲学院党委的会议上作出"),
    ("joint", "须在党委会上作出"),
    ("branch_meeting", "须在甲学院党委的会议上作出"),
])
def test_pre_review_at_the_wrong_organisation_or_kind_is_refused(matters, meeting, reason):
    t = matters
    m = submitted(t, t.major)
    before = state(m)
    with pytest.raises(BusinessRuleError) as exc:
        reviewed(t, m, meeting=getattr(t, meeting))
    assert reason in exc.value.message
    assert state(m) == before


def test_pre_review_dated_after_the_decision_meeting_is_refused(matters):
    t = matters
    m = reviewed(t, submitted(t, t.major), meeting=t.committee2)  # 4-5
    with pytest.raises(BusinessRuleError) as exc:
        services.record_decision(t.sec_a, m, t.joint, "adopted", today=LATER)  # 3-20
    assert "晚于联席会议日期" in exc.value.message


def test_personnel_matter_needs_the_right_branchs_opinion(matters):
    t = matters
    m = submitted(t, t.personnel)
    request = BranchOpinion.objects.get(matter=m)
    assert request.branch == t.ca_b1 and request.pending
    with pytest.raises(BusinessRuleError) as exc:
        services.record_decision(t.sec_a, m, t.joint, "adopted", today=LATER)
    assert "尚缺以下党支部意见" in exc.value.message and t.ca_b1.name in exc.value.message
    # Another college's secretary cannot answer; the opinion must come from the branch's own meeting.
    with pytest.raises(NotInScope):
        services.record_branch_opinion(t.sec_b, request, "agree", "表现突出", t.branch_meeting, today=LATER)
    with pytest.raises(BusinessRuleError):
        services.record_branch_opinion(t.sec_b1, request, "agree", "表现突出", t.committee, today=LATER)
    services.record_branch_opinion(t.sec_b1, request, "agree", "表现突出", t.branch_meeting, today=LATER)
    m = services.record_decision(t.sec_a, m, t.joint, "adopted", today=LATER)
    assert m.status == Status.DECIDED


def test_branch_opinion_from_a_branch_the_person_had_left_is_refused(matters):
    from members.models import Membership

    t = matters
    m = submitted(t, t.personnel)
    request = BranchOpinion.objects.get(matter=m)
    # 张嘉恒 transferred to CA-B2 on 3-8: on the branch meeting's day (3-10) CA-B1 is not his branch.
    Membership.objects.filter(person=t.zhang, valid_to__isnull=True).update(valid_to=date(2024, 3, 8))
    Membership.objects.create(person=t.zhang, organization=t.ca_b2, valid_from=date(2024, 3, 8))
    with pytest.raises(BusinessRuleError) as exc:
        services.record_branch_opinion(t.sec_b1, request, "agree", "理由", t.branch_meeting, today=LATER)
    assert "不是甲学院教工第一党支部的党员" in exc.value.message
    assert BranchOpinion.objects.get(pk=request.pk).pending


def test_a_decided_matter_is_not_edited_a_correction_is_linked(matters):
    t = matters
    m = services.record_decision(t.sec_a, reviewed(t, submitted(t, t.major)), t.joint, "adopted", today=LATER)
    with pytest.raises(BusinessRuleError) as exc:
        services.update_matter(t.sec_a, m, {"title": "改"})
    assert "更正记录" in exc.value.message
    correction = services.create_correction(t.sec_a, m, description="更正：补充实施时间")
    assert correction.corrects == m and correction.status == Status.DRAFT


def test_two_reviewers_at_once_one_wins_the_other_is_told(matters):
    t = matters
    m = submitted(t, t.major)
    seen = m.version
    services.record_pre_review(t.sec_a, m, t.committee, "agreed", expected_version=seen, today=LATER)
    with pytest.raises(StaleEdit) as exc:
        services.record_pre_review(t.org_admin, m, t.committee, "returned", "不同意", expected_version=seen,
                                   today=LATER)
    assert "sec_a" in exc.value.message
    assert PreReview.objects.count() == 1 and Matter.objects.get(pk=m.pk).status == Status.PRE_REVIEWED


def test_a_proposing_member_cannot_review_or_decide(matters):
    from accounts.roles import Role
    from conftest import make_user

    t = matters
    proposer = make_user("li_member", Role.MEMBER, t.ca_b1, include_subtree=False, person=t.li)
    m = submitted(t, t.major)
    assert Matter.objects.restrict(proposer).filter(pk=m.pk).exists()
    with pytest.raises(PermissionDenied):
        services.record_pre_review(proposer, m, t.committee, "agreed", today=LATER)


# Every (status, action) pair: legal ones move as the table says, illegal ones are refused.
ALL_PAIRS = [(s, a) for s in Status for a in Action]


@pytest.mark.parametrize("status, action", ALL_PAIRS)
def test_transition_table(matters, status, action):
    t = matters
    m = t.major
    Matter.objects.filter(pk=m.pk).update(status=status)
    m.refresh_from_db()
    if (status, action) in services.TRANSITIONS:
        assert services.next_status(m, action) == services.TRANSITIONS[(status, action)]
    else:
        with pytest.raises(BusinessRuleError):
            services.next_status(m, action)


def test_documents_are_checked_and_stored_and_frozen_once_decided(matters):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    t = matters
    doc = services.add_document(t.sec_a, t.major, SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert doc.content_type == "application/pdf" and doc.size > 0
    with pytest.raises(ValidationError):
        services.add_document(t.sec_a, t.major, SimpleUploadedFile("脚本.pdf", b"<script>alert(1)</script>"))
    m = services.record_decision(t.sec_a, reviewed(t, submitted(t, t.major)), t.joint, "adopted", today=LATER)
    with pytest.raises(BusinessRuleError):
        services.add_document(t.sec_a, m, SimpleUploadedFile("补充.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert m.documents.count() == 1


def test_a_meeting_a_pre_review_was_held_at_cannot_be_deleted(matters):
    from meetings.models import Meeting
    from meetings.services import delete_meeting

    t = matters
    reviewed(t, submitted(t, t.major))
    with pytest.raises(BusinessRuleError) as exc:
        delete_meeting(t.sec_a, t.committee)
    assert "已被其他记录引用" in exc.value.message and "前置把关" in exc.value.message
    assert Meeting.objects.filter(pk=t.committee.pk).exists()
