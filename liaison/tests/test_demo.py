"""The liaison part of the demo: 2019 at the root as the seed article tells it (63 of 63 branches visited,
every leader liaising with exactly one branch, every teacher-branch secretary a dual leader), this year's
gaps on the coverage page, every record keeping the services' rules, and a second run that changes nothing.

The university and its logins are built once for the class, then every registered builder up to this
one (meetings, ledgers, decisions: the real order of `manage.py demo`), inside a transaction rolled back at
the end; evidence files go to a temporary MEDIA_ROOT."""
from datetime import date
from itertools import combinations

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils.module_loading import import_string

from accounts.models import User
from core import demo as demo_registry
from core.figures import SYSTEM_USER, Period, registry
from core.scoping import SYSTEM
from ledgers.choices import LedgerKind
from liaison import coverage, services
from liaison.choices import ProblemStatus
from liaison.demo import build as liaison_demo
from liaison.demo.branches import SET_UP, TEMPORARY_2019
from liaison.models import BranchVisit, Liaison, Problem
from members.choices import MEMBER_STATUSES, Post
from members.demo.build import build as build_university
from members.management.commands.demo import Command as DemoCommand
from members.models import CommitteeSeat, Membership
from orgs.choices import TEACHER_LED
from orgs.models import Organization

END_2019 = date(2019, 12, 31)
THIS = "liaison.demo.build.build"


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(MEDIA_ROOT=str(media)):
        state = build_university(date.today())
        DemoCommand().create_logins(state)
        builders = demo_registry.builders[:demo_registry.builders.index(THIS) + 1]
        summaries = [import_string(path)(state) for path in builders]
        yield {"state": state, "summary": summaries[-1], "today": state.today}
        transaction.set_rollback(True)


def root():
    return Organization.objects.get(code="ROOT")


def value(code, year, as_of):
    return registry.get(code).value(SYSTEM_USER, root(), Period.year(year), as_of)


def gaps(rule):
    return [(g.subject, g.problem) for g in rule.gaps]


@pytest.mark.usefixtures("db")
class TestLiaisonDemo:
    def test_reports_what_it_built(self, demo):
        assert demo["summary"].startswith("一对一联系与调研走访演示数据：联系记录")

    def test_2019_is_the_article(self, demo):
        assert value("liaison.branches_visited", 2019, END_2019) == 63
        assert value("liaison.leader_coverage", 2019, END_2019) == 100
        assert value("liaison.dual_leader_coverage", 2019, END_2019) == 100
        assert value("liaison.branch_coverage", 2019, END_2019) == 100
        rules = coverage.rules(SYSTEM, root(), Period.year(2019), END_2019)
        assert [(r.code, r.total, gaps(r)) for r in rules] == [
            ("branch_liaison", 63, []), ("leader_liaison", rules[1].total, []), ("dual_leader", rules[2].total, []),
            ("visits", 63, [])]
        assert rules[1].total >= 100 and rules[2].total >= 20

    def test_the_two_temporary_branches_of_2019(self, demo):
        for code, name, parent, _college, _composition, _unit, dissolved in TEMPORARY_2019:
            branch = Organization.objects.get(code=code)
            assert (branch.name, branch.parent.code, branch.kind, branch.is_temporary) == (name, parent, "branch", True)
            assert branch.established_on == SET_UP and branch.dissolved_on == dissolved
            assert dissolved.year == 2020 and dissolved.month <= 3
            assert not Membership.objects.filter(organization=branch).exists()
            visits = BranchVisit.objects.filter(branch=branch)
            assert visits.exists() and all(SET_UP < v.visited_on < dissolved for v in visits)
            liaisons = Liaison.objects.filter(branch=branch)
            assert liaisons.exists() and all(lia.valid_from >= SET_UP and lia.valid_to == dissolved for lia in liaisons)
        # Only they were added: this year's temporary branches are not in 2019.
        in_2019 = coverage.branches_on(Organization.objects.all(), root(), END_2019)
        assert not in_2019.filter(code__in=["CS-09", "JG-13"]).exists()
        assert in_2019.filter(is_temporary=True).count() == 2

    def test_this_years_gaps(self, demo):
        today = demo["today"]
        rules = {r.code: r for r in coverage.rules(SYSTEM, root(), Period.year(today.year), today)}
        assert sorted(b.code for b, _p in gaps(rules["branch_liaison"])) == ["CS-09", "JG-13"]
        assert len(rules["leader_liaison"].gaps) == 1
        leader = rules["leader_liaison"].gaps[0].subject
        assert not Liaison.objects.on(today).filter(leader=leader).exists()
        assert Liaison.objects.filter(leader=leader, valid_to__lte=today).exists()
        assert len(rules["dual_leader"].gaps) == 1
        assert "双带头人" in rules["dual_leader"].gaps[0].problem
        visits = rules["visits"]
        assert 3 <= len(visits.gaps) and visits.covered > visits.total * 3 // 4

    def test_every_liaison_keeps_the_services_rules(self, demo):
        liaisons = list(Liaison.objects.select_related("leader", "branch"))
        assert len(liaisons) >= 120
        for lia in liaisons:
            services._check_liaison(lia)  # the service's own check (cadre, member, branch, overlaps, limit)
            assert lia.leader.cadre_level in ("middle", "senior") and lia.leader.party_status in MEMBER_STATUSES
            assert lia.branch.kind == "branch" and lia.branch.established_on <= lia.valid_from
            if lia.branch.dissolved_on:
                assert lia.valid_to is not None and lia.valid_to <= lia.branch.dissolved_on
        by_leader = {}
        for lia in liaisons:
            by_leader.setdefault(lia.leader_id, []).append(lia)
        for rows in by_leader.values():
            for a, b in combinations(rows, 2):
                assert (a.valid_to and a.valid_to <= b.valid_from) or (b.valid_to and b.valid_to <= a.valid_from), \
                    (a, b)
        # Some leaders changed branch after 2019.
        assert Liaison.objects.filter(valid_from__year__gte=2021, note__contains="调整").count() >= 3

    def test_every_visit_and_problem_keeps_the_services_rules(self, demo):
        today = demo["today"]
        for visit in BranchVisit.objects.select_related("branch").prefetch_related("leaders"):
            services._check_visit(visit, list(visit.leaders.all()), today)
        problems = Problem.objects.select_related("visit", "task__ledger")
        statuses = {p.status for p in problems}
        assert statuses == set(ProblemStatus.values)
        for p in problems:
            if p.status == ProblemStatus.RESOLVED:
                assert p.visit.visited_on <= p.resolved_on <= today and p.resolution
            elif p.status == ProblemStatus.TASKED:
                assert p.task.ledger.kind == LedgerKind.TASK_LIST and p.task.ledger.year == today.year
                assert p.task.owner_id == p.visit.branch_id
            else:
                assert p.task_id is None and p.resolved_on is None
        assert Problem.objects.filter(visit__visited_on__year=2019).exclude(status=ProblemStatus.RESOLVED).exists()
        # The 2019 ledgers keep the article's numbers: no visit problem became a 2019 task.
        assert not Problem.objects.filter(task__ledger__year=2019).exists()

    def test_dual_leaders_keep_the_seat_rules(self, demo):
        seats = CommitteeSeat.objects.filter(is_dual_leader=True).select_related("organization")
        assert seats.count() >= 24
        for seat in seats:
            seat.full_clean(validate_constraints=False)
            assert seat.post == Post.SECRETARY and seat.organization.composition in TEACHER_LED
            assert seat.dual_leader_basis
        teacher = coverage.teacher_branches_on(Organization.objects.all(), root(), END_2019)
        on_day = coverage.secretaries_on(END_2019).filter(organization__in=teacher)
        assert on_day.count() == teacher.count() == on_day.values("organization").distinct().count()
        # A secretary seated by the demo was a full member teacher of the branch holding no other seat then.
        for seat in on_day.select_related("person"):
            others = CommitteeSeat.objects.filter(person=seat.person, started_on__lte=END_2019).exclude(
                ended_on__lte=END_2019).exclude(pk=seat.pk)
            assert not others.exists(), seat

    def test_the_demo_logins_see_visits(self, demo):
        today = demo["today"]
        branch = User.objects.get(username="branch_secretary")
        visible = BranchVisit.objects.restrict(branch)
        assert visible.filter(branch__code="CS-01", visited_on__year=today.year).exists()
        assert not visible.exclude(branch__code="CS-01").exists()
        cs = User.objects.get(username="cs_secretary")
        assert Liaison.objects.restrict(cs).filter(branch__code="CS-01").exists()

    def test_a_second_run_changes_nothing(self, demo):
        before = (Liaison.objects.count(), BranchVisit.objects.count(), Problem.objects.count(),
                  CommitteeSeat.objects.count(), Organization.objects.count())
        assert liaison_demo.build(demo["state"]) == liaison_demo.PRESENT
        assert (Liaison.objects.count(), BranchVisit.objects.count(), Problem.objects.count(),
                CommitteeSeat.objects.count(), Organization.objects.count()) == before
