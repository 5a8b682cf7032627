"""The meeting form (fields, ordered agenda, attendance grid), campaigns and the central-group roster."""
import re

from django import forms
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedModelForm
from core.scoping import path_range
from members.models import Person
from orgs.forms import offer_only
from orgs.models import Organization

from .choices import HELD_BY, AttendanceStatus, Kind
from .models import Campaign, Meeting


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ancestor_ids(org):
    return [int(s) for s in org.path.strip("/").split("/")]


class MeetingForm(VersionedModelForm):
    confirm_duplicate = forms.BooleanField(label=_("仍然保存（确认不是重复登记）"), required=False)

    class Meta:
        model = Meeting
        fields = ["organization", "kind", "enlarged", "title", "held_on", "starts_at", "status", "place", "host",
                  "recorder", "campaign", "minutes", "resolutions"]
        widgets = {"held_on": forms.DateInput, "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "minutes": forms.Textarea(attrs={"rows": 6}), "resolutions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        orgs = Organization.objects.restrict(user, "view").filter(dissolved_on__isnull=True).order_by("path")
        self.fields["organization"].queryset = orgs
        if user is not None:
            # Offered: where the user may record meetings; the service re-checks whatever is posted.
            offer_only(self.fields["organization"], lambda o: user.can("add", Meeting(organization=o)))
        org = self.chosen_organization()
        if org is not None:
            self.fields["kind"].choices = [("", "---------")] + [
                (k.value, k.label) for k in Kind if org.kind in HELD_BY[k]]
        people = Person.objects.restrict(user, "view").order_by("name_pinyin")
        campaigns = Campaign.objects.restrict(user, "view").order_by("-starts_on")
        if org is not None:
            home = org.parent if org.kind == "group" and org.parent_id else org
            lo, hi = path_range(home.path)
            people = people.filter(organization__path__gte=lo, organization__path__lt=hi)
            # A campaign run by an ancestor committee covers this organisation (the service checks the
            # same), though the ancestor itself may be outside the user's scope; only its name shows.
            ancestors = _ancestor_ids(org)
            campaigns = Campaign.objects.filter(organization_id__in=ancestors)  # scope: ancestor's campaign covers it
        self.fields["host"].queryset = people
        self.fields["recorder"].queryset = people
        self.fields["campaign"].queryset = campaigns.order_by("-starts_on")

    def chosen_organization(self):
        """The organisation the form is about: as posted, as asked for in the URL, or the meeting's."""
        if self.is_bound:
            pk = _int(self.data.get(self.add_prefix("organization")))
        else:
            pk = _int(self.initial.get("organization")) or self.instance.organization_id
        if pk is None:
            return None
        return self.fields["organization"].queryset.filter(pk=pk).first()

    def service_fields(self):
        names = [f for f in self.Meta.fields if f in self.cleaned_data]
        return {name: self.cleaned_data[name] for name in names}


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    is_first_topic = forms.BooleanField(label=_("第一议题"), required=False,
                                        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    material_title = forms.CharField(label=_("学习材料"), max_length=200, required=False,
                                     widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    material_source = forms.CharField(label=_("材料来源"), max_length=200, required=False,
                                      widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    material_link = forms.URLField(label=_("材料链接"), required=False, assume_scheme="https",
                                   widget=forms.URLInput(attrs={"class": "form-control form-control-sm"}))

    def clean(self):
        data = super().clean()
        filled = any(data.get(k) for k in ("is_first_topic", "material_title", "material_source", "material_link"))
        if filled and not data.get("title"):
            raise forms.ValidationError(_("请填写议题名称（清空整行即删除该议题）"))
        return data


AgendaFormSet = forms.formset_factory(AgendaItemForm, extra=2, max_num=30, validate_max=True)


def agenda_items(formset):
    """The filled rows in order, as the service takes them (rows without a title are dropped)."""
    rows = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("title")]
    return [{k: row.get(k) or ("" if k != "is_first_topic" else False) for k in AgendaItemForm.base_fields}
            for row in rows]


ATT_KEY = re.compile(r"^att-(\d+)$")


class AttendanceGrid:
    """The expected attendees with one present/leave/absent choice and a reason each.

    Posted as att-<person id> and reason-<person id>. A person left unmarked is not recorded. Every
    posted id is kept (so the service can refuse a non-member by name), but only people the user may
    see: an id outside the user's scope is refused without naming anyone."""

    statuses = AttendanceStatus.choices

    def __init__(self, user, people, data=None, recorded=None):
        self.user, self.data = user, data
        self.recorded = recorded or {}
        self.people = list(people)
        self.errors = []
        if data is not None:
            expected = {p.pk for p in self.people}
            posted = [int(m.group(1)) for k in data for m in [ATT_KEY.match(k)] if m]
            extra = [pid for pid in posted if pid not in expected]
        else:
            extra = [pid for pid in self.recorded if pid not in {p.pk for p in self.people}]
        if extra:
            visible = list(Person.objects.restrict(user, "view").filter(pk__in=extra).order_by("name_pinyin"))
            if len(visible) < len(set(extra)):
                self.errors.append(_t("出席名单中有人员不存在或不在您的管理范围内"))
            for p in visible:
                p.unexpected = True
            self.people += visible

    def rows(self):
        result = []
        for p in self.people:
            if self.data is not None:
                status, reason = self.data.get(f"att-{p.pk}", ""), self.data.get(f"reason-{p.pk}", "")
            else:
                status, reason = self.recorded.get(p.pk, ("", ""))
            result.append({"person": p, "status": status, "reason": reason,
                           "unexpected": getattr(p, "unexpected", False)})
        return result

    def is_valid(self):
        return not self.errors

    def cleaned(self):
        """{person id: (status, reason)} for the marked rows, as the service takes it."""
        return {r["person"].pk: (r["status"], r["reason"].strip()) for r in self.rows() if r["status"]}


def grid_params(source, instance=None):
    """Organisation, kind and date for the grid, from posted or query data, falling back to the meeting's."""
    org = _int(source.get("organization")) or (instance.organization_id if instance else None)
    kind = source.get("kind") or (instance.kind if instance else "")
    day = source.get("held_on") or (instance.held_on if instance else None)
    if isinstance(day, str):
        try:
            day = parse_date(day)
        except ValueError:
            day = None
    return org, kind, day


class CampaignForm(VersionedModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "organization", "starts_on", "ends_on", "note"]
        widgets = {"starts_on": forms.DateInput, "ends_on": forms.DateInput,
                   "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.restrict(user, "view").filter(
            dissolved_on__isnull=True).exclude(kind="group").order_by("path")
        if user is not None:
            offer_only(self.fields["organization"], lambda o: user.can("add", Campaign(organization=o)))


class RosterForm(forms.Form):
    person = forms.ModelChoiceField(label=_("成员"), queryset=Person.objects.none(),
                                    widget=forms.Select(attrs={"class": "form-select"}))
    valid_from = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date",
                                                                                 "class": "form-control"}))
    valid_to = forms.DateField(label=_("截止日期"), required=False,
                               widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

    def __init__(self, *args, user=None, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        lo, hi = path_range(organization.path)
        self.fields["person"].queryset = Person.objects.restrict(user, "view").filter(
            organization__path__gte=lo, organization__path__lt=hi).order_by("name_pinyin")

    def clean(self):
        data = super().clean()
        if data.get("valid_to") and data.get("valid_from") and data["valid_to"] < data["valid_from"]:
            raise forms.ValidationError(_("截止日期不能早于起始日期"))
        return data


class RosterEndForm(forms.Form):
    valid_to = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date",
                                                                               "class": "form-control"}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj
        if obj is not None:
            self.fields["expected_version"].initial = obj.version

    def clean_valid_to(self):
        value = self.cleaned_data["valid_to"]
        if self.obj is not None and value < self.obj.valid_from:
            raise forms.ValidationError(_("截止日期不能早于起始日期"))
        return value
