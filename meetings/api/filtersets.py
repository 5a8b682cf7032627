"""Filters of the meetings API. meetings/filtersets.py (the list pages' FilterSet) was being written at the
same time as this module; this one carries its own name so the two cannot collide, and can be replaced by
the shared one later."""
import django_filters as filters
from django.utils.translation import gettext_lazy as _

from core.scoping import path_range
from orgs.models import Organization

from ..choices import Kind, Status
from ..models import Campaign, Meeting


class OrgCodeSubtreeFilter(filters.CharFilter):
    """An organisation code (or id) the user can see; matches that organisation and everything under it.
    An unknown or invisible code matches nothing (it never says which)."""

    def __init__(self, *args, path_field="organization__path", **kwargs):
        self.path_field = path_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        visible = Organization.objects.restrict(getattr(self.parent.request, "user", None), "view")
        value = value.strip()
        anchor = visible.filter(code=value).first()
        if anchor is None and value.isascii() and value.isdigit() and len(value) < 19:
            anchor = visible.filter(pk=int(value)).first()
        if anchor is None:
            return qs.none()
        lo, hi = path_range(anchor.path)
        return qs.filter(**{f"{self.path_field}__gte": lo, f"{self.path_field}__lt": hi})


class MeetingAPIFilterSet(filters.FilterSet):
    organization = OrgCodeSubtreeFilter(label=_("组织代码或编号(含下级)"))
    kind = filters.ChoiceFilter(label=_("类别"), choices=Kind.choices)
    status = filters.ChoiceFilter(label=_("状态"), choices=Status.choices)
    held_from = filters.DateFilter(label=_("日期起"), field_name="held_on", lookup_expr="gte")
    held_to = filters.DateFilter(label=_("日期止"), field_name="held_on", lookup_expr="lte")
    has_first_topic = filters.BooleanFilter(label=_("含第一议题"))
    campaign = filters.CharFilter(label=_("主题教育编号"), method="filter_campaign")
    q = filters.CharFilter(label=_("主题"), field_name="title", lookup_expr="icontains")

    class Meta:
        model = Meeting
        fields = ["organization", "kind", "status", "held_from", "held_to", "has_first_topic", "campaign", "q"]

    def filter_campaign(self, qs, name, value):
        value = value.strip()
        # An id the database cannot hold is simply no match (never a 500 from an integer overflow).
        if not (value.isascii() and value.isdigit() and len(value) < 19):
            return qs.none()
        return qs.filter(campaign_id=int(value))


class CampaignAPIFilterSet(filters.FilterSet):
    organization = OrgCodeSubtreeFilter(label=_("组织代码或编号(含下级)"))
    active_on = filters.DateFilter(label=_("某日进行中"), method="filter_active_on")
    q = filters.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Campaign
        fields = ["organization", "active_on", "q"]

    def filter_active_on(self, qs, name, value):
        return qs.filter(starts_on__lte=value, ends_on__gte=value)
