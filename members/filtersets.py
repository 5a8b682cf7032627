import django_filters as filters
from django.db.models import Count, Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from core.figure_views import PICKER_SIZE
from core.scoping import path_range
from orgs.models import Organization

from .choices import MEMBER_STATUSES, CadreLevel, Category, Gender, PartyStatus
from .models import Membership, Person
from .pinyin import search_key


def person_search(qs, value, prefix=""):
    """Name, pinyin initials (zjh) or full pinyin (zhangjiaheng); also the full ID number."""
    key = search_key(value)
    q = Q(**{f"{prefix}name__icontains": value.strip()})
    if key.isascii() and key.isalpha():
        q |= Q(**{f"{prefix}name_initials__startswith": key}) | Q(**{f"{prefix}name_pinyin__startswith": key})
    if len(key) == 18:
        q |= Q(**{f"{prefix}id_number": key.upper()})
    return qs.filter(q)


def upper_levels(queryset):
    """As many whole levels of `queryset`'s organisations from the top as fit in PICKER_SIZE (a select of a
    province's 180,000 made every list page 8 MB and 8 s)."""
    shown, deepest = 0, None
    for row in queryset.order_by().values("depth").annotate(n=Count("pk")).order_by("depth"):
        if deepest is not None and shown + row["n"] > PICKER_SIZE:
            break
        shown, deepest = shown + row["n"], row["depth"]
    return queryset.filter(depth__lte=deepest)


class UpperLevelsIterator(ModelChoiceIterator):
    """Every organisation up to PICKER_SIZE (one query, as before), else the upper levels."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        first = list(self.queryset[:PICKER_SIZE + 1])
        for obj in first if len(first) <= PICKER_SIZE else upper_levels(self.queryset):
            yield self.choice(obj)


class OrgChoiceField(ModelChoiceField):
    """Accepts any organisation of its queryset (a link from a deeper organisation's page filters by it) and
    shows the upper levels only."""

    iterator = UpperLevelsIterator


class OrgSubtreeFilter(filters.ModelChoiceFilter):
    """Organisation (and everything under it), choices limited to what the user can see."""

    field_class = OrgChoiceField

    def __init__(self, *args, path_field="organization__path", **kwargs):
        self.path_field = path_field
        kwargs.setdefault("queryset", self.visible_orgs)
        super().__init__(*args, **kwargs)

    @staticmethod
    def visible_orgs(request):
        if request is None:
            return Organization.objects.none()
        return Organization.objects.restrict(request.user, "view").order_by("path")

    def filter(self, qs, value):
        if not value:
            return qs
        lo, hi = path_range(value.path)
        return qs.filter(**{f"{self.path_field}__gte": lo, f"{self.path_field}__lt": hi})


class PersonFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("姓名/拼音"), method="search")
    organization = OrgSubtreeFilter(label=_("所在组织(含下级)"))
    party_status = filters.ChoiceFilter(label=_("政治面貌"), method="filter_status",
                                        choices=[("members", _("党员（正式+预备）")), *PartyStatus.choices])
    category = filters.ChoiceFilter(label=_("人员类别"), choices=Category.choices)
    gender = filters.ChoiceFilter(label=_("性别"), choices=Gender.choices)
    cadre_level = filters.ChoiceFilter(label=_("干部层级"), choices=CadreLevel.choices)

    class Meta:
        model = Person
        fields = ["q", "organization", "party_status", "category", "gender", "cadre_level"]

    def search(self, qs, name, value):
        return person_search(qs, value)

    def filter_status(self, qs, name, value):
        if value == "members":
            return qs.filter(party_status__in=MEMBER_STATUSES)
        return qs.filter(party_status=value)


class MembershipFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("姓名/拼音"), method="search")
    organization = OrgSubtreeFilter(label=_("组织(含下级)"))
    on = filters.DateFilter(label=_("某日在册"), method="filter_on")
    current = filters.BooleanFilter(label=_("当前有效"), field_name="valid_to", lookup_expr="isnull")

    class Meta:
        model = Membership
        fields = ["q", "organization", "on", "current"]

    def search(self, qs, name, value):
        return person_search(qs, value, prefix="person__")

    def filter_on(self, qs, name, value):
        return qs.on(value) if value else qs
