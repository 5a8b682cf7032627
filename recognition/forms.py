"""Forms of the recognition pages. Choice fields offer only what the user's scope reaches; the services
decide the rest (a branch feature on a committee, a collective honour for a person...) and their
refusals come back on the form with the reason."""
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedModelForm
from core.scoping import path_range
from members.models import Person
from orgs.choices import Kind
from orgs.models import Organization

from .choices import COLLECTIVE, Evaluation, ModelBranchStage
from .models import BrandProject, Honor, ModelBranchBatch, RoleModel


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
            widget.attrs.setdefault("class", "form-control")
        elif not isinstance(widget, (forms.HiddenInput, forms.RadioSelect, forms.CheckboxInput)):
            widget.attrs.setdefault("class", "form-control")


def visible_orgs(user, kinds=None):
    qs = Organization.objects.restrict(user, "view").filter(dissolved_on__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("path")


def _with_current(visible, current_id):
    """What the user sees plus the record's current value, so an edit never silently drops it (one query:
    the visible rows as a subquery, plus the one row the record already names)."""
    if not current_id:
        return visible
    return visible.model.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk=current_id))


class BrandForm(VersionedModelForm):
    class Meta:
        model = BrandProject
        fields = ["level", "organization", "name", "description", "started_on", "ends_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "started_on": forms.DateInput,
                   "ends_on": forms.DateInput}
        help_texts = {"organization": _("一学院一品牌：学院党委或党总支；一支部一特色：党支部")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Every kind is offered: a wrong one is refused by the service with the reason, not as a bad choice.
        orgs = visible_orgs(user, [Kind.COMMITTEE, Kind.GENERAL_BRANCH, Kind.BRANCH])
        self.fields["organization"].queryset = _with_current(orgs, self.instance.organization_id).order_by("path")


class BrandActionForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    on_date = forms.DateField(label=_("日期"), widget=forms.DateInput)
    evaluation = forms.ChoiceField(label=_("评估结果"), choices=[("", "---------"), *Evaluation.choices],
                                   required=False)
    note = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, obj=None, action="", **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("on_date", timezone.localdate())
        if obj is not None:
            kwargs["initial"].setdefault("expected_version", obj.version)
        super().__init__(*args, **kwargs)
        if action != "evaluate":
            del self.fields["evaluation"]
        else:
            self.fields["evaluation"].required = True
        _style(self)


class MaterialForm(forms.Form):
    file = forms.FileField(label=_("文件"))
    stage = forms.ChoiceField(label=_("阶段"), choices=ModelBranchStage.choices, required=False)

    def __init__(self, *args, with_stage=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_stage:
            del self.fields["stage"]
        _style(self)


class BatchForm(VersionedModelForm):
    class Meta:
        model = ModelBranchBatch
        fields = ["organization", "name", "year", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The service keeps a batch on its committee: moving it would move its cycles' reviewer.
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = visible_orgs(user, [Kind.COMMITTEE])
            self.fields["year"].initial = timezone.localdate().year


class ApplyForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("党支部"), queryset=Organization.objects.none())
    applied_on = forms.DateField(label=_("申报日期"), widget=forms.DateInput)
    plan = forms.CharField(label=_("创建方案"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, batch=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("applied_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        lo, hi = path_range(batch.organization.path)
        self.fields["branch"].queryset = visible_orgs(user, [Kind.BRANCH]).filter(path__gte=lo, path__lt=hi)
        _style(self)


class ModelBranchActionForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    passed = forms.TypedChoiceField(label=_("结论"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                    choices=[("yes", _("通过")), ("no", _("未通过"))], initial="yes")
    on_date = forms.DateField(label=_("日期"), widget=forms.DateInput)
    note = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, obj=None, action="", **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("on_date", timezone.localdate())
        if obj is not None:
            kwargs["initial"].setdefault("expected_version", obj.version)
        super().__init__(*args, **kwargs)
        _style(self)


class HonorForm(VersionedModelForm):
    class Meta:
        model = Honor
        fields = ["kind", "level", "title", "year", "awarded_on", "issuer", "organization", "person", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3}), "awarded_on": forms.DateInput}
        help_texts = {"organization": _("集体荣誉填写；个人荣誉按获奖人授予时所在党组织自动登记"),
                      "person": _("个人荣誉填写")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        inst = self.instance
        orgs = visible_orgs(user, [Kind.COMMITTEE, Kind.GENERAL_BRANCH, Kind.BRANCH, Kind.GROUP])
        self.fields["organization"].queryset = _with_current(orgs, inst.organization_id).order_by("path")
        self.fields["organization"].required = False
        people = Person.objects.restrict(user, "view")
        self.fields["person"].queryset = _with_current(people, inst.person_id).order_by("name_pinyin")
        if not inst.pk:
            self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in COLLECTIVE and not data.get("organization") and not data.get("person"):
            self.add_error("organization", _("集体荣誉请选择获奖组织"))
        if kind and kind not in COLLECTIVE:
            # The service records a personal honour on the organisation holding the membership then.
            data.pop("organization", None)
        return data

    def service_fields(self):
        fields = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        if fields.get("organization") is None:
            fields.pop("organization")
        return fields

    def changes(self):
        names = {f.name for f in self.instance._meta.concrete_fields}
        changes = {n: self.cleaned_data[n] for n in self.changed_data if n in names and n in self.cleaned_data}
        if changes.get("organization", 0) is None:
            changes.pop("organization")
        return changes


class RoleModelForm(VersionedModelForm):
    class Meta:
        model = RoleModel
        fields = ["person", "year", "title", "deeds", "honor"]
        widgets = {"deeds": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        inst = self.instance
        people = Person.objects.restrict(user, "view")
        self.fields["person"].queryset = _with_current(people, inst.person_id).order_by("name_pinyin")
        honors = Honor.objects.restrict(user, "view").select_related("organization", "person")
        self.fields["honor"].queryset = _with_current(honors, inst.honor_id).select_related(
            "organization", "person").order_by("-year", "id")
        if not inst.pk:
            self.fields["year"].initial = timezone.localdate().year
