import django_filters as filters
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import IntegerFilter
from members.filtersets import OrgSubtreeFilter, person_search

from .choices import ProblemStatus
from .models import BranchVisit, Liaison, Problem


def by_leader(qs, value, prefix):
    """A person's id (the coverage page links `?leader=<id>`) or a name / pinyin."""
    value = (value or "").strip()
    if value.isdigit():
        return qs.filter(**{f"{prefix}id": int(value)})
    return person_search(qs, value, prefix=prefix)


class LiaisonFilterSet(filters.FilterSet):
    """By default the liaisons in force today; `on` picks another day, `ended` shows every period."""

    branch = OrgSubtreeFilter(label=_("党支部/党组织(含下级)"), path_field="branch__path")
    leader = filters.CharFilter(label=_("联系领导"), method="filter_leader")
    on = filters.DateFilter(label=_("某日在联系（默认今天）"), method="keep")
    ended = filters.BooleanFilter(label=_("含已结束的联系"), method="keep", widget=filters.widgets.forms.CheckboxInput)

    class Meta:
        model = Liaison
        fields = ["branch", "leader", "on", "ended"]

    def __init__(self, data=None, *args, **kwargs):
        # Always bound, so the default day applies to a bare list URL too.
        super().__init__(data if data is not None else QueryDict(), *args, **kwargs)

    def filter_leader(self, qs, name, value):
        return by_leader(qs, value, "leader__")

    def keep(self, qs, name, value):
        return qs

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("ended"):
            return qs
        return qs.on(self.form.cleaned_data.get("on") or timezone.localdate())


class VisitFilterSet(filters.FilterSet):
    branch = OrgSubtreeFilter(label=_("党支部/党组织(含下级)"), path_field="branch__path")
    visited_from = filters.DateFilter(label=_("走访日期自"), field_name="visited_on", lookup_expr="gte")
    visited_to = filters.DateFilter(label=_("走访日期至"), field_name="visited_on", lookup_expr="lte")
    leader = filters.CharFilter(label=_("走访领导"), method="filter_leader")
    open_problems = filters.BooleanFilter(label=_("有待整改问题"), method="filter_open")

    class Meta:
        model = BranchVisit
        fields = ["branch", "visited_from", "visited_to", "leader", "open_problems"]

    def filter_leader(self, qs, name, value):
        # Through a subquery: a visit with two matching leaders is still one row.
        return qs.filter(pk__in=by_leader(qs, value, "leaders__").values("pk"))

    def filter_open(self, qs, name, value):
        if value is None:
            return qs
        with_open = Problem.objects.filter(status=ProblemStatus.OPEN).values("visit_id")  # scope: ids inside qs
        return qs.filter(pk__in=with_open) if value else qs.exclude(pk__in=with_open)


class ProblemFilterSet(filters.FilterSet):
    """The problems visits found, by visit, status and the visit's day (the API's list)."""

    # An id, not a choice over every visit: a filter must not tell whether a visit outside the scope exists.
    visit = IntegerFilter(label=_("调研走访"), field_name="visit_id")
    status = filters.ChoiceFilter(label=_("整改状态"), choices=ProblemStatus.choices)
    visited_from = filters.DateFilter(label=_("走访日期自"), field_name="visit__visited_on", lookup_expr="gte")
    visited_to = filters.DateFilter(label=_("走访日期至"), field_name="visit__visited_on", lookup_expr="lte")

    class Meta:
        model = Problem
        fields = ["visit", "status", "visited_from", "visited_to"]
