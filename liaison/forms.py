"""Forms of the liaison pages: liaisons, visits, the follow-up of problems and the dual-leader flag.

Organisation fields accept anything the user sees but offer only branches: a non-branch or a dissolved
branch posted anyway reaches liaison.services, which refuses it with a message saying what is wrong
(never a bare "invalid choice", never a write)."""
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedModelForm
from ledgers.models import Ledger
from members.choices import DualLeaderBasis
from members.models import Person
from orgs.choices import Kind
from orgs.models import Organization

from .models import BranchVisit, Liaison
from .services import LEADER_LEVELS

MULTI_HELP = _("按住 Ctrl（Mac 上 ⌘）可多选")


def style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"


def offer(field, offered):
    """Show only `offered` while validation accepts the field's wider queryset."""
    empty = [("", field.empty_label)] if getattr(field, "empty_label", None) is not None else []
    field.choices = lambda: empty + [(o.pk, field.label_from_instance(o)) for o in offered]


def visible_orgs(user):
    return Organization.objects.restrict(user, "view").order_by("path")


def open_branches(user):
    return visible_orgs(user).filter(kind=Kind.BRANCH, dissolved_on__isnull=True)


def leaders_in_scope(user, keep=()):
    """Middle-or-senior leaders the user sees, plus those the record already names (so an edit never
    silently drops them)."""
    visible = Person.objects.restrict(user, "view").filter(cadre_level__in=LEADER_LEVELS)
    keep = [k for k in keep if k]
    if keep:
        everything = Person.objects  # scope: the visible leaders plus those the record already names
        visible = everything.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=keep))
    return visible.order_by("name_pinyin", "pk")


def leader_label(person):
    level = person.get_cadre_level_display()
    return f"{person.name}（{level}）" if level else person.name


class LiaisonForm(VersionedModelForm):
    class Meta:
        model = Liaison
        fields = ["leader", "branch", "valid_from", "valid_to", "note"]
        widgets = {"valid_from": forms.DateInput(), "valid_to": forms.DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        inst = self.instance
        # Anyone visible is accepted, leaders are offered: a non-leader posted anyway gets the service's reason.
        self.fields["leader"].queryset = Person.objects.restrict(user, "view")
        self.fields["leader"].label_from_instance = leader_label
        offer(self.fields["leader"], leaders_in_scope(user, [inst.leader_id] if inst.pk else []))
        self.fields["leader"].help_text = _("中层及以上党员领导干部")
        orgs = visible_orgs(user)
        if inst.pk:
            orgs = Organization.objects.filter(  # scope: the visible ones plus the liaison's own branch
                Q(pk__in=orgs.values("pk")) | Q(pk=inst.branch_id)).order_by("path")
        self.fields["branch"].queryset = orgs
        offer(self.fields["branch"], open_branches(user) if not inst.pk else
              orgs.filter(Q(kind=Kind.BRANCH, dissolved_on__isnull=True) | Q(pk=inst.branch_id)))
        if not inst.pk:
            self.fields["valid_from"].initial = timezone.localdate()

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class VersionForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, **kwargs):
        kwargs.setdefault("initial", {})
        if obj is not None and hasattr(obj, "version"):
            kwargs["initial"].setdefault("expected_version", obj.version)
        super().__init__(*args, **kwargs)
        style(self)


class EndLiaisonForm(VersionForm):
    valid_to = forms.DateField(label=_("联系结束日期"), help_text=_("不含当日"), widget=forms.DateInput())

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.fields["valid_to"].initial = timezone.localdate()


class VisitForm(VersionedModelForm):
    problems = forms.CharField(label=_("发现的问题（每行一条）"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("每行登记一条问题，之后可逐条登记整改或转为台账任务"))

    class Meta:
        model = BranchVisit
        fields = ["branch", "visited_on", "leaders", "heard", "findings"]
        widgets = {"visited_on": forms.DateInput(), "heard": forms.Textarea(attrs={"rows": 4}),
                   "findings": forms.Textarea(attrs={"rows": 3}), "leaders": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        inst = self.instance
        current = list(inst.leaders.values_list("pk", flat=True)) if inst.pk else []
        self.fields["leaders"].queryset = leaders_in_scope(user, current)
        self.fields["leaders"].label_from_instance = leader_label
        self.fields["leaders"].help_text = MULTI_HELP
        self.fields["leaders"].required = False  # the service says "请至少选择一名走访领导"
        orgs = visible_orgs(user)
        if inst.pk:
            orgs = Organization.objects.filter(  # scope: the visible ones plus the visit's own branch
                Q(pk__in=orgs.values("pk")) | Q(pk=inst.branch_id)).order_by("path")
            del self.fields["problems"]  # problems of a recorded visit are added one by one on its page
        self.fields["branch"].queryset = orgs
        offer(self.fields["branch"], orgs.filter(Q(kind=Kind.BRANCH, dissolved_on__isnull=True)
                                                 | Q(pk=inst.branch_id or 0)))
        if not inst.pk:
            self.fields["visited_on"].initial = timezone.localdate()

    def problem_lines(self):
        return [line.strip() for line in self.cleaned_data.get("problems", "").splitlines() if line.strip()]

    def changes(self):
        changes = super().changes()
        changes.pop("leaders", None)
        return changes


class ProblemForm(forms.Form):
    description = forms.CharField(label=_("问题"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ResolveForm(VersionForm):
    resolution = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}))
    resolved_on = forms.DateField(label=_("整改完成日期"), widget=forms.DateInput())

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.fields["resolved_on"].initial = timezone.localdate()


class ProblemTaskForm(VersionForm):
    ledger = forms.ModelChoiceField(label=_("台账"), queryset=Ledger.objects.none())
    owner = forms.ModelChoiceField(label=_("责任单位"), queryset=Organization.objects.none(),
                                   help_text=_("须在台账主管组织的范围内"))
    deadline = forms.DateField(label=_("完成时限"), widget=forms.DateInput())
    title = forms.CharField(label=_("任务名称"), max_length=500)

    def __init__(self, *args, obj=None, user=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.fields["ledger"].queryset = Ledger.objects.restrict(user, "change").select_related("organization")
        self.fields["ledger"].label_from_instance = lambda lg: f"{lg.name}（{lg.organization.name}，{lg.year}）"
        self.fields["owner"].queryset = visible_orgs(user).filter(dissolved_on__isnull=True)
        if obj is not None:
            self.fields["title"].initial = obj.description[:500]
            self.fields["owner"].initial = obj.visit.branch_id
        style(self)


class DualLeaderForm(VersionForm):
    is_dual_leader = forms.BooleanField(label=_("双带头人"), required=False)
    basis = forms.ChoiceField(label=_("双带头人依据"), required=False,
                              choices=[("", "---------"), *DualLeaderBasis.choices])
    note = forms.CharField(label=_("学术职务与职称"), max_length=100, required=False,
                           help_text=_("如：教授、博士生导师、学科带头人"))

    def __init__(self, *args, obj=None, **kwargs):
        if obj is not None:
            kwargs.setdefault("initial", {}).update(is_dual_leader=obj.is_dual_leader, basis=obj.dual_leader_basis,
                                                    note=obj.dual_leader_note)
        super().__init__(*args, obj=obj, **kwargs)
