import django_filters as filters
from django.utils.translation import gettext_lazy as _

from members.filtersets import OrgSubtreeFilter

from .choices import Category, Status
from .models import Matter


class MatterFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("事项名称"), field_name="title", lookup_expr="icontains")
    category = filters.ChoiceFilter(label=_("类别"), choices=Category.choices)
    status = filters.MultipleChoiceFilter(label=_("状态"), choices=Status.choices)
    organization = OrgSubtreeFilter(label=_("决策组织(含下级)"))
    submitted_from = filters.DateFilter(label=_("提交日期自"), field_name="submitted_on", lookup_expr="gte")
    submitted_to = filters.DateFilter(label=_("提交日期至"), field_name="submitted_on", lookup_expr="lte")

    class Meta:
        model = Matter
        fields = ["q", "category", "status", "organization", "submitted_from", "submitted_to"]
