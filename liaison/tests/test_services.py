"""Liaison and visit services: each bad input of the issue is refused with its message and writes nothing."""
from datetime import date

import pytest

from audit.models import AuditEntry
from conftest import make_person
from core.errors import BusinessRuleError, NotInScope, StaleEdit
from core.scoping import SYSTEM, PermissionDenied
from ledgers import services as ledger_services
from ledgers.models import Ledger, Task
from liaison import services
from liaison.choices import ProblemStatus
from liaison.models import BranchVisit, Liaison, Problem
from orgs import services as org_services

TODAY = date(2026, 11, 29)


@pytest.fixture
def leaders(people):
    people.dean = make_person(people.ca, "周院长", cadre_level="middle")
    people.vp = make_person(people.root, "吴校长", cadre_level="senior")
    people.clerk = make_person(people.ca_b1, "郑干事")  # not a leader
    people.outsider = make_person(people.ca, "冯处长", cadre_level="middle", status="activist")
    return people


def counts():
    return Liaison.objects.count(), BranchVisit.objects.count(), Problem.objects.count(), AuditEntry.objects.count()


@pytest.mark.django_db
class TestLiaison:
    def test_assign_is_audited(self, leaders):
        link = services.assign(SYSTEM, leader=leaders.dean, branch=leaders.ca_b1, valid_from=date(2025, 1, 1))
        assert AuditEntry.objects.filter(model="liaison.liaison", object_id=str(link.pk), action="create").exists()

    @pytest.mark.parametrize("branch, message", [("ca", "不是党支部"), ("ca_g1", "不是党支部")])
    def test_only_a_branch(self, leaders, branch, message):
        before = counts()
        with pytest.raises(BusinessRuleError, match=message):
            services.assign(SYSTEM, leader=leaders.dean, branch=getattr(leaders, branch), valid_from=date(2025, 1, 1))
        assert counts() == before

    def test_only_a_leader_who_is_a_member(self, leaders):
        with pytest.raises(BusinessRuleError, match="中层及以上"):
            services.assign(SYSTEM, leader=leaders.clerk, branch=leaders.ca_b1, valid_from=date(2025, 1, 1))
        with pytest.raises(BusinessRuleError, match="不是党员"):
            services.assign(SYSTEM, leader=leaders.outsider, branch=leaders.ca_b1, valid_from=date(2025, 1, 1))
        assert not Liaison.objects.exists()

    def test_two_branches_at_once_refused_one_after_the_other_allowed(self, leaders):
        first = services.assign(SYSTEM, leader=leaders.dean, branch=leaders.ca_b1, valid_from=date(2024, 1, 1))
        with pytest.raises(BusinessRuleError, match="同一时间只能联系 1 个党支部"):
            services.assign(SYSTEM, leader=leaders.dean, branch=leaders.ca_b2, valid_from=date(2025, 1, 1))
        services.end_liaison(SYSTEM, first, date(2025, 1, 1), expected_version=first.version)
        second = services.assign(SYSTEM, leader=leaders.dean, branch=leaders.ca_b2, valid_from=date(2025, 1, 1))
        assert list(Liaison.objects.on(date(2025, 6, 1))) == [second]
        assert list(Liaison.objects.on(date(2024, 6, 1))) == [Liaison.objects.get(pk=first.pk)]

    def test_overlapping_periods_for_the_same_branch(self, leaders):
        services.assign(SYSTEM, leader=leaders.dean, branch=leaders.ca_b1, valid_from=date(2024, 1, 1),
                        valid_to=date(2024, 12, 31))
        with pytest.raises(BusinessRuleError, match="时间重叠"):
            services.assign(SYSTEM, leader=leaders.dean, branch=leaders.ca_b1, valid_from=date(2024, 6, 1))
        services.assign(SYSTEM, leader=leaders.dean, branch=leaders.ca_b1, valid_from=date(2024, 12, 31))
        assert Liaison.objects.count() == 2

    def test_the_limit_is_a_rule(self, leaders):
        from core.models import RuleVersion

        RuleVersion.objects.create(key="liaison.branches_per_leader", effective_from=date(2018, 1, 1), value=2,
                                   scope_path=leaders.root.path)
        services.assign(SYSTEM, leader=leaders.dean, branch=leaders.ca_b1, valid_from=date(2025, 1, 1))
        services.assign(SYSTEM, leader=leaders.dean, branch=leaders.ca_b2, valid_from=date(2025, 1, 1))
        with pytest.raises(BusinessRuleError, match="2 个党支部"):
            services.assign(SYSTEM, leader=leaders.dean, branch=leaders.cb_b1, valid_from=date(2025, 1, 1))

    def test_dissolved_branch_and_bad_dates(self, leaders):
        gone = org_services.create_organization(SYSTEM, code="CA-B9", name="甲学院临时党支部", kind="branch",
                                                parent=leaders.ca, established_on=date(2020, 9, 1))
        org_services.dissolve_organization(SYSTEM, gone, date(2021, 1, 10))
        gone.refresh_from_db()
        with pytest.raises(BusinessRuleError, match="撤销"):
            services.assign(SYSTEM, leader=leaders.dean, branch=gone, valid_from=date(2021, 3, 1))
        with pytest.raises(BusinessRuleError, match="成立"):
            services.assign(SYSTEM, leader=leaders.dean, branch=gone, valid_from=date(2019, 3, 1))
        with pytest.raises(BusinessRuleError, match="晚于开始日期"):
            services.assign(SYSTEM, leader=leaders.dean, branch=leaders.ca_b1, valid_from=date(2025, 3, 1),
                            valid_to=date(2025, 1, 1))
        assert not Liaison.objects.exists()

    def test_edit_rechecks_and_refuses_stale(self, leaders):
        a = services.assign(SYSTEM, leader=leaders.dean, branch=leaders.ca_b1, valid_from=date(2024, 1, 1))
        services.assign(SYSTEM, leader=leaders.vp, branch=leaders.ca_b2, valid_from=date(2024, 1, 1))
        with pytest.raises(BusinessRuleError, match="同一时间"):
            services.update_liaison(SYSTEM, Liaison.objects.get(leader=leaders.vp), {"leader": leaders.dean})
        with pytest.raises(BusinessRuleError, match="时间重叠"):
            services.update_liaison(SYSTEM, Liaison.objects.get(leader=leaders.vp), {"branch": leaders.ca_b1,
                                                                                     "leader": leaders.dean})
        services.update_liaison(SYSTEM, a, {"note": "新学期"}, expected_version=1)
        with pytest.raises(StaleEdit):
            services.update_liaison(SYSTEM, a, {"note": "旧"}, expected_version=1)
        assert Liaison.objects.get(pk=a.pk).note == "新学期"

    def test_scope(self, leaders, users):
        with pytest.raises((NotInScope, PermissionDenied)):
            services.assign(users.sec_b, leader=leaders.dean, branch=leaders.ca_b1, valid_from=date(2025, 1, 1))
        link = services.assign(users.sec_a, leader=leaders.dean, branch=leaders.ca_b1, valid_from=date(2025, 1, 1))
        assert list(Liaison.objects.restrict(users.sec_b)) == []
        assert list(Liaison.objects.restrict(users.sec_a)) == [link]


@pytest.mark.django_db
class TestVisits:
    def test_record_with_problems(self, leaders):
        visit = services.record_visit(SYSTEM, branch=leaders.ca_b1, visited_on=date(2026, 3, 2),
                                      leaders=[leaders.dean, leaders.vp], heard="支部汇报",
                                      problems=["学习记录不全", " "], today=TODAY)
        assert set(visit.leaders.all()) == {leaders.dean, leaders.vp}
        assert list(visit.problems.values_list("description", "status")) == [("学习记录不全", ProblemStatus.OPEN)]

    def test_bad_visits_write_nothing(self, leaders):
        gone = org_services.create_organization(SYSTEM, code="CA-B9", name="甲学院临时党支部", kind="branch",
                                                parent=leaders.ca, established_on=date(2020, 9, 1))
        org_services.dissolve_organization(SYSTEM, gone, date(2021, 1, 10))
        gone.refresh_from_db()
        before = counts()
        for kwargs, message in [
            ({"branch": gone, "visited_on": date(2021, 2, 1)}, "撤销"),
            ({"branch": gone, "visited_on": date(2021, 1, 10)}, "撤销"),
            ({"branch": leaders.ca, "visited_on": date(2026, 2, 1)}, "不是党支部"),
            ({"branch": leaders.ca_b1, "visited_on": date(2026, 12, 1)}, "晚于今天"),
        ]:
            with pytest.raises(BusinessRuleError, match=message):
                services.record_visit(SYSTEM, leaders=[leaders.dean], problems=["x"], today=TODAY, **kwargs)
        with pytest.raises(BusinessRuleError, match="走访领导"):
            services.record_visit(SYSTEM, branch=leaders.ca_b1, visited_on=date(2026, 2, 1), leaders=[], today=TODAY)
        assert counts() == before

    def test_visit_before_dissolution_is_fine(self, leaders):
        gone = org_services.create_organization(SYSTEM, code="CA-B9", name="甲学院临时党支部", kind="branch",
                                                parent=leaders.ca, established_on=date(2020, 9, 1))
        org_services.dissolve_organization(SYSTEM, gone, date(2021, 1, 10))
        services.record_visit(SYSTEM, branch=gone, visited_on=date(2020, 10, 1), leaders=[leaders.dean], today=TODAY)

    def test_problem_resolved_and_reopened(self, leaders):
        visit = services.record_visit(SYSTEM, branch=leaders.ca_b1, visited_on=date(2026, 3, 2), leaders=[leaders.dean],
                                      problems=["台账不全"], today=TODAY)
        problem = visit.problems.get()
        with pytest.raises(BusinessRuleError, match="之间"):
            services.resolve_problem(SYSTEM, problem, resolution="已补齐", resolved_on=date(2026, 3, 1), today=TODAY)
        problem = services.resolve_problem(SYSTEM, problem, resolution="已补齐", resolved_on=date(2026, 4, 1),
                                           today=TODAY)
        assert services.problem_is_closed(problem)
        with pytest.raises(BusinessRuleError, match="不能再登记整改"):
            services.resolve_problem(SYSTEM, problem, resolution="again", resolved_on=date(2026, 4, 2), today=TODAY)
        problem = services.reopen_problem(SYSTEM, problem)
        assert problem.status == ProblemStatus.OPEN and problem.resolved_on is None

    def test_problem_becomes_a_ledger_task_closed_with_it(self, leaders):
        visit = services.record_visit(SYSTEM, branch=leaders.ca_b1, visited_on=date(2026, 3, 2), leaders=[leaders.dean],
                                      problems=["组织生活会记录不规范"], today=TODAY)
        ledger = ledger_services.create_ledger(SYSTEM, organization=leaders.ca, kind="task_list", year=2026,
                                               name="2026年整改任务清单")
        problem = services.problem_to_task(SYSTEM, visit.problems.get(), ledger=ledger, owner=leaders.ca_b1,
                                           deadline=date(2026, 12, 31), today=TODAY)
        task = Task.objects.get(pk=problem.task_id)
        assert (problem.status, task.ledger, task.owner, task.title) == (
            ProblemStatus.TASKED, ledger, leaders.ca_b1, "组织生活会记录不规范")
        assert "调研走访" in task.description
        assert not services.problem_is_closed(problem)
        with pytest.raises(BusinessRuleError, match="不能再转为任务"):
            services.problem_to_task(SYSTEM, problem, ledger=ledger, owner=leaders.ca_b1, deadline=date(2026, 12, 31))
        Task.objects.filter(pk=task.pk).update(status="done")
        assert services.problem_is_closed(Problem.objects.select_related("task").get(pk=problem.pk))
        with pytest.raises(BusinessRuleError, match="转为台账任务"):
            services.delete_visit(SYSTEM, visit)

    def test_only_the_ledger_manager_makes_the_task(self, leaders, users):
        visit = services.record_visit(SYSTEM, branch=leaders.ca_b1, visited_on=date(2026, 3, 2), leaders=[leaders.dean],
                                      problems=["问题"], today=TODAY)
        ledger = Ledger.objects.create(organization=leaders.root, kind="task_list", year=2026, name="校级清单")
        with pytest.raises(PermissionDenied):
            services.problem_to_task(users.sec_a, visit.problems.get(), ledger=ledger, owner=leaders.ca_b1,
                                     deadline=date(2026, 12, 31), today=TODAY)
        assert not Task.objects.exists()
        assert Problem.objects.get().status == ProblemStatus.OPEN

    def test_other_college_cannot_touch_problems(self, leaders, users):
        visit = services.record_visit(SYSTEM, branch=leaders.ca_b1, visited_on=date(2026, 3, 2), leaders=[leaders.dean],
                                      problems=["问题"], today=TODAY)
        with pytest.raises(NotInScope):
            services.resolve_problem(users.sec_b, visit.problems.get(), resolution="x", resolved_on=date(2026, 4, 1),
                                     today=TODAY)
        with pytest.raises(NotInScope):
            services.add_problem(users.sec_b, visit, "新问题")
        assert list(Problem.objects.restrict(users.sec_b)) == []
        assert Problem.objects.restrict(users.sec_a).count() == 1
