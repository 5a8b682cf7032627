"""The decision figures against independent counts from the pre-review, decision and opinion rows (not the
timeline the figures read), as of past dates, per subtree and within the user's scope."""
import statistics
from datetime import date

import pytest

from core.figures import Period, registry
from core.scoping import SYSTEM, path_range
from decisions import services
from decisions.choices import MAJOR, PERSONNEL, DecisionOutcome, ReviewOutcome
from decisions.models import BranchOpinion, Decision, Matter, PreReview

Y2024 = Period.year(2024)
D = date(2024, 3, 1)
LATER = date(2024, 12, 31)


def records(code, org, user=None, as_of=None, period=Y2024):
    return list(registry.get(code).records(user, org, period, as_of))


def value(code, org, user=None, as_of=None, period=Y2024):
    return registry.get(code).value(user, org, period, as_of)


@pytest.fixture
def year(matters):
    """College A: a major matter reviewed and decided; one returned, resubmitted, reviewed and decided; one
    reviewed and deferred; a personnel matter decided with its branch's opinion; a matter decided without any
    pre-review and later re-filed as major (a gap), another re-filed as personnel (no opinion asked).
    College B: a major matter reviewed, not decided yet."""
    t = matters
    s = services
    t.major = s.record_decision(t.sec_a, s.record_pre_review(t.sec_a, s.submit_matter(t.sec_a, t.major, today=D),
                                                             t.committee, "agreed", today=LATER),
                                t.joint, "adopted", today=LATER)
    new = dict(organization=t.ca, proposer=t.li)
    t.twice = s.submit_matter(t.sec_a, s.create_matter(t.sec_a, title="教师队伍建设方案", category="faculty", **new),
                              today=D)
    t.twice = s.record_pre_review(t.sec_a, t.twice, t.committee, "returned", "补充调研", today=LATER)
    t.twice = s.submit_matter(t.sec_a, t.twice, today=date(2024, 3, 25))
    t.twice = s.record_pre_review(t.sec_a, t.twice, t.committee2, "agreed_with_changes", "完善细则", today=LATER)
    t.twice = s.record_decision(t.sec_a, t.twice, t.joint2, "rejected", "暂不实施", today=LATER)
    t.deferred = s.submit_matter(t.sec_a, s.create_matter(t.sec_a, title="食堂价格调整", category="interests", **new),
                                 today=D)
    t.deferred = s.record_decision(t.sec_a, s.record_pre_review(t.sec_a, t.deferred, t.committee, "agreed",
                                                                today=LATER), t.joint, "deferred", today=LATER)
    t.personnel = s.submit_matter(t.sec_a, t.personnel, today=D)
    s.record_branch_opinion(t.sec_b1, BranchOpinion.objects.get(matter=t.personnel), "agree", "同意推荐",
                            t.branch_meeting, today=LATER)
    t.personnel = s.record_decision(t.sec_a, t.personnel, t.joint, "adopted", today=LATER)
    t.gap, t.no_opinion = (
        s.record_decision(t.sec_a, s.submit_matter(t.sec_a, s.create_matter(t.sec_a, title=title, category="other",
                                                                            **new), today=date(2024, 3, 10)),
                          t.joint, "adopted", today=LATER) for title in ("校园改造", "年度评优"))
    Matter.objects.filter(pk=t.gap.pk).update(category="interests")
    Matter.objects.filter(pk=t.no_opinion.pk).update(category="awards")
    t.cb_major = s.create_matter(SYSTEM, title="乙学院学科调整", category="direction", organization=t.cb,
                                 proposer=t.wang)
    t.cb_major = s.record_pre_review(SYSTEM, s.submit_matter(SYSTEM, t.cb_major, today=D), t.cb_committee, "agreed",
                                     today=LATER)
    return t


def in_subtree(matter_ids, org):
    lo, hi = path_range(org.path)
    return set(Matter.objects.filter(pk__in=matter_ids, organization__path__gte=lo, organization__path__lt=hi))


def decided_independently(org, start, end):
    """Matters with an adoption or rejection recorded at a joint meeting held in [start, end]."""
    ids = Decision.objects.filter(meeting__held_on__gte=start, meeting__held_on__lte=end).exclude(
        outcome=DecisionOutcome.DEFERRED).values_list("matter_id", flat=True)
    return in_subtree(ids, org)


def reviewed_independently(org, start, end, returned):
    rows = PreReview.objects.filter(meeting__held_on__gte=start, meeting__held_on__lte=end)
    rows = rows.filter(outcome=ReviewOutcome.RETURNED) if returned else rows.exclude(outcome=ReviewOutcome.RETURNED)
    return in_subtree(rows.values_list("matter_id", flat=True), org)


@pytest.mark.parametrize("org_name", ["root", "ca", "cb"])
def test_counts_equal_independent_counts_per_subtree(year, org_name):
    t = year
    org = getattr(t, org_name)
    submitted = in_subtree(Matter.objects.filter(submitted_on__year=2024).values_list("pk", flat=True), org)
    assert set(records("decisions.submitted", org)) == submitted
    assert set(records("decisions.pre_reviewed", org)) == reviewed_independently(org, Y2024.start, Y2024.end, False)
    assert set(records("decisions.returned", org)) == reviewed_independently(org, Y2024.start, Y2024.end, True)
    assert set(records("decisions.decided", org)) == decided_independently(org, Y2024.start, Y2024.end)


def test_the_expected_matters_are_counted(year):
    t = year
    assert set(records("decisions.submitted", t.ca)) == {t.major, t.twice, t.deferred, t.personnel, t.gap,
                                                         t.no_opinion}
    assert set(records("decisions.pre_reviewed", t.root)) == {t.major, t.twice, t.deferred, t.cb_major}
    assert records("decisions.returned", t.ca) == [t.twice]
    assert set(records("decisions.decided", t.ca)) == {t.major, t.twice, t.personnel, t.gap, t.no_opinion}
    assert value("decisions.decided", t.cb) == 0  # reviewed, not decided (deferred matters are not decided either)


def test_share_of_major_matters_reviewed_first_lists_the_gap_first(year):
    t = year
    rows = records("decisions.major.pre_review_rate", t.ca)
    assert rows[0] == t.gap and set(rows) == {t.gap, t.major, t.twice}
    # Independently: decided major matters with an agreed review at a meeting held no later than the decision.
    decided = [m for m in decided_independently(t.ca, Y2024.start, Y2024.end) if m.category in MAJOR]
    reviewed = [m for m in decided if PreReview.objects.filter(
        matter=m, meeting__held_on__lte=m.decided_on).exclude(outcome=ReviewOutcome.RETURNED).exists()]
    assert value("decisions.major.pre_review_rate", t.ca) == round(100 * len(reviewed) / len(decided), 1) == 66.7
    assert value("decisions.major.pre_review_rate", t.cb) is None  # nothing decided: no rate, not 0 %


def test_personnel_matters_decided_with_every_branch_opinion(year):
    t = year
    decided = [m for m in decided_independently(t.ca, Y2024.start, Y2024.end) if m.category in PERSONNEL]
    complete = [m for m in decided if BranchOpinion.objects.filter(matter=m).exists() and all(
        o.opinion and o.meeting and o.meeting.held_on <= m.decided_on for o in BranchOpinion.objects.filter(matter=m))]
    assert set(records("decisions.personnel.with_opinions", t.ca)) == set(complete) == {t.personnel}
    assert t.no_opinion in decided  # decided as personnel, but no branch was asked: not counted


def test_median_days_from_first_submission_to_decision(year):
    t = year
    firsts = {t.major: D, t.twice: D, t.personnel: D, t.gap: date(2024, 3, 10), t.no_opinion: date(2024, 3, 10)}
    days = [(Matter.objects.get(pk=m.pk).decided_on - first).days for m, first in firsts.items()]
    assert value("decisions.median_days", t.ca) == statistics.median(days) == 19
    # The returned matter counts from its first submission (3-1 to 4-20), not its resubmission (3-25).
    assert value("decisions.median_days", t.ca, period=Period.month(2024, 4)) == 50


def test_as_of_a_past_day_counts_only_what_had_happened(year):
    t = year
    on = date(2024, 3, 15)
    assert set(records("decisions.pre_reviewed", t.ca, as_of=on)) == {t.major, t.deferred}
    assert records("decisions.returned", t.ca, as_of=on) == [t.twice]
    assert records("decisions.decided", t.ca, as_of=on) == []
    assert value("decisions.major.pre_review_rate", t.ca, as_of=on) is None
    assert set(records("decisions.submitted", t.ca, as_of=on)) == {t.major, t.twice, t.deferred, t.personnel, t.gap,
                                                                    t.no_opinion}


def test_figures_stay_within_the_users_scope(year):
    t = year
    assert set(records("decisions.pre_reviewed", t.root, user=t.sec_b)) == {t.cb_major}
    assert value("decisions.decided", t.root, user=t.sec_b) == 0
    assert value("decisions.decided", t.root, user=t.org_admin) == 5


def test_the_drill_down_page_lists_the_gap_first(year, login):
    from django.urls import reverse

    t = year
    response = login(t.sec_a).get(reverse("figure_detail", args=["decisions.major.pre_review_rate"]),
                                  {"org": t.ca.pk, "year": 2024})
    assert response.status_code == 200
    page = response.content.decode()
    assert "66.7" in page and page.index(t.gap.title) < page.index(t.major.title) < page.index(t.twice.title)
