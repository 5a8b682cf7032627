import django_filters as filters
from django.utils.translation import gettext_lazy as _

from .models import Action, AuditEntry


class AuditEntryFilterSet(filters.FilterSet):
    actor = filters.CharFilter(label=_("操作人账号"), field_name="actor_name", lookup_expr="icontains")
    action = filters.ChoiceFilter(label=_("动作"), choices=Action.choices)
    model = filters.CharFilter(label=_("对象类型"), lookup_expr="icontains")
    object_id = filters.CharFilter(label=_("对象编号"))
    request_id = filters.CharFilter(label=_("请求编号"))
    since = filters.DateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte")
    until = filters.DateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["actor", "action", "model", "object_id", "request_id", "since", "until"]
