"""The recognition part of the demo: 2019 at the root as the seed article tells it (12 college brands and
41 branch features approved, 5 model branches of the first batch, the honours it names), later rounds and
batches, every record keeping the services' rules, and a second run that changes nothing.

The university and its logins are built once for the class, then this builder (it needs nothing from the
meetings, ledgers or decisions demos), inside a transaction rolled back at the end."""
from datetime import date, timedelta

import pytest
from django.db import transaction

from accounts.models import User
from core.figures import SYSTEM_USER, Period, registry
from members.demo import plan
from members.demo.build import build as build_university
from members.management.commands.demo import Command as DemoCommand
from members.models import Membership
from orgs.models import Organization
from orgs.services import add_years
from recognition import services
from recognition.choices import BrandLevel, BrandStatus, HonorKind, HonorLevel, ModelBranchStage
from recognition.demo import build as recognition_demo
from recognition.models import BrandProject, Honor, ModelBranch, ModelBranchBatch, RoleModel

END_2019 = date(2019, 12, 31)


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        state = build_university(date.today())
        DemoCommand().create_logins(state)
        summary = recognition_demo.build(state)
        yield {"state": state, "summary": summary, "today": state.today}
        transaction.set_rollback(True)


def value(code, year, as_of):
    return registry.get(code).value(SYSTEM_USER, Organization.objects.get(code="ROOT"), Period.year(year), as_of)


@pytest.mark.usefixtures("db")
class TestRecognitionDemo:
    def test_reports_what_it_built(self, demo):
        assert demo["summary"].startswith("党建品牌与荣誉表彰演示数据：品牌项目")

    def test_2019_is_the_article(self, demo):
        assert value("recognition.brands", 2019, END_2019) == 12
        assert value("recognition.features", 2019, END_2019) == 41
        assert value("recognition.model_branches", 2019, END_2019) == 5
        approved = BrandProject.objects.filter(approved_on__year=2019)
        colleges = approved.filter(level=BrandLevel.COLLEGE).select_related("organization")
        assert colleges.count() == 12 and colleges.values("organization").distinct().count() == 12
        assert {p.organization.kind for p in colleges} <= {"committee", "general_branch"}
        features = approved.filter(level=BrandLevel.BRANCH)
        assert features.count() == 41 and features.values("organization").distinct().count() == 41
        assert len(set(approved.values_list("name", flat=True))) == 53

    def test_later_statuses_are_realistic(self, demo):
        of_2019 = BrandProject.objects.filter(approved_on__year=2019)
        evaluated = of_2019.filter(status=BrandStatus.EVALUATED)
        assert evaluated.count() >= 40 and set(evaluated.values_list("evaluated_on__year", flat=True)) == {2021}
        assert 1 <= of_2019.filter(status=BrandStatus.BUILDING).count() <= 10
        assert BrandProject.objects.filter(status=BrandStatus.REJECTED, approved_on__isnull=True).exists()
        this_year = BrandProject.objects.filter(started_on__year=demo["today"].year)
        assert this_year.filter(status=BrandStatus.PROPOSED).exists()
        assert this_year.filter(status=BrandStatus.APPROVED).exists() or demo["today"].month < 5
        for p in BrandProject.objects.select_related("organization"):
            services._check_brand(p)
            assert p.approved_on is None or p.approved_on >= p.started_on.replace(month=1, day=1)
            assert p.evaluated_on is None or (p.evaluation and p.evaluated_on >= p.approved_on)

    def test_model_branch_batches(self, demo):
        first = ModelBranchBatch.objects.get(name="首批党建工作样板支部", organization__code=plan.ROOT_CODE)
        assert first.year == 2017
        cycles = list(first.branches.select_related("branch"))
        accepted = [c for c in cycles if c.stage == ModelBranchStage.ACCEPTED]
        failed = [c for c in cycles if c.stage == ModelBranchStage.FAILED]
        assert len(accepted) == 5 and len(failed) == 1
        assert failed[0].accepted_on is None and failed[0].midterm_on.year == 2018
        for c in accepted:
            assert (c.applied_on.year, c.approved_on.year, c.midterm_on.year, c.accepted_on.year) == \
                (2017, 2017, 2018, 2019)
            assert c.accepted_on >= add_years(c.approved_on, 2) - timedelta(days=services.ACCEPT_GRACE_DAYS)
            assert c.honor.kind == HonorKind.MODEL_BRANCH and c.honor.year == 2019
            assert c.honor.organization_id == c.branch_id
        second = ModelBranchBatch.objects.get(name="第二批党建工作样板支部")
        assert second.branches.filter(stage=ModelBranchStage.ACCEPTED, accepted_on__year=2023).count() >= 3
        third = ModelBranchBatch.objects.get(name="第三批党建工作样板支部")
        assert third.year == demo["today"].year - 1
        overdue = [c for c in third.branches.all() if c.stage == ModelBranchStage.CULTIVATING
                   and services.due_dates(c)[0] < demo["today"]]
        assert len(overdue) >= 1
        assert ModelBranch.objects.values("batch", "branch").distinct().count() == ModelBranch.objects.count()

    def test_the_honours_the_article_names(self, demo):
        collective = Honor.objects.get(kind=HonorKind.ADVANCED_COLLECTIVE, year=2019, title="立德树人先进集体")
        assert collective.organization.code == "MEA" and collective.level == HonorLevel.UNIVERSITY
        assert collective.issuer == plan.UNIVERSITY
        individual = Honor.objects.get(kind=HonorKind.ADVANCED_INDIVIDUAL, year=2019, title="立德树人先进个人")
        assert individual.person.name != "徐文福" and individual.issuer == plan.UNIVERSITY
        held = Membership.objects.on(individual.awarded_on).filter(person=individual.person).get()
        mea = Organization.objects.get(code="MEA")
        assert held.organization.path.startswith(mea.path) and individual.organization_id == held.organization_id

    def test_every_honour_and_role_model_keeps_the_services_rules(self, demo):
        today = demo["today"]
        honors = list(Honor.objects.select_related("organization", "person"))
        for h in honors:
            kept = h.organization_id
            services._check_honor(h, today)
            assert h.organization_id == kept, h
        years = {kind: {h.year for h in honors if h.kind == kind}
                 for kind in (HonorKind.EXCELLENT_MEMBER, HonorKind.EXCELLENT_WORKER, HonorKind.ADVANCED_ORGANIZATION)}
        assert all(len(y) >= 3 and min(y) == 2019 for y in years.values()), years
        assert len({h.level for h in honors}) >= 2
        models = list(RoleModel.objects.select_related("person", "honor"))
        assert len(models) >= 3 and all(m.deeds and m.year <= today.year for m in models)
        for m in models:
            assert m.organization_id == services.membership_org(m.person, date(m.year, 12, 31)).pk

    def test_the_cs_committee_has_a_feature_to_approve(self, demo):
        cs = User.objects.get(username="cs_secretary")
        waiting = BrandProject.objects.restrict(cs).filter(status=BrandStatus.PROPOSED, level=BrandLevel.BRANCH,
                                                           organization__parent__code="CS")
        assert waiting.exists() and all(services.can_review_brand(cs, p) for p in waiting)

    def test_a_second_run_changes_nothing(self, demo):
        before = (BrandProject.objects.count(), ModelBranch.objects.count(), Honor.objects.count(),
                  RoleModel.objects.count())
        assert recognition_demo.build(demo["state"]) == recognition_demo.PRESENT
        assert (BrandProject.objects.count(), ModelBranch.objects.count(), Honor.objects.count(),
                RoleModel.objects.count()) == before
