"""Forms of the task pages: the task's definition with its milestones, and the small forms of the
owner's and manager's actions (progress, evidence, submit, reasons).

Choices are limited to what the user may pick; the services re-check every write, so a value posted
anyway becomes a form error, never a write.
"""
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedModelForm
from core.scoping import path_range
from members.models import Person
from orgs.forms import offer_only
from orgs.models import Organization

from .choices import LedgerKind
from .models import Directive, Ledger, Section, Task


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _within(qs, org, field="path"):
    lo, hi = path_range(org.path)
    return qs.filter(**{f"{field}__gte": lo, f"{field}__lt": hi})


def _visible_or_current(visible, current):
    """What the user may see, plus what the record already holds (shown on the task page anyway), so
    that editing never silently drops a co-owner or leader the editor cannot look up."""
    ids = list(current.values_list("pk", flat=True)) if current is not None else []
    if not ids:
        return visible
    everything = visible.model.objects  # scope: the visible ones plus the record's own (named on its page)
    return everything.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=ids))


class TaskForm(VersionedModelForm):
    """Add (with ?ledger= or ?parent= preset) or edit a task. The ledger and parent are fixed once the
    task exists; the owner is offered within the ledger organisation's subtree, or the parent owner's
    for a sub-task."""

    class Meta:
        model = Task
        fields = ["ledger", "parent", "directive", "section", "number", "title", "description", "owner",
                  "co_owners", "leaders", "assigned_on", "deadline"]
        widgets = {"assigned_on": forms.DateInput, "deadline": forms.DateInput,
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "co_owners": forms.SelectMultiple(attrs={"size": 6}),
                   "leaders": forms.SelectMultiple(attrs={"size": 6})}
        help_texts = {"number": _("留空则按顺序自动编号（子任务如 1.1）"),
                      "co_owners": _("按住 Ctrl（Mac 上 ⌘）可多选"),
                      "leaders": _("按住 Ctrl（Mac 上 ⌘）可多选")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        editing = bool(self.instance.pk)
        if editing:
            # update_task never moves a task to another ledger or parent.
            del self.fields["ledger"], self.fields["parent"]
            self.parent, self.ledger = self.instance.parent, self.instance.ledger
        else:
            self._limit_ledger_and_parent()
            self.fields["assigned_on"].initial = timezone.localdate()
        self._limit_parts()
        self._limit_organizations()
        people = Person.objects.restrict(user, "view").order_by("name_pinyin")
        self.fields["leaders"].queryset = _visible_or_current(people, self.instance.leaders.all() if editing else None)

    def _posted_or_initial(self, name):
        if self.is_bound:
            return _int(self.data.get(self.add_prefix(name)))
        return _int(self.initial.get(name))

    def _limit_ledger_and_parent(self):
        """Ledgers the user manages (top-level tasks) and tasks the user owns (to split into sub-tasks);
        the parent, when given, decides the ledger."""
        user = self.user
        parents = Task.objects.restrict(user, "change").select_related("ledger", "owner", "directive", "section")
        pk = self._posted_or_initial("parent")
        self.parent = parents.filter(pk=pk).first() if pk else None
        ledgers = Ledger.objects.restrict(user, "view").exclude(kind=LedgerKind.RESPONSIBILITY_LIST).select_related(
            "organization")
        if self.parent is not None:
            self.ledger = self.parent.ledger
        else:
            pk = self._posted_or_initial("ledger")
            self.ledger = ledgers.filter(pk=pk).first() if pk else None
        field = self.fields["ledger"]
        field.queryset, field.required = ledgers, False
        keep = self.parent.ledger_id if self.parent else None
        if user is not None:
            offer_only(field, lambda lg: lg.pk == keep or user.can("change", lg))
        if self.ledger is not None:
            parents = parents.filter(ledger=self.ledger)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda t: f"{t} （{t.owner.name}）"

    def scope_organization(self):
        """Where the owner and co-owners must lie: the parent task's owner, else the ledger's organisation."""
        if self.parent is not None:
            return self.parent.owner
        return self.ledger.organization if self.ledger is not None else None

    # --- choices -----------------------------------------------------------------------------------

    def _limit_parts(self):
        """Directives of a directive ledger, sections of a task list; a sub-task takes its parent's."""
        ledger, parent = self.ledger, self.parent
        directive, section = self.fields["directive"], self.fields["section"]
        if parent is not None or ledger is None:
            directive.queryset, section.queryset = Directive.objects.none(), Section.objects.none()
        else:
            directive.queryset = Directive.objects.restrict(self.user, "view").filter(ledger=ledger)
            section.queryset = Section.objects.restrict(self.user, "view").filter(ledger=ledger)
        if parent is not None or ledger is None or ledger.kind != LedgerKind.DIRECTIVE_LEDGER:
            del self.fields["directive"]
        if parent is not None or ledger is None or ledger.kind != LedgerKind.TASK_LIST:
            del self.fields["section"]

    def _limit_organizations(self):
        orgs = Organization.objects.restrict(self.user, "view").filter(dissolved_on__isnull=True).order_by("path")
        scope = self.scope_organization()
        co = self.instance.co_owners.all() if self.instance.pk else None
        co_ids = set(co.values_list("pk", flat=True)) if co is not None else set()
        # Validation accepts any organisation the user sees, so that the service's own refusal (outside
        # the manager's subtree) is what the user reads; only the subtree is offered.
        self.fields["owner"].queryset = orgs
        self.fields["co_owners"].queryset = _visible_or_current(orgs, co).order_by("path")
        if scope is not None:
            offered = _within(orgs, scope)
            offered_ids = set(offered.values_list("pk", flat=True))
            offer_only(self.fields["owner"], lambda o: o.pk in offered_ids or o.pk == self.instance.owner_id)
            offer_only(self.fields["co_owners"], lambda o: o.pk in offered_ids or o.pk in co_ids)
        top = scope.depth if scope is not None else 0
        for name in ("owner", "co_owners"):
            self.fields[name].label_from_instance = lambda o: "\u3000" * max(o.depth - top, 0) + o.name

    # --- to the service ----------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        if not self.instance.pk:
            parent = data.get("parent")
            if parent is not None:
                data["ledger"] = parent.ledger
            elif not data.get("ledger"):
                self.add_error("ledger", _("请选择台账（或上级任务）"))
        return data

    def definition(self):
        """The scalar fields for create_task (the ledger, parent and many-to-many fields aside)."""
        names = ("directive", "section", "number", "title", "description", "owner", "assigned_on", "deadline")
        fields = {n: self.cleaned_data.get(n) for n in names if n in self.fields}
        parent = self.cleaned_data.get("parent")
        if parent is not None:
            fields.update(directive=parent.directive, section=parent.section)
        return {k: v for k, v in fields.items() if v is not None}


class MilestoneForm(forms.Form):
    """One row of the milestones formset; `key` is the milestone's id when it already exists, so that a
    milestone already marked done keeps its date (read from the database, never from the form)."""

    key = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("节点"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    due_on = forms.DateField(label=_("节点时限"), required=False,
                             widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"},
                                                    format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        if data.get("due_on") and not data.get("title"):
            self.add_error("title", _("请填写节点名称（清空整行即删除该节点）"))
        if data.get("title") and not data.get("due_on"):
            self.add_error("due_on", _("请填写节点时限"))
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, max_num=50, validate_max=True)


def milestone_initial(task):
    if task is None:
        return []
    return [{"key": m.pk, "title": m.title, "due_on": m.due_on} for m in task.milestones.all()]


def milestones_of(formset, task=None):
    """The filled rows, as the services take them: title, due date, and the done date kept from the
    database for a milestone that already existed."""
    done = {m.pk: m.done_on for m in task.milestones.all()} if task is not None else {}
    rows = []
    for f in formset.forms:
        d = f.cleaned_data
        if d.get("title") and d.get("due_on"):
            rows.append({"title": d["title"], "due_on": d["due_on"], "done_on": done.get(d.get("key"))})
    return rows


class VersionForm(forms.Form):
    """Carries the version the user saw, so that a decision on a task changed meanwhile is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        if obj is not None:
            self.fields["expected_version"].initial = obj.version


class SubmitForm(VersionForm):
    completion_note = forms.CharField(label=_("完成情况"), widget=forms.Textarea(attrs={"rows": 4,
                                                                                  "class": "form-control"}))


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class ProgressForm(forms.Form):
    written_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date",
                                                                             "class": "form-control"},
                                                                      format="%Y-%m-%d"))
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("文件"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))
