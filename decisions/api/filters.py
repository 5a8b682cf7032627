"""The API's filters of branch-opinion requests (the matters' filters are decisions.filtersets, shared with
the list page)."""
import django_filters as filters
from django.utils.translation import gettext_lazy as _

from core.filters import IntegerFilter
from members.filtersets import OrgSubtreeFilter

from ..models import BranchOpinion


class BranchOpinionFilterSet(filters.FilterSet):
    pending = filters.BooleanFilter(label=_("待提出意见"), method="filter_pending",
                                    help_text=_("默认 true：只列待提出的；false：只列已提出的"))
    branch = OrgSubtreeFilter(label=_("党支部(含下级)"), path_field="branch__path")
    matter = IntegerFilter(label=_("事项编号"), field_name="matter_id")

    class Meta:
        model = BranchOpinion
        fields = ["pending", "branch", "matter"]

    def filter_pending(self, qs, name, value):
        return qs  # applied in filter_queryset, which also knows when the parameter is absent

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        # A branch's inbox: what it still has to answer, unless the caller asks for the answered ones.
        pending = self.form.cleaned_data.get("pending")
        return qs.filter(opinion="") if pending in (None, True) else qs.exclude(opinion="")
