"""Forms of the matter pages: the matter itself and the small forms of each step (pre-review, branch
opinion, decision, correction, documents).

Meeting fields accept any held meeting the user sees but offer only the right ones: a wrong meeting
posted anyway is refused by the service with a message saying what is wrong (organisation, kind, date),
never a bare "invalid choice" and never a write.
"""
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.forms import VersionedModelForm
from meetings.choices import Kind
from meetings.choices import Status as MeetingStatus
from meetings.models import Meeting
from members.models import Person
from orgs.models import Organization, Unit

from .choices import DecisionOutcome, Opinion, ReviewOutcome
from .models import Matter

MULTI_HELP = _("按住 Ctrl（Mac 上 ⌘）可多选")


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, (forms.HiddenInput, forms.RadioSelect, forms.CheckboxInput)):
            widget.attrs.setdefault("class", "form-control")


def _offer(field, offered):
    """Show only `offered` (a queryset) while validation accepts the field's wider queryset."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = lambda: empty + [(o.pk, field.label_from_instance(o)) for o in offered]


def _ancestor_paths(path):
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[:i]) for i in range(1, len(parts) + 1)]


def committees_for(user):
    """Committees the user may bring a matter to: those their roles reach, and for a member the
    committees above the organisation they hold the member role on."""
    visible = Organization.objects.restrict(user, "view").filter(kind="committee", dissolved_on__isnull=True)
    paths = {p for a in user.assignments() if a.role == Role.MEMBER and a.organization_id
             for p in _ancestor_paths(a.organization.path)}
    if paths:
        # A member proposes to the committees above their own organisation (their names only).
        everything = Organization.objects  # scope: narrowed to the visible ones and the member's committees
        above = Q(path__in=paths, kind="committee", dissolved_on__isnull=True)
        visible = everything.filter(Q(pk__in=visible.values("pk")) | above)
    person_id = getattr(user, "person_id", None)
    return [o for o in visible.order_by("path")
            if user.can("add", Matter(organization=o, proposer_id=person_id))]


class MatterForm(VersionedModelForm):
    class Meta:
        model = Matter
        fields = ["title", "category", "organization", "unit", "proposer", "description", "people"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "people": forms.SelectMultiple(attrs={"size": 6})}
        help_texts = {"people": _("人事类事项（干部考察、职称评聘、绩效考核、评奖评优、人才引进）须填写；"
                                  "提交时向每人所在党支部征求意见。") + " " + MULTI_HELP}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        committees = committees_for(user)
        current = [self.instance.organization] if self.instance.pk else []
        ids = {o.pk for o in committees + current}
        field = self.fields["organization"]
        everything = Organization.objects  # scope: only the ids committees_for() chose and the matter's own
        field.queryset = everything.filter(pk__in=ids).order_by("path")
        self.fields["unit"].queryset = Unit.objects.restrict(user, "view").order_by("code")
        people = Person.objects.restrict(user, "view").order_by("name_pinyin")
        self.fields["proposer"].queryset = self._with_current(people, [self.instance.proposer_id]
                                                              if self.instance.pk else [])
        self.fields["people"].queryset = self._with_current(
            people, list(self.instance.people.values_list("pk", flat=True)) if self.instance.pk else [])
        if not self.instance.pk:
            if len(committees) == 1:
                self.fields["organization"].initial = committees[0].pk
            if getattr(user, "person_id", None):
                self.fields["proposer"].initial = user.person_id

    @staticmethod
    def _with_current(visible, ids):
        """What the user sees plus what the matter already names, so an edit never silently drops them."""
        ids = [i for i in ids if i]
        if not ids:
            return visible
        everything = Person.objects  # scope: the visible people plus those the matter already names
        return everything.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=ids)).order_by("name_pinyin")

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "people"}

    def changes(self):
        changes = super().changes()
        changes.pop("people", None)
        return changes


class VersionForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, **kwargs):
        kwargs.setdefault("initial", {})
        if obj is not None and hasattr(obj, "version"):
            kwargs["initial"].setdefault("expected_version", obj.version)
        super().__init__(*args, **kwargs)
        _style(self)


def held_meetings(user):
    return Meeting.objects.restrict(user, "view").filter(status=MeetingStatus.HELD)


class PreReviewForm(VersionForm):
    meeting = forms.ModelChoiceField(label=_("党委会"), queryset=Meeting.objects.none())
    outcome = forms.ChoiceField(label=_("把关意见"), choices=ReviewOutcome.choices)
    opinion = forms.CharField(label=_("党委意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("修改后同意或退回须写明"))

    def __init__(self, *args, obj=None, user=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        today = timezone.localdate()
        self.fields["meeting"].queryset = held_meetings(user)
        offered = held_meetings(user).filter(organization=obj.organization, kind=Kind.COMMITTEE_MEETING,
                                             held_on__lte=today)
        if obj.submitted_on:
            offered = offered.filter(held_on__gte=obj.submitted_on)
        _offer(self.fields["meeting"], offered.order_by("-held_on", "-id"))


class DecisionForm(VersionForm):
    meeting = forms.ModelChoiceField(label=_("党政联席会议"), queryset=Meeting.objects.none())
    outcome = forms.ChoiceField(label=_("决定"), choices=DecisionOutcome.choices)
    text = forms.CharField(label=_("决定内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, obj=None, user=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        today = timezone.localdate()
        self.fields["meeting"].queryset = held_meetings(user)
        offered = held_meetings(user).filter(organization=obj.organization, kind=Kind.JOINT_MEETING,
                                             held_on__lte=today)
        if obj.submitted_on:
            offered = offered.filter(held_on__gte=obj.submitted_on)
        _offer(self.fields["meeting"], offered.order_by("-held_on", "-id"))


class BranchOpinionForm(VersionForm):
    meeting = forms.ModelChoiceField(label=_("支部会议"), queryset=Meeting.objects.none())
    opinion = forms.ChoiceField(label=_("支部意见"), choices=Opinion.choices)
    reasons = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, obj=None, user=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        today = timezone.localdate()
        self.fields["meeting"].queryset = held_meetings(user)
        # The branch's own meetings and those of its groups (the service accepts both).
        offered = held_meetings(user).filter(Q(organization=obj.branch_id) | Q(organization__parent=obj.branch_id),
                                             held_on__lte=today)
        _offer(self.fields["meeting"], offered.order_by("-held_on", "-id"))


class CorrectionForm(forms.Form):
    title = forms.CharField(label=_("事项名称"), max_length=200)
    description = forms.CharField(label=_("更正内容"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, obj=None, user=None, **kwargs):
        kwargs.setdefault("initial", {"title": _("%(t)s（更正）") % {"t": obj.title} if obj else "",
                                      "description": obj.description if obj else ""})
        super().__init__(*args, **kwargs)
        _style(self)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("文件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
