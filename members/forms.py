from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedModelForm
from orgs.forms import offer_only
from orgs.models import Organization

from .choices import PartyStatus, Post
from .models import CommitteeSeat, Person


class PersonForm(VersionedModelForm):
    joined_on = forms.DateField(label=_("转入/建档日期"), required=False, widget=forms.DateInput,
                                help_text=_("组织关系自此日期起生效，默认为今天"))

    class Meta:
        model = Person
        fields = ["name", "id_number", "gender", "birth_date", "ethnicity", "mobile", "education", "category",
                  "title", "cadre_level", "party_status", "status_since", "organization", "note"]
        widgets = {"birth_date": forms.DateInput, "status_since": forms.DateInput,
                   "note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"birth_date": _("可留空，自动取身份证号中的出生日期"), "gender": _("须与身份证号一致")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "mobile" in self.fields:
            # Room for spaces, dashes and +86; the model stores the 11 digits.
            self.fields["mobile"].max_length = 20
            self.fields["mobile"].widget.attrs["maxlength"] = 20
            self.fields["mobile"].validators = []
        self.fields["birth_date"].required = False
        self.fields["gender"].required = False
        self.fields["organization"].queryset = Organization.objects.restrict(user, "view").filter(
            dissolved_on__isnull=True).order_by("path")
        if not self.instance.pk and user is not None:
            offer_only(self.fields["organization"], lambda o: user.can("add", Person(organization=o)))
        if self.instance.pk:
            # Organisation and status change through their own actions, which keep the history.
            for name in ("organization", "party_status", "status_since", "joined_on"):
                self.fields.pop(name)
            # The ID number is shown masked elsewhere; editing it needs the right to see it.
            if user is not None and not user.can("view_id_number", self.instance):
                self.fields.pop("id_number")
            if user is not None and not user.can("view_mobile", self.instance):
                self.fields.pop("mobile")

    def clean_id_number(self):
        value = (self.cleaned_data.get("id_number") or "").strip().upper()
        others = Person.objects.exclude(pk=self.instance.pk)  # scope: ID numbers are unique everywhere; yes/no only
        clash = others.filter(id_number=value)
        if clash.exists():
            # Do not reveal who holds it or where: the other record may be outside the user's scope.
            raise forms.ValidationError(_("该身份证号已登记"))
        return value


class TransferForm(forms.Form):
    to_organization = forms.ModelChoiceField(label=_("转入组织"), queryset=Organization.objects.none(),
                                             widget=forms.Select(attrs={"class": "form-select"}))
    on_date = forms.DateField(label=_("转接日期"),
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.TextInput(attrs={"class": "form-control"}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = (
            Organization.objects.restrict(user, "view").filter(dissolved_on__isnull=True)
            .exclude(kind="group").exclude(pk=obj.organization_id).order_by("path"))
        if user is not None:
            # The receiving organisation must be one the user may add people to (services.transfer).
            offer_only(self.fields["to_organization"], lambda o: user.can("add", Person(organization=o)))
        self.fields["expected_version"].initial = obj.version


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新的政治面貌"), choices=PartyStatus.choices,
                               widget=forms.Select(attrs={"class": "form-select"}))
    on_date = forms.DateField(label=_("变动日期"),
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.TextInput(attrs={"class": "form-control"}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = obj.version


class SeatForm(VersionedModelForm):
    class Meta:
        model = CommitteeSeat
        fields = ["post", "person", "started_on", "is_dual_leader", "dual_leader_basis", "dual_leader_note"]
        widgets = {"started_on": forms.DateInput}

    def __init__(self, *args, user=None, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = Post.choices
        self.fields["person"].queryset = Person.objects.restrict(user, "view").filter(
            organization=organization).order_by("name_pinyin")
