import django_filters as filters
from django.utils.translation import gettext_lazy as _

from members.filtersets import OrgSubtreeFilter

from .choices import Kind, Status
from .models import Campaign, Meeting


def visible_campaigns(request):
    if request is None:
        return Campaign.objects.none()
    return Campaign.objects.restrict(request.user, "view").order_by("-starts_on")


class MeetingFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("主题"), field_name="title", lookup_expr="icontains")
    kind = filters.ChoiceFilter(label=_("类别"), choices=Kind.choices)
    organization = OrgSubtreeFilter(label=_("组织(含下级)"))
    held_from = filters.DateFilter(label=_("日期自"), field_name="held_on", lookup_expr="gte")
    held_to = filters.DateFilter(label=_("日期至"), field_name="held_on", lookup_expr="lte")
    campaign = filters.ModelChoiceFilter(label=_("主题教育"), queryset=visible_campaigns)
    has_first_topic = filters.BooleanFilter(label=_("含第一议题"))
    status = filters.ChoiceFilter(label=_("状态"), choices=Status.choices)

    class Meta:
        model = Meeting
        fields = ["q", "kind", "organization", "held_from", "held_to", "campaign", "has_first_topic", "status"]


class CampaignFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")
    organization = OrgSubtreeFilter(label=_("组织单位(含下级)"))
    active_on = filters.DateFilter(label=_("某日进行中"), method="filter_active_on")

    class Meta:
        model = Campaign
        fields = ["q", "organization", "active_on"]

    def filter_active_on(self, qs, name, value):
        return qs.filter(starts_on__lte=value, ends_on__gte=value) if value else qs
