import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import path_range

from .choices import Composition, Kind
from .models import Organization, Unit


class OrganizationFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("名称/代码"), method="search")
    kind = filters.ChoiceFilter(label=_("类别"), choices=Kind.choices)
    composition = filters.ChoiceFilter(label=_("构成"), choices=Composition.choices)
    unit = filters.ModelChoiceFilter(
        label=_("所属单位"), queryset=lambda request: Unit.objects.restrict(request.user if request else None))
    within = filters.CharFilter(label=_("所属组织代码(含下级)"), method="filter_within")
    active = filters.BooleanFilter(label=_("未撤销"), method="filter_active")

    class Meta:
        model = Organization
        fields = ["q", "kind", "composition", "unit", "within", "is_joint", "is_temporary", "active"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code__iexact=value) | Q(short_name__icontains=value))

    def filter_within(self, qs, name, value):
        # Only organisations the user can see can anchor the filter: the anchor is looked up in `qs`.
        anchor = qs.filter(code=value).first()
        if anchor is None:
            return qs.none()
        lo, hi = path_range(anchor.path)
        return qs.filter(path__gte=lo, path__lt=hi)

    def filter_active(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(dissolved_on__isnull=value)
