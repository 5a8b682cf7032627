"""The recognition figures (issue 7): brand projects by level and stage, model branches and their cycles,
honours by kind and level, role models.

A project's stage on the as-of date is read from its dates (approved, evaluated), not from its stored
status, so a past report shows what was true then; honours and role models are selected by year. Every
record's organisation is taken on the tree as it was on the as-of date (orgs.history)."""
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.figures import registry, remembered
from orgs.history import subtree_q

from .choices import BrandLevel, BrandStatus, HonorKind, HonorLevel, ModelBranchStage
from .models import BrandProject, Honor, ModelBranch, RoleModel

SECTION = "grassroots"


def subtree(qs, org, as_of, field="organization"):
    return qs.filter(subtree_q(org, as_of, field))


def in_years(qs, period, field="year"):
    return qs.filter(**{f"{field}__gte": period.start.year, f"{field}__lte": period.end.year})


def of_years(qs, org, period, as_of):
    """The subtree's records of the period's years. A page's honour figures (one a kind, one a level...)
    start from the same honours: selected once per page (core.figures.remembered), each figure filters a
    clone; `qs` itself is in the key (not its id), so it cannot be another's."""
    return remembered(("recognition.of_years", qs, org.pk, period, as_of),
                      lambda: in_years(subtree(qs, org, as_of), period))


def approved_in(qs, org, period, as_of):
    """Projects approved (立项) in the period and by the as-of date; a rejected one never is."""
    return subtree(qs, org, as_of).filter(approved_on__gte=period.start,
                                          approved_on__lte=min(period.end, as_of)).exclude(status=BrandStatus.REJECTED)


@registry.register("recognition.brands", _("“一学院一品牌”项目"), _("个"), SECTION, BrandProject,
                   _("期内立项的本组织及下级“一学院一品牌”党建品牌项目数"))
def brands(qs, org, period, as_of):
    return approved_in(qs, org, period, as_of).filter(level=BrandLevel.COLLEGE)


@registry.register("recognition.features", _("“一支部一特色”项目"), _("个"), SECTION, BrandProject,
                   _("期内立项的本组织及下级“一支部一特色”党建品牌项目数"))
def features(qs, org, period, as_of):
    return approved_in(qs, org, period, as_of).filter(level=BrandLevel.BRANCH)


@registry.register("recognition.brands.evaluated", _("完成评估的党建品牌项目"), _("个"), SECTION, BrandProject,
                   _("期内完成评估的本组织及下级党建品牌项目数（两个层级合计）"))
def brands_evaluated(qs, org, period, as_of):
    return subtree(qs, org, as_of).filter(evaluated_on__gte=period.start, evaluated_on__lte=min(period.end, as_of))


@registry.register("recognition.brands.building", _("在建的党建品牌项目"), _("个"), SECTION, BrandProject,
                   _("统计日已立项、尚未评估的本组织及下级党建品牌项目数（两个层级合计）"))
def brands_building(qs, org, period, as_of):
    return (subtree(qs, org, as_of).filter(approved_on__lte=as_of)
            .filter(Q(evaluated_on__isnull=True) | Q(evaluated_on__gt=as_of)).exclude(status=BrandStatus.REJECTED))


@registry.register("recognition.model_branches", _("党建工作样板支部"), _("个"), SECTION, Honor,
                   _("期内年度命名的本组织及下级党建工作样板支部数"))
def model_branches(qs, org, period, as_of):
    return of_years(qs, org, period, as_of).filter(kind=HonorKind.MODEL_BRANCH)


@registry.register("recognition.model_branch_cycles", _("培育创建中的样板支部"), _("个"), SECTION, ModelBranch,
                   _("期内处于两年培育创建周期中（已立项、期初尚未验收或终止）的本组织及下级党支部数"))
def model_branch_cycles(qs, org, period, as_of):
    # A cycle ends on its acceptance (passed or not) or, failed at the mid-term review, on that review.
    ended = (Q(accepted_on__lt=period.start)
             | Q(stage=ModelBranchStage.FAILED, accepted_on__isnull=True, midterm_on__lt=period.start))
    return (subtree(qs, org, as_of, "branch").filter(approved_on__lte=min(period.end, as_of)).exclude(ended)
            .select_related("batch", "branch"))


@registry.register("recognition.honors", _("荣誉表彰"), _("项"), SECTION, Honor,
                   _("期内年度本组织及下级组织和党员获得的荣誉表彰数"))
def honors(qs, org, period, as_of):
    return of_years(qs, org, period, as_of)


def _honors_where(**where):
    def builder(qs, org, period, as_of):
        return of_years(qs, org, period, as_of).filter(**where)
    return builder


# "recognition.honors.kind.advanced_collective" ... one figure per kind, and one per level.
for _kind in HonorKind:
    registry.register(f"recognition.honors.kind.{_kind.value}", format_lazy(_("荣誉表彰（{kind}）"), kind=_kind.label),
                      _("项"), SECTION, Honor, _("期内年度本组织及下级获得的该类荣誉表彰数"))(_honors_where(kind=_kind))
for _level in HonorLevel:
    registry.register(f"recognition.honors.level.{_level.value}",
                      format_lazy(_("{level}荣誉表彰"), level=_level.label), _("项"), SECTION, Honor,
                      _("期内年度本组织及下级获得的该级别荣誉表彰数"))(_honors_where(level=_level))


@registry.register("recognition.role_models", _("选树的榜样"), _("名"), SECTION, RoleModel,
                   _("期内年度选树的本组织及下级党员榜样人数"))
def role_models(qs, org, period, as_of):
    return of_years(qs, org, period, as_of).select_related("person")
