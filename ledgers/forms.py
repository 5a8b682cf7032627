"""Forms of the ledger-level pages: the ledger itself and its directives, sections and duties.

Choices are limited to what the user may pick; the services re-check every write, so a value posted
anyway becomes a form error, never a write.
"""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedModelForm
from core.scoping import path_range
from members.models import Person
from orgs.forms import offer_only
from orgs.models import Organization

from .models import Directive, Duty, Ledger, Section


class LedgerForm(VersionedModelForm):
    class Meta:
        model = Ledger
        fields = ["kind", "name", "organization", "year", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.restrict(user, "view").filter(
            dissolved_on__isnull=True).order_by("path")
        if user is not None:
            offer_only(self.fields["organization"], lambda o: user.can("add", Ledger(organization=o)))
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 1921 <= year <= timezone.localdate().year + 5:
            raise forms.ValidationError(_("请填写正确的年度"))
        return year

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PartForm(VersionedModelForm):
    """A directive, section or duty of `ledger`; `service_fields()` is what the service takes."""

    def __init__(self, *args, ledger=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ledger, self.user = ledger, user
        if "order" in self.fields and not self.instance.pk:
            self.initial["order"] = None

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}

    def clean_order(self):
        # Blank: a new part goes last (the service numbers it); an edited one keeps its place.
        return self.cleaned_data.get("order") or (self.instance.order if self.instance.pk else 0)


class DirectiveForm(PartForm):
    class Meta:
        model = Directive
        fields = ["title", "document_number", "issuing_level", "issued_on"]
        widgets = {"issued_on": forms.DateInput}


class SectionForm(PartForm):
    class Meta:
        model = Section
        fields = ["parent", "number", "title", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sections = Section.objects.restrict(self.user, "view").filter(ledger=self.ledger)
        if self.instance.pk:
            # A section cannot move under itself or under one of its own sub-sections.
            sections = sections.exclude(pk__in=self._subtree_ids(sections))
        self.fields["parent"].queryset = sections.order_by("order", "id")
        self.fields["order"].required = False
        self.fields["order"].help_text = _("留空则排在最后")

    def _subtree_ids(self, sections):
        children = {}
        for pk, parent in sections.values_list("pk", "parent_id"):
            children.setdefault(parent, []).append(pk)
        found, todo = set(), [self.instance.pk]
        while todo:
            pk = todo.pop()
            found.add(pk)
            todo.extend(children.get(pk, ()))
        return found


class DutyForm(PartForm):
    class Meta:
        model = Duty
        fields = ["leader", "post", "content", "organizations", "order"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3}), "organizations": forms.SelectMultiple(
            attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lo, hi = path_range(self.ledger.organization.path)
        self.fields["leader"].queryset = Person.objects.restrict(self.user, "view").filter(
            organization__path__gte=lo, organization__path__lt=hi).order_by("name_pinyin")
        field = self.fields["organizations"]
        # Accepted: any organisation the user sees, so that one outside the ledger's organisation is
        # refused by save_duty with a message naming it; offered: those inside.
        field.queryset = Organization.objects.restrict(self.user, "view").filter(
            dissolved_on__isnull=True).order_by("path")
        offer_only(field, lambda o: lo <= o.path < hi)
        self.fields["order"].required = False
        self.fields["order"].help_text = _("留空则排在最后")

    def service_fields(self):
        fields = super().service_fields()
        fields.pop("organizations", None)
        return fields
