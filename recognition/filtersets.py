import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IntegerFilter, YearFilter
from members.filtersets import OrgSubtreeFilter

from .choices import COLLECTIVE, BrandLevel, BrandStatus, HonorKind, HonorLevel, ModelBranchStage
from .models import BrandProject, Honor, ModelBranch, ModelBranchBatch, RoleModel


def _year_overlaps(qs, name, value):
    """Projects under way in the year: started by its end, not ended before its start."""
    if not value:
        return qs
    return qs.filter(Q(started_on__year__lte=value), Q(ends_on__isnull=True) | Q(ends_on__year__gte=value))


class BrandFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("项目名称"), field_name="name", lookup_expr="icontains")
    level = filters.ChoiceFilter(label=_("层级"), choices=BrandLevel.choices)
    status = filters.MultipleChoiceFilter(label=_("状态"), choices=BrandStatus.choices)
    organization = OrgSubtreeFilter(label=_("建设组织(含下级)"))
    year = YearFilter(label=_("年度"), method=lambda qs, name, value: _year_overlaps(qs, name, value))

    class Meta:
        model = BrandProject
        fields = ["q", "level", "status", "organization", "year"]


class BatchFilterSet(filters.FilterSet):
    organization = OrgSubtreeFilter(label=_("组织单位(含下级)"))
    year = YearFilter(label=_("启动年度"), field_name="year")

    class Meta:
        model = ModelBranchBatch
        fields = ["organization", "year"]


class ModelBranchFilterSet(filters.FilterSet):
    # An id, not a choice over every batch: a filter must not tell whether a batch outside the scope exists.
    batch = IntegerFilter(label=_("批次"), field_name="batch_id")
    branch = OrgSubtreeFilter(label=_("党支部/党组织(含下级)"), path_field="branch__path")
    stage = filters.MultipleChoiceFilter(label=_("阶段"), choices=ModelBranchStage.choices)

    class Meta:
        model = ModelBranch
        fields = ["batch", "branch", "stage"]


class HonorFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("荣誉名称"), field_name="title", lookup_expr="icontains")
    kind = filters.ChoiceFilter(label=_("荣誉类别"), choices=HonorKind.choices)
    level = filters.ChoiceFilter(label=_("荣誉级别"), choices=HonorLevel.choices)
    year = YearFilter(label=_("年度"), field_name="year")
    organization = OrgSubtreeFilter(label=_("获奖组织(含下级)"))
    recipient = filters.ChoiceFilter(label=_("集体/个人"), method="filter_recipient",
                                     choices=[("collective", _("集体")), ("individual", _("个人"))])

    class Meta:
        model = Honor
        fields = ["q", "kind", "level", "year", "organization", "recipient"]

    def filter_recipient(self, qs, name, value):
        collective = [str(k) for k in COLLECTIVE]
        if value == "collective":
            return qs.filter(kind__in=collective)
        if value == "individual":
            return qs.exclude(kind__in=collective)
        return qs


class RoleModelFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("姓名"), field_name="person__name", lookup_expr="icontains")
    year = YearFilter(label=_("选树年度"), field_name="year")
    organization = OrgSubtreeFilter(label=_("所在党组织(含下级)"))

    class Meta:
        model = RoleModel
        fields = ["q", "year", "organization"]

