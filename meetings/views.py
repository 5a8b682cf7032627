"""Meetings, campaigns, the central-group roster, a member's own meetings, and the tabs meetings add to
the organisation and person pages."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import services as audit
from core.errors import BusinessRuleError, NotInScope, StaleEdit
from core.registry import detail_tabs
from core.views import (
    OUT_OF_SCOPE_CHOICE,
    Column,
    ObjectActionView,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    ScopedView,
)
from orgs.models import Organization

from . import services
from .choices import HELD_BY, AttendanceStatus, Kind, Status
from .filtersets import CampaignFilterSet, MeetingFilterSet
from .forms import (
    AgendaFormSet,
    AttendanceGrid,
    CampaignForm,
    MeetingForm,
    RosterEndForm,
    RosterForm,
    agenda_items,
    grid_params,
)
from .models import Attendance, Campaign, CentralGroupMember, Meeting

AGENDA_FIELDS = ("title", "is_first_topic", "material_title", "material_source", "material_link")


# --- meetings --------------------------------------------------------------------------------------

class MeetingListView(ObjectListView):
    model = Meeting
    title = gettext_lazy("会议记录")
    filterset_class = MeetingFilterSet
    add_url = "/meetings/add/"
    columns = (
        Column("title", gettext_lazy("主题"), sort="title"),
        Column("held_on", gettext_lazy("日期"), sort="held_on"),
        Column("kind", gettext_lazy("类别"), sort="kind"),
        Column("organization.name", gettext_lazy("组织"), sort="organization__path"),
        Column("status", gettext_lazy("状态"), sort="status"),
        Column("has_first_topic", gettext_lazy("含第一议题"), sort="has_first_topic"),
        Column("campaign.name", gettext_lazy("主题教育")),
        Column("place", gettext_lazy("地点")),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("organization", "campaign")


def attendance_rows(meeting):
    """Each expected attendee with the recorded status, then anyone recorded who was not expected."""
    expected = list(services.expected_attendees(meeting.organization, meeting.kind, meeting.held_on)
                    .order_by("name_pinyin"))
    recorded = {a.person_id: a for a in meeting.attendance.select_related("person")}
    rows = [{"person": p, "record": recorded.pop(p.pk, None), "expected": True} for p in expected]
    rows += [{"person": a.person, "record": a, "expected": False}
             for a in sorted(recorded.values(), key=lambda a: a.person.name_pinyin)]
    counts = {s: sum(1 for r in rows if r["record"] and r["record"].status == s) for s in AttendanceStatus.values}
    counts["unmarked"] = sum(1 for r in rows if not r["record"])
    return {"attendance_rows": rows, "attendance_counts": counts, "expected_count": len(expected),
            "quorum": services.quorum(meeting)}


class MeetingDetailView(ObjectDetailView):
    model = Meeting
    template_name = "meetings/meeting_detail.html"
    tabs = (("overview", gettext_lazy("概况")), ("attendance", gettext_lazy("出席情况")))

    def scoped(self, action=None):
        return super().scoped(action).select_related("organization", "host", "recorder", "campaign")

    def tab_context(self, tab, obj):
        if tab == "attendance":
            return attendance_rows(obj)
        return {"agenda": list(obj.agenda.all())}


class MeetingPrintView(ScopedView):
    """The minutes on one clean A4 page, without the navigation."""

    model = Meeting
    template_name = "meetings/meeting_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        try:
            obj = self.scoped().select_related("organization", "host", "recorder", "campaign").get(pk=self.kwargs["pk"])
        except Meeting.DoesNotExist:
            raise Http404(_("未找到该记录")) from None
        ctx.update(object=obj, title=str(obj), agenda=list(obj.agenda.all()), **attendance_rows(obj))
        return ctx


class MeetingFormView(ObjectFormView):
    """One page: the meeting's fields, its ordered agenda and the attendance grid, saved together."""

    model = Meeting
    template_name = "meetings/meeting_form.html"

    def get_form(self, obj):
        kwargs = {"instance": obj, "user": self.request.user}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
        elif obj is None:
            kwargs["initial"] = {k: self.request.GET[k] for k in ("organization", "kind") if self.request.GET.get(k)}
            kwargs["initial"].setdefault("held_on", timezone.localdate())
        return MeetingForm(**kwargs)

    def get_formset(self, obj):
        if self.request.method == "POST":
            return AgendaFormSet(self.request.POST, prefix="agenda")
        initial = list(obj.agenda.values(*AGENDA_FIELDS)) if obj else []
        return AgendaFormSet(prefix="agenda", initial=initial)

    def get_grid(self, form, obj):
        source = self.request.POST if self.request.method == "POST" else form.initial
        if self.request.method != "POST" and obj is not None:
            source = {}
        return build_grid(self.request.user, source, obj,
                          data=self.request.POST if self.request.method == "POST" else None)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("formset", self.get_formset(self.object))
        ctx.setdefault("grid", self.get_grid(ctx["form"], self.object))
        ctx["grid_url"] = reverse("meetings:attendance_grid")
        return ctx

    def post(self, request, *args, **kwargs):
        form, formset = self.get_form(self.object), self.get_formset(self.object)
        grid = self.get_grid(form, self.object)
        duplicate = False
        valid = [form.is_valid(), formset.is_valid(), grid.is_valid()]
        for error in grid.errors:
            form.add_error(None, error)
        if all(valid):
            try:
                saved = self.save(form, formset, grid)
            except services.LikelyDuplicate as exc:
                duplicate = True
                form.add_error(None, exc.message)
            except (StaleEdit, BusinessRuleError) as exc:
                form.add_error(None, exc.message)
            except (NotInScope, PermissionDenied):
                form.add_error(None, OUT_OF_SCOPE_CHOICE)
            except ValidationError as exc:
                self.add_validation_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(saved.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, formset=formset, grid=grid,
                                                             duplicate=duplicate))

    def save(self, form, formset, grid):
        user, d = self.request.user, form.cleaned_data
        agenda, attendance = agenda_items(formset), grid.cleaned()
        if self.object is None:
            return services.create_meeting(user, agenda=agenda, attendance=attendance,
                                           confirm_duplicate=d.get("confirm_duplicate", False),
                                           **form.service_fields())
        return services.update_meeting(user, self.object, form.changes(), agenda=agenda, attendance=attendance,
                                       expected_version=d.get("expected_version"))


def build_grid(user, source, meeting=None, data=None):
    """The attendance grid for the organisation, kind and date in `source` (or the meeting's)."""
    org_id, kind, day = grid_params(source, meeting)
    org = Organization.objects.restrict(user, "view").filter(pk=org_id).first() if org_id else None
    people = []
    if org is not None and kind in Kind.values and day and org.kind in HELD_BY[kind]:
        people = services.expected_attendees(org, kind, day).order_by("name_pinyin")
    recorded = {}
    if meeting is not None and data is None:
        recorded = {a.person_id: (a.status, a.reason) for a in meeting.attendance.all()}
    grid = AttendanceGrid(user, people, data=data, recorded=recorded)
    grid.ready = org is not None and bool(kind) and bool(day)
    return grid


class AttendanceGridView(ScopedView):
    """The grid partial, reloaded (htmx) when the organisation, kind or date changes on the form; it also
    sends the kinds that organisation holds (out of band)."""

    model = Meeting

    def get(self, request, *args, **kwargs):
        meeting = None
        if request.GET.get("meeting"):
            meeting = Meeting.objects.restrict(request.user, "change").filter(pk=request.GET["meeting"]).first()
        grid = build_grid(request.user, request.GET, meeting)
        form = MeetingForm(data=request.GET, instance=meeting or Meeting(), user=request.user)
        # The kinds that organisation holds replace the kind list in place (htmx out-of-band swap).
        kind_widget = form["kind"].as_widget(attrs={"hx-swap-oob": "true"})
        return render(request, "meetings/_attendance_grid.html", {"grid": grid, "kind_widget": kind_widget})


class MeetingDeleteView(ObjectActionView):
    model = Meeting
    title = gettext_lazy("删除会议记录")
    permission_action = "delete"
    confirm_text = gettext_lazy("会议记录及其议题、出席记录将一并删除；删除操作记入审计日志。")

    def perform(self, form):
        services.delete_meeting(self.request.user, self.object)
        return reverse("meetings:meeting_list")


# --- a member's own meetings -------------------------------------------------------------------------

class MyMeetingsView(ScopedView):
    """The meetings the user attended or was recorded at: no points, no rankings, no quotas."""

    model = Attendance
    template_name = "meetings/mine.html"
    title = gettext_lazy("我的组织生活")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        rows = []
        if user.person_id:
            rows = list(self.scoped().filter(person_id=user.person_id)
                        .select_related("meeting", "meeting__organization").order_by("-meeting__held_on")[:500])
        for a in rows:
            a.can_open = user.can("view", a.meeting)
        ctx.update(title=self.title, rows=rows, has_person=bool(user.person_id))
        return ctx


# --- campaigns -------------------------------------------------------------------------------------

class CampaignListView(ObjectListView):
    model = Campaign
    title = gettext_lazy("主题教育")
    filterset_class = CampaignFilterSet
    add_url = "/meetings/campaigns/add/"
    columns = (
        Column("name", gettext_lazy("名称"), sort="name"),
        Column("organization.name", gettext_lazy("组织单位"), sort="organization__path"),
        Column("starts_on", gettext_lazy("开始日期"), sort="starts_on"),
        Column("ends_on", gettext_lazy("结束日期"), sort="ends_on"),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("organization")


class CampaignDetailView(ObjectDetailView):
    model = Campaign
    template_name = "meetings/campaign_detail.html"

    def tab_context(self, tab, obj):
        meetings = Meeting.objects.restrict(self.request.user).filter(campaign=obj)
        held = meetings.filter(status=Status.HELD)
        return {"meetings": meetings.select_related("organization").order_by("-held_on")[:200],
                "meeting_count": meetings.count(),
                "seminars_own": held.filter(kind=Kind.STUDY_SEMINAR, organization=obj.organization).count(),
                "seminars_below": held.filter(kind=Kind.STUDY_SEMINAR).exclude(organization=obj.organization).count()}


class CampaignFormView(ObjectFormView):
    model = Campaign
    form_class = CampaignForm

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def save(self, form):
        if self.object is None:
            data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
            return audit.create(self.request.user, Campaign(**data))
        return audit.update(self.request.user, self.object, form.changes(),
                            expected_version=form.cleaned_data.get("expected_version"))


# --- the central group's roster --------------------------------------------------------------------

class RosterView(ScopedView):
    """A committee's central group (理论学习中心组): who belongs from when to when; add a member."""

    model = CentralGroupMember
    template_name = "meetings/roster.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organization = get_object_or_404(Organization.objects.restrict(request.user, "view")
                                                  .filter(kind="committee"), pk=kwargs["org"])
        return super().dispatch(request, *args, **kwargs)

    def can_add(self):
        return self.request.user.can("add", CentralGroupMember(organization=self.organization))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org = self.organization
        can_add = self.can_add()
        ctx.update(title=_("%(org)s：理论学习中心组成员") % {"org": org.name}, organization=org, nav_org_id=org.pk,
                   roster=self.scoped().filter(organization=org).select_related("person")
                   .order_by("valid_to", "valid_from"),
                   today=timezone.localdate(), can_add=can_add,
                   can_change=self.request.user.can("change", CentralGroupMember(organization=org)))
        if can_add:
            ctx.setdefault("form", RosterForm(user=self.request.user, organization=org,
                                              initial={"valid_from": timezone.localdate()}))
        return ctx

    def post(self, request, *args, **kwargs):
        if not self.can_add():
            raise PermissionDenied(_("您没有维护该党委中心组成员的权限"))
        form = RosterForm(request.POST, user=request.user, organization=self.organization)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.add_roster_member(request.user, self.organization, d["person"], d["valid_from"],
                                           d.get("valid_to"))
            except BusinessRuleError as exc:
                form.add_error(None, exc.message)
            except (NotInScope, PermissionDenied):
                form.add_error(None, OUT_OF_SCOPE_CHOICE)
            except ValidationError as exc:
                ObjectFormView.add_validation_errors(form, exc)
            else:
                messages.success(request, _("已加入中心组"))
                return redirect("meetings:roster", org=self.organization.pk)
        return self.render_to_response(self.get_context_data(form=form))


class RosterEndView(ObjectActionView):
    model = CentralGroupMember
    title = gettext_lazy("结束中心组成员资格")
    form_class = RosterEndForm
    confirm_text = gettext_lazy("该成员自截止日期起不再列为中心组学习的应参会人员；此前的记录保留。")

    def form_kwargs(self):
        return {"obj": self.object, "initial": {"valid_to": timezone.localdate()}}

    def perform(self, form):
        d = form.cleaned_data
        audit.update(self.request.user, self.object, {"valid_to": d["valid_to"]},
                     expected_version=d.get("expected_version"))
        return reverse("meetings:roster", kwargs={"org": self.object.organization_id})


# --- tabs on the organisation and person pages ----------------------------------------------------

def organization_meetings_tab(request, org):
    """组织生活: this year's meetings of the organisation, counted by kind, with a link to record one."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    meetings = Meeting.objects.restrict(request.user).filter(organization=org, held_on__year=year)
    by_kind = dict(meetings.filter(status=Status.HELD).order_by().values_list("kind").annotate(n=Count("pk")))
    kinds = [(k, by_kind.get(k.value, 0)) for k in Kind if org.kind in HELD_BY[k]]
    try:
        compliance_url = reverse("meetings:compliance") + f"?org={org.pk}&year={year}"
    except NoReverseMatch:
        compliance_url = None
    return "meetings/_organization_meetings.html", {
        "meetings": meetings.select_related("campaign").order_by("-held_on", "-id"), "year": year,
        "kinds": kinds, "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        "can_add_meeting": request.user.can("add", Meeting(organization=org)),
        "compliance_url": compliance_url,
        "roster_url": reverse("meetings:roster", kwargs={"org": org.pk}) if org.kind == "committee" else None}


def person_meetings_tab(request, person):
    """会议: the person's attendance, at meetings the viewer may see (a member: their own)."""
    rows = list(Attendance.objects.restrict(request.user).filter(person=person)
                .select_related("meeting", "meeting__organization").order_by("-meeting__held_on")[:500])
    for a in rows:
        a.can_open = request.user.can("view", a.meeting)
    return "meetings/_person_meetings.html", {"attendance": rows}


detail_tabs.register("meetings", gettext_lazy("组织生活"), organization_meetings_tab, model="orgs.organization",
                     order=25)
detail_tabs.register("meetings", gettext_lazy("会议"), person_meetings_tab, model="members.person", order=25)
