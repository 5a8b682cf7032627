from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedModelForm

from .models import Organization, Term


def offer_only(field, keep):
    """List only the choices `keep(obj)` accepts, e.g. where the user may add the record. The field's
    queryset (what validation accepts) stays the scoped one: the service re-checks every write, so a
    value posted anyway becomes a form error, never a write."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    # A callable, so the list is built only when the form is shown, not on every POST.
    field.choices = lambda: empty + [(o.pk, field.label_from_instance(o)) for o in field.queryset if keep(o)]


class OrganizationForm(VersionedModelForm):
    class Meta:
        model = Organization
        fields = ["code", "name", "short_name", "kind", "parent", "unit", "composition", "is_joint", "is_temporary",
                  "established_on", "sort_order", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only organisations the user may add under are offered as parents.
        self.fields["parent"].queryset = Organization.objects.restrict(user, "add").filter(
            dissolved_on__isnull=True).order_by("path")
        if self.instance.pk:
            # The parent changes through "move", which rewrites the subtree in one transaction.
            self.fields.pop("parent")
        elif user is not None:
            # A role without its subtree may not create children (they would fall outside it at once).
            offer_only(self.fields["parent"], lambda o: user.can("add", Organization(parent=o)))


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label=_("新的上级组织"), queryset=Organization.objects.none(),
                                        widget=forms.Select(attrs={"class": "form-select"}))
    on_date = forms.DateField(label=_("生效日期"), required=False,
                              help_text=_("隶属关系调整的日期，默认今天；此前的统计仍按原隶属关系计算"),
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        lo = obj.path
        self.fields["new_parent"].queryset = (Organization.objects.restrict(user, "change")
                                              .filter(dissolved_on__isnull=True).exclude(path__startswith=lo)
                                              .order_by("path"))
        self.fields["expected_version"].initial = obj.version


class DissolveForm(forms.Form):
    dissolved_on = forms.DateField(label=_("撤销日期"), widget=forms.DateInput(attrs={"type": "date",
                                                                               "class": "form-control"}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = obj.version


class TermForm(VersionedModelForm):
    class Meta:
        model = Term
        fields = ["number", "started_on", "note"]
        widgets = {"started_on": forms.DateInput}
        help_texts = {"started_on": _("应换届日期按配置的任期年限自动计算")}


class ElectionForm(forms.Form):
    elected_on = forms.DateField(label=_("换届选举日期"), widget=forms.DateInput(attrs={"type": "date",
                                                                               "class": "form-control"}))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, obj=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
