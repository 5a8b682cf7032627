"""The decisions part of the demo: every category and status, every decided major matter with an agreed
pre-review at an earlier committee meeting of its college, every branch opinion from the branch that held the
person on the meeting's day, work waiting now for the demo logins, and a second run that changes nothing.

The university (members demo) and its logins are built once for the class, then the decisions builder (which
makes the committee, joint and branch meetings it needs, since the meetings builder is not run), inside a
transaction rolled back at the end."""
import time
from collections import Counter
from datetime import date

import pytest
from django.db import transaction

from accounts.models import User
from decisions.choices import MAJOR, PERSONNEL, Category, Status
from decisions.demo import build as decisions_demo
from decisions.models import BranchOpinion, Decision, Event, Matter, PreReview
from meetings.choices import Kind
from members.demo.build import build as build_university
from members.management.commands.demo import Command as DemoCommand
from members.models import Membership


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        state = build_university(date.today())
        DemoCommand().create_logins(state)
        started = time.monotonic()
        summary = decisions_demo.build(state)
        yield {"state": state, "summary": summary, "seconds": time.monotonic() - started}
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestDecisionsDemo:
    def test_reports_what_it_built(self, demo):
        # How long it takes is measured by bench/demo.sh, not asserted here.
        print(f"decisions demo took {demo['seconds']:.1f} s: {demo['summary']}")  # noqa: T201
        assert demo["summary"].startswith("重大事项决策演示数据：事项")

    def test_every_category_and_every_status(self, demo):
        assert set(Matter.objects.values_list("category", flat=True)) == set(Category.values)
        by_status = Counter(Matter.objects.values_list("status", flat=True))
        assert set(by_status) == set(Status.values), by_status
        assert by_status[Status.DECIDED] > by_status[Status.SUBMITTED] > 0
        # 2019 is finished: every matter of that year was decided.
        assert set(Matter.objects.filter(submitted_on__year=2019).values_list("status", flat=True)) == \
            {Status.DECIDED}

    def test_some_were_returned_resubmitted_and_deferred(self, demo):
        returned = Event.objects.filter(action="pre_review_return").values("matter")
        resubmitted = Matter.objects.filter(pk__in=returned, status=Status.DECIDED)
        assert resubmitted.count() >= 5
        assert Decision.objects.filter(outcome="deferred").exists()
        assert Decision.objects.filter(outcome="rejected").exists()

    def test_every_decided_major_matter_had_an_agreed_earlier_pre_review_of_its_college(self, demo):
        decided = Matter.objects.filter(category__in=MAJOR, status=Status.DECIDED)
        assert decided.count() >= 50
        for m in decided.prefetch_related("pre_reviews__meeting", "decisions__meeting"):
            decision = [d for d in m.decisions.all() if d.outcome != "deferred"][0]
            assert decision.meeting.kind == Kind.JOINT_MEETING and decision.meeting.organization_id == \
                m.organization_id
            agreed = [r for r in m.pre_reviews.all() if r.agreed]
            assert agreed, m
            assert all(r.meeting.kind == Kind.COMMITTEE_MEETING and r.meeting.organization_id == m.organization_id
                       for r in m.pre_reviews.all())
            assert max(r.meeting.held_on for r in agreed) <= decision.meeting.held_on == m.decided_on
            assert m.submitted_on <= max(r.meeting.held_on for r in agreed)

    def test_every_opinion_came_from_the_branch_holding_the_person_that_day(self, demo):
        opinions = BranchOpinion.objects.exclude(opinion="").select_related("meeting__organization", "matter")
        assert opinions.count() >= 40
        for o in opinions:
            day = o.meeting.held_on
            m = Membership.objects.on(day).filter(person_id=o.person_id).select_related("organization").get()
            holder = m.organization.parent_id if m.organization.kind == "group" else m.organization_id
            assert holder == o.branch_id, o
            assert o.branch_id in (o.meeting.organization_id, o.meeting.organization.parent_id)
            assert o.matter.submitted_on <= day
            assert o.matter.decided_on is None or day <= o.matter.decided_on
        decided = Matter.objects.filter(category__in=PERSONNEL, status=Status.DECIDED)
        assert decided.exists() and not BranchOpinion.objects.filter(matter__in=decided, opinion="").exists()

    def test_the_demo_logins_have_work_waiting(self, demo):
        from decisions.models import Matter as M

        cs = User.objects.get(username="cs_secretary")
        assert M.objects.restrict(cs).filter(status=Status.SUBMITTED, category__in=MAJOR).exists()
        assert M.objects.restrict(cs).filter(status=Status.PRE_REVIEWED).exists()
        branch = User.objects.get(username="branch_secretary")
        assert BranchOpinion.objects.restrict(branch, "change").filter(opinion="").exists()
        member = User.objects.get(username="member")
        assert M.objects.restrict(member).filter(proposer=member.person).exists()

    def test_a_second_run_changes_nothing(self, demo):
        before = (Matter.objects.count(), PreReview.objects.count(), Decision.objects.count(), Event.objects.count())
        assert decisions_demo.build(demo["state"]) == "重大事项决策演示数据已存在，未作修改。"
        assert (Matter.objects.count(), PreReview.objects.count(), Decision.objects.count(),
                Event.objects.count()) == before
