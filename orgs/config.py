"""Configuration pages of the system administrator: units and rule versions (RULES.md as data)."""
from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from audit import services as audit
from core.errors import BusinessRuleError
from core.forms import VersionedModelForm
from core.models import RuleVersion
from core.rules import RULE_DEFAULTS, RULE_LABELS
from core.views import Column, ObjectFormView, ObjectListView

from .models import Organization, Unit


class UnitForm(VersionedModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "sort_order"]


class UnitListView(ObjectListView):
    model = Unit
    title = pgettext_lazy("plural", "行政单位")
    add_url = "/orgs/units/add/"
    columns = (Column("name", gettext_lazy("名称"), sort="name"), Column("code", gettext_lazy("代码"), sort="code"),
               Column("kind", gettext_lazy("类别")),
               Column("sort_order", gettext_lazy("排序"), sort="sort_order"))


class UnitFormView(ObjectFormView):
    model = Unit
    form_class = UnitForm

    def save(self, form):
        if self.object is None:
            data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
            return audit.create(self.request.user, Unit(**data))
        return audit.update(self.request.user, self.object, form.changes(), form.cleaned_data.get("expected_version"))

    def success_url(self, obj):
        return "/orgs/units/"


class RuleVersionForm(forms.ModelForm):
    key = forms.ChoiceField(label=gettext_lazy("规则"), choices=[(k, RULE_LABELS.get(k, k)) for k in RULE_DEFAULTS])
    value = forms.IntegerField(label=gettext_lazy("取值"), min_value=0, max_value=100000)
    organization = forms.ModelChoiceField(label=gettext_lazy("仅适用于（含下级）"), required=False,
                                          queryset=Organization.objects.none(),
                                          help_text=gettext_lazy("留空表示全校适用"))

    class Meta:
        model = RuleVersion
        fields = ["key", "effective_from", "value", "note"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.restrict(user).order_by("path")
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select" if isinstance(f.widget, forms.Select) else "form-control")


def rule_label(rv):
    return RULE_LABELS.get(rv.key, rv.key)


def rule_scope(rv):
    if not rv.scope_path:
        return _("全部组织")
    name = getattr(rv, "scope_name", None)
    return _("%(org)s（含下级）") % {"org": name} if name else rv.scope_path


class RuleVersionListView(ObjectListView):
    model = RuleVersion
    title = gettext_lazy("规则配置")
    add_url = "/orgs/rules/add/"
    columns = (Column(rule_label, gettext_lazy("规则"), sort="key"), Column("effective_from", gettext_lazy("生效日期"),
                                                                          sort="effective_from"),
               Column("value", gettext_lazy("取值")), Column(rule_scope, gettext_lazy("适用范围")), Column("note",
                                                                                                     gettext_lazy("说明")))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # Name each override's organisation with one query for the page, not one per row.
        page = list(ctx["page"].object_list)
        ids = {int(rv.scope_path.strip("/").split("/")[-1]) for rv in page if rv.scope_path}
        names = dict(Organization.objects.restrict(self.request.user).filter(pk__in=ids).values_list("pk", "name"))
        for rv in page:
            if rv.scope_path:
                rv.scope_name = names.get(int(rv.scope_path.strip("/").split("/")[-1]))
        ctx["rows"] = [(rv, [c.value(rv) for c in self.columns]) for rv in page]
        return ctx


class RuleVersionFormView(ObjectFormView):
    """A new rule version; versions are never edited, so a 2019 report keeps 2019's rules."""

    model = RuleVersion
    form_class = RuleVersionForm

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def form_title(self):
        return _("新增规则版本")

    def save(self, form):
        d = form.cleaned_data
        org = d.get("organization")
        rv = RuleVersion(key=d["key"], effective_from=d["effective_from"], value=d["value"], note=d["note"],
                         scope_path=org.path if org else "")
        with transaction.atomic():
            if RuleVersion.objects.restrict(self.request.user).filter(
                    key=rv.key, effective_from=rv.effective_from, scope_path=rv.scope_path).exists():
                raise BusinessRuleError(_("同一规则在同一范围、同一生效日期已有版本"))
            return audit.create(self.request.user, rv)

    def success_url(self, obj):
        return "/orgs/rules/"
