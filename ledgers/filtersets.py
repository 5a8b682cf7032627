import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import YearFilter
from members.filtersets import OrgSubtreeFilter

from .choices import OWNER_OPEN, LedgerKind, TaskStatus
from .models import Ledger, Task


def visible_ledgers(request):
    if request is None:
        return Ledger.objects.none()
    return Ledger.objects.restrict(request.user, "view").order_by("-year", "name")


class LedgerFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")
    kind = filters.ChoiceFilter(label=_("类型"), choices=LedgerKind.choices)
    organization = OrgSubtreeFilter(label=_("主管组织(含下级)"))
    year = YearFilter(label=_("年度"))

    class Meta:
        model = Ledger
        fields = ["q", "kind", "organization", "year"]


class TaskFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("任务"), field_name="title", lookup_expr="icontains")
    ledger = filters.ModelChoiceFilter(label=_("台账"), queryset=visible_ledgers)
    status = filters.MultipleChoiceFilter(label=_("状态"), choices=TaskStatus.choices)
    owner = OrgSubtreeFilter(label=_("责任单位(含下级)"), path_field="owner__path")
    leader = filters.CharFilter(label=_("责任领导"), method="filter_leader")
    due_from = filters.DateFilter(label=_("完成时限自"), field_name="deadline", lookup_expr="gte")
    due_to = filters.DateFilter(label=_("完成时限至"), field_name="deadline", lookup_expr="lte")
    overdue = filters.BooleanFilter(label=_("已逾期"), method="filter_overdue")
    top_level = filters.BooleanFilter(label=_("仅一级任务"), field_name="parent", lookup_expr="isnull")

    class Meta:
        model = Task
        fields = ["q", "ledger", "status", "owner", "leader", "due_from", "due_to", "overdue", "top_level"]

    def filter_leader(self, qs, name, value):
        # A subquery: a join through the leaders would repeat a task once per matching leader.
        if not value:
            return qs
        leading = Task.objects.filter(leaders__name__icontains=value.strip())  # scope: narrows the restricted qs
        return qs.filter(pk__in=leading.values("pk"))

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        today = timezone.localdate()
        late = {"status__in": OWNER_OPEN, "deadline__lt": today}
        return qs.filter(**late) if value else qs.exclude(**late)
