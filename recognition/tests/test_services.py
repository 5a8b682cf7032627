"""Brands, model branches, honours, role models: the workflow tables, who reviews, and each bad input."""
from datetime import date
from itertools import product

import pytest

from audit.models import AuditEntry
from conftest import make_user
from core.errors import BusinessRuleError, NotInScope, StaleEdit
from core.scoping import SYSTEM, PermissionDenied
from recognition import services
from recognition.choices import BrandAction, BrandStatus, HonorKind, ModelBranchAction, ModelBranchStage
from recognition.models import BrandProject, Honor, ModelBranch, RoleModel

TODAY = date(2026, 11, 29)


def feature(t, user=SYSTEM, **extra):
    fields = dict(level="branch", organization=t.ca_b1, name="支部+课堂", started_on=date(2025, 3, 1)) | extra
    return services.propose_brand(user, **fields)


@pytest.mark.django_db
class TestBrands:
    def test_level_must_match_the_organisation(self, people):
        with pytest.raises(BusinessRuleError, match="须为党支部"):
            feature(people, organization=people.ca)
        with pytest.raises(BusinessRuleError, match="学院党委或党总支"):
            feature(people, level="college", organization=people.ca_b1)
        with pytest.raises(BusinessRuleError, match="早于开始日期"):
            feature(people, ends_on=date(2024, 1, 1))
        assert not BrandProject.objects.exists()
        assert feature(people, level="college", organization=people.ca).status == BrandStatus.PROPOSED

    @pytest.mark.parametrize("status, action", list(product(BrandStatus, BrandAction)))
    def test_every_status_action_pair(self, people, status, action):
        project = feature(people)
        BrandProject.objects.filter(pk=project.pk).update(status=status, approved_on=date(2025, 3, 1))
        allowed = (status, action) in services.BRAND_TRANSITIONS
        call = lambda: services.act_on_brand(SYSTEM, project, action, on_date=date(2025, 6, 1),  # noqa: E731
                                             evaluation="good", today=TODAY)
        if allowed:
            assert call().status == services.BRAND_TRANSITIONS[(status, action)]
        else:
            with pytest.raises(BusinessRuleError, match="不能"):
                call()
            assert BrandProject.objects.get(pk=project.pk).status == status

    def test_the_organisation_above_reviews(self, people, users):
        project = feature(people)
        branch_secretary = make_user("b1sec", "secretary", people.ca_b1)
        with pytest.raises(PermissionDenied, match="上级"):
            services.act_on_brand(branch_secretary, project, BrandAction.APPROVE, on_date=date(2025, 3, 2),
                                  today=TODAY)
        with pytest.raises(NotInScope):
            services.act_on_brand(users.sec_b, project, BrandAction.APPROVE, on_date=date(2025, 3, 2), today=TODAY)
        approved = services.act_on_brand(users.sec_a, project, BrandAction.APPROVE, on_date=date(2025, 3, 2),
                                         today=TODAY)
        assert (approved.status, approved.approved_on) == (BrandStatus.APPROVED, date(2025, 3, 2))
        assert AuditEntry.objects.filter(model="recognition.brandproject", action="status").count() == 1

    def test_evaluate_needs_a_result_and_a_stale_edit_is_refused(self, people):
        project = feature(people)
        project = services.act_on_brand(SYSTEM, project, BrandAction.APPROVE, on_date=date(2025, 3, 2), today=TODAY)
        project = services.act_on_brand(SYSTEM, project, BrandAction.START, on_date=date(2025, 3, 3), today=TODAY)
        with pytest.raises(BusinessRuleError, match="评估结果"):
            services.act_on_brand(SYSTEM, project, BrandAction.EVALUATE, on_date=date(2026, 3, 3), today=TODAY)
        with pytest.raises(StaleEdit):
            services.act_on_brand(SYSTEM, project, BrandAction.EVALUATE, on_date=date(2026, 3, 3),
                                  evaluation="excellent", expected_version=1, today=TODAY)
        done = services.act_on_brand(SYSTEM, project, BrandAction.EVALUATE, on_date=date(2026, 3, 3),
                                     evaluation="excellent", expected_version=project.version, today=TODAY)
        assert (done.status, done.evaluation) == (BrandStatus.EVALUATED, "excellent")
        with pytest.raises(BusinessRuleError, match="不能再修改"):
            services.update_brand(SYSTEM, done, {"name": "改名"})
        with pytest.raises(BusinessRuleError, match="申报中"):
            services.delete_brand(SYSTEM, done)


@pytest.mark.django_db
class TestModelBranches:
    @pytest.fixture
    def cycle(self, people):
        batch = services.create_batch(SYSTEM, organization=people.root, name="首批", year=2023)
        return services.apply_model_branch(SYSTEM, batch=batch, branch=people.ca_b1, applied_on=date(2023, 3, 1),
                                           today=TODAY)

    def test_bad_applications(self, people, cycle):
        batch = cycle.batch
        with pytest.raises(BusinessRuleError, match="不是党支部"):
            services.apply_model_branch(SYSTEM, batch=batch, branch=people.ca, applied_on=date(2023, 3, 1))
        with pytest.raises(BusinessRuleError, match="已申报"):
            services.apply_model_branch(SYSTEM, batch=batch, branch=people.ca_b1, applied_on=date(2023, 3, 1))
        other = services.create_batch(SYSTEM, organization=people.ca, name="学院首批", year=2023)
        with pytest.raises(BusinessRuleError, match="不在"):
            services.apply_model_branch(SYSTEM, batch=other, branch=people.cb_b1, applied_on=date(2023, 3, 1))
        assert ModelBranch.objects.count() == 1

    def test_the_two_year_cycle_ends_in_an_honour(self, people, cycle):
        c = services.act_on_model_branch(SYSTEM, cycle, ModelBranchAction.APPROVE, passed=True,
                                         on_date=date(2023, 4, 1), today=TODAY)
        assert services.due_dates(c) == (date(2024, 4, 1), date(2025, 4, 1))
        with pytest.raises(BusinessRuleError, match="不能"):
            services.act_on_model_branch(SYSTEM, c, ModelBranchAction.ACCEPT, passed=True, on_date=date(2025, 4, 1),
                                         today=TODAY)
        c = services.act_on_model_branch(SYSTEM, c, ModelBranchAction.MIDTERM, passed=True, on_date=date(2024, 4, 2),
                                         note="进展良好", today=TODAY)
        with pytest.raises(BusinessRuleError, match="最早于 2024-12-30"):
            services.act_on_model_branch(SYSTEM, c, ModelBranchAction.ACCEPT, passed=True, on_date=date(2024, 6, 1),
                                         today=TODAY)
        assert not Honor.objects.exists()
        c = services.act_on_model_branch(SYSTEM, c, ModelBranchAction.ACCEPT, passed=True, on_date=date(2025, 4, 2),
                                         today=TODAY)
        honor = Honor.objects.get()
        assert (c.stage, honor.kind, honor.year, honor.organization, honor.model_branch) == (
            ModelBranchStage.ACCEPTED, HonorKind.MODEL_BRANCH, 2025, people.ca_b1, c)
        with pytest.raises(BusinessRuleError, match="不能单独删除"):
            services.delete_honor(SYSTEM, honor)

    def test_failing_midterm_ends_the_cycle(self, cycle):
        c = services.act_on_model_branch(SYSTEM, cycle, ModelBranchAction.APPROVE, passed=True,
                                         on_date=date(2023, 4, 1), today=TODAY)
        c = services.act_on_model_branch(SYSTEM, c, ModelBranchAction.MIDTERM, passed=False, on_date=date(2024, 4, 2),
                                         today=TODAY)
        assert c.stage == ModelBranchStage.FAILED
        with pytest.raises(BusinessRuleError, match="不能"):
            services.act_on_model_branch(SYSTEM, c, ModelBranchAction.ACCEPT, passed=True, on_date=date(2025, 4, 2),
                                         today=TODAY)

    def test_only_the_batch_committee_runs_the_stages(self, cycle, users):
        with pytest.raises(PermissionDenied, match="样板支部"):
            services.act_on_model_branch(users.sec_a, cycle, ModelBranchAction.APPROVE, passed=True,
                                         on_date=date(2023, 4, 1), today=TODAY)
        with pytest.raises(NotInScope):
            services.act_on_model_branch(users.sec_b, cycle, ModelBranchAction.APPROVE, passed=True,
                                         on_date=date(2023, 4, 1), today=TODAY)
        assert ModelBranch.objects.get().stage == ModelBranchStage.APPLIED


@pytest.mark.django_db
class TestHonours:
    def test_bad_honours_write_nothing(self, people):
        base = dict(level="university", title="先进集体", issuer="校党委")
        before = AuditEntry.objects.count()
        for extra, message in [
            ({"kind": "advanced_collective", "year": 2027, "organization": people.ca}, "晚于今年"),
            ({"kind": "advanced_collective", "year": 2026, "organization": people.ca,
              "awarded_on": date(2026, 12, 1)}, "晚于今天"),
            ({"kind": "advanced_collective", "year": 2025, "organization": people.ca,
              "awarded_on": date(2024, 12, 1)}, "不在荣誉年度"),
            ({"kind": "advanced_collective", "year": 2025, "organization": people.ca, "person": people.zhang},
             "集体荣誉"),
            ({"kind": "excellent_member", "year": 2025, "organization": people.ca}, "个人荣誉"),
            ({"kind": "model_branch", "year": 2025, "organization": people.ca}, "只能授予党支部"),
        ]:
            with pytest.raises(BusinessRuleError, match=message):
                services.record_honor(SYSTEM, today=TODAY, **(base | extra))
        assert not Honor.objects.exists() and AuditEntry.objects.count() == before

    def test_individual_honour_hangs_on_the_members_branch_and_duplicates_refused(self, people):
        honor = services.record_honor(SYSTEM, kind="excellent_member", level="university", title="优秀共产党员",
                                      year=2025, issuer="校党委", organization=people.root, person=people.zhang,
                                      today=TODAY)
        assert honor.organization == people.zhang.organization
        with pytest.raises(BusinessRuleError, match="已登记"):
            services.record_honor(SYSTEM, kind="excellent_member", level="university", title="优秀共产党员", year=2025,
                                  issuer="校党委", person=people.zhang, organization=people.root, today=TODAY)

    def test_scope(self, people, users):
        honor = services.record_honor(users.sec_a, kind="advanced_organization", level="college", title="先进党支部",
                                      year=2025, issuer="甲学院党委", organization=people.ca_b1, today=TODAY)
        with pytest.raises(PermissionDenied):
            services.record_honor(users.sec_a, kind="advanced_organization", level="college", title="先进党支部",
                                  year=2025, issuer="乙学院党委", organization=people.cb_b1, today=TODAY)
        assert list(Honor.objects.restrict(users.sec_b)) == []
        assert list(Honor.objects.restrict(users.sec_a)) == [honor]

    def test_role_model(self, people):
        rm = services.save_role_model(SYSTEM, person=people.zhang, year=2025, title="师德标兵", deeds="扎根讲台二十年",
                                      today=TODAY)
        assert rm.organization == people.zhang.organization
        with pytest.raises(BusinessRuleError, match="晚于今年"):
            services.save_role_model(SYSTEM, rm, year=2027, expected_version=rm.version, today=TODAY)
        assert RoleModel.objects.get(pk=rm.pk).year == 2025
