from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from core.errors import BusinessRuleError, StaleEdit
from core.excel import Labels
from core.registry import detail_tabs
from core.views import Column, ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView
from orgs.models import Organization, Term

from . import masking, services
from .filtersets import MembershipFilterSet, PersonFilterSet
from .forms import PersonForm, SeatForm, StatusForm, TransferForm
from .models import CommitteeSeat, Membership, Person

EXPORTED_FIELDS = ("name", "gender", "id_number", "mobile", "ethnicity", "birth_date", "education", "category",
                   "title", "cadre_level", "party_status", "status_since", "organization")


class PersonListView(ObjectListView):
    model = Person
    title = pgettext_lazy("plural", "人员")
    filterset_class = PersonFilterSet
    add_url = "/members/add/"
    import_url = "/imports/people/"
    columns = (
        Column("name", gettext_lazy("姓名"), sort="name_pinyin"),
        Column("gender", gettext_lazy("性别")),
        Column(lambda p: masking.masked(p, "id_number"), gettext_lazy("身份证号"), export=False),
        Column(lambda p: masking.masked(p, "mobile"), gettext_lazy("手机号码"), export=False),
        Column("organization.name", gettext_lazy("所在组织"), sort="organization__path"),
        Column("party_status", gettext_lazy("政治面貌"), sort="party_status"),
        Column("category", gettext_lazy("人员类别")),
        Column("cadre_level", gettext_lazy("干部层级")),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("organization")

    def export_rows(self, qs):
        """Exports carry the same columns, with ID and phone unmasked where the role allows (logged)."""
        user = self.request.user
        headers = [_("姓名"), _("性别"), _("身份证号"), _("手机号码"), _("民族"), _("出生日期"), _("学历"),
                   _("人员类别"), _("职称/职务"),
                   _("干部层级"), _("政治面貌"), _("当前面貌起始日期"), _("所在组织代码"), _("所在组织")]
        id_q = user.scope_q(Person, "view_id_number")
        mobile_q = user.scope_q(Person, "view_mobile")
        id_ok = set(qs.filter(id_q).values_list("pk", flat=True)) if id_q is not None else set()
        mobile_ok = set(qs.filter(mobile_q).values_list("pk", flat=True)) if mobile_q is not None else set()

        label = Labels().display

        def row(p):
            return [p.name, label(p, "gender"),
                    p.id_number if p.pk in id_ok else masking.masked(p, "id_number"),
                    p.mobile if p.pk in mobile_ok else masking.masked(p, "mobile"),
                    p.ethnicity, p.birth_date, label(p, "education"), label(p, "category"), p.title,
                    label(p, "cadre_level"), label(p, "party_status"), p.status_since,
                    p.organization.code, p.organization.name]

        # Only the exported columns: the others (timestamps, pinyin, the organisation's) cost a third of
        # the time to load and are never written.
        qs = qs.only(*EXPORTED_FIELDS, "organization__code", "organization__name")
        return headers, (row(p) for p in qs.iterator(chunk_size=2000))


class PersonDetailView(ObjectDetailView):
    model = Person
    template_name = "members/person_detail.html"
    tabs = (("overview", gettext_lazy("概况")), ("memberships", pgettext_lazy("plural", "组织关系")), ("statuses",
                                                                                      gettext_lazy("面貌变动")),
            ("seats",
                                                                                                              gettext_lazy("任职")))

    def tab_context(self, tab, obj):
        user = self.request.user
        if tab == "memberships":
            return {"memberships": obj.memberships.select_related("organization").order_by("-valid_from")}
        if tab == "statuses":
            return {"statuses": obj.status_changes.order_by("-changed_on", "-id")}
        if tab == "seats":
            return {"seats": obj.seats.select_related("organization").order_by("-started_on")}
        return {"id_number": masking.shown(user, obj, "id_number"),
                "mobile": masking.shown(user, obj, "mobile") if obj.mobile else ""}


class PersonFormView(ObjectFormView):
    model = Person
    form_class = PersonForm

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_form(self, obj):
        form = super().get_form(obj)
        if obj is None and self.request.method == "GET" and self.request.GET.get("organization"):
            form.initial["organization"] = self.request.GET["organization"]
        return form

    def save(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        if self.object is None:
            return services.create_person(self.request.user, **data)
        return services.update_person(self.request.user, self.object, form.changes(),
                                      form.cleaned_data.get("expected_version"))


class PersonTransferView(ObjectActionView):
    model = Person
    title = gettext_lazy("组织关系转接")
    form_class = TransferForm
    confirm_text = gettext_lazy("原组织关系将于转接日期结束，新组织关系自该日起生效；历史记录完整保留。")

    def form_kwargs(self):
        return {"obj": self.object, "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return services.transfer(self.request.user, self.object, d["to_organization"], d["on_date"], d["note"],
                                 d.get("expected_version")).get_absolute_url()


class PersonStatusView(ObjectActionView):
    model = Person
    title = gettext_lazy("政治面貌变动")
    form_class = StatusForm

    def form_kwargs(self):
        return {"obj": self.object, "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return services.change_status(self.request.user, self.object, d["status"], d["on_date"], d["note"],
                                      d.get("expected_version")).get_absolute_url()


class MembershipListView(ObjectListView):
    model = Membership
    title = pgettext_lazy("plural", "组织关系")
    filterset_class = MembershipFilterSet
    import_url = "/imports/memberships/"
    columns = (
        Column("person.name", gettext_lazy("姓名"), sort="person__name_pinyin"),
        Column("organization.name", gettext_lazy("组织"), sort="organization__path"),
        Column("valid_from", gettext_lazy("转入日期"), sort="valid_from"),
        Column("valid_to", gettext_lazy("转出日期"), sort="valid_to"),
        Column("note", gettext_lazy("说明")),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("person", "organization")


class SeatFormView(ObjectFormView):
    model = CommitteeSeat
    form_class = SeatForm

    def dispatch(self, request, *args, **kwargs):
        self.organization = get_object_or_404(Organization.objects.restrict(request.user, "view"),
                                              pk=kwargs["org"]) if request.user.is_authenticated else None
        if self.organization is not None and not request.user.can("add", CommitteeSeat(organization=self.organization)):
            raise PermissionDenied(_("您没有为该组织新增委员职务的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {"user": self.request.user, "organization": self.organization}

    def form_title(self):
        return _("%(org)s：新增委员职务") % {"org": self.organization.name}

    def save(self, form):
        d = form.cleaned_data
        return services.appoint(self.request.user, self.organization, d["person"], d["post"], d["started_on"],
                                d["is_dual_leader"], d["dual_leader_basis"], d["dual_leader_note"])


def end_seat(request, pk):
    if request.method != "POST" or not request.user.is_authenticated:
        raise Http404(_("未找到该记录"))
    seat = get_object_or_404(CommitteeSeat.objects.restrict(request.user, "view"), pk=pk)
    try:
        # A blank version (a form without it) means "no stale check", not a server error.
        services.end_seat(request.user, seat, timezone.localdate(), request.POST.get("expected_version") or None)
    except (BusinessRuleError, StaleEdit) as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, pgettext("list separator", "；").join(exc.messages))
    else:
        messages.success(request, _("已办理离任"))
    return redirect(seat.get_absolute_url())


# --- tabs on the organisation page (registered below; orgs cannot import members) -------------------

def organization_members_tab(request, org):
    day = parse_date(request.GET.get("on") or "") or timezone.localdate()
    memberships = (Membership.objects.restrict(request.user).on(day).filter(organization=org)
                   .select_related("person").order_by("person__name_pinyin"))
    return "members/_organization_members.html", {"memberships": memberships, "on": day,
                                                  "can_add_person": request.user.can("add", Person(organization=org))}


def organization_committee_tab(request, org):
    seats = (CommitteeSeat.objects.restrict(request.user).filter(organization=org)
             .select_related("person").order_by("ended_on", "post", "-started_on"))
    terms = Term.objects.restrict(request.user).filter(organization=org).order_by("-number")
    return "members/_organization_committee.html", {
        "seats": seats, "terms": terms, "today": timezone.localdate(),
        "can_add_seat": request.user.can("add", CommitteeSeat(organization=org)),
        "can_add_term": request.user.can("add", Term(organization=org)),
        "can_elect": request.user.can("change", Term(organization=org)) and any(t.elected_on is None for t in terms)}


detail_tabs.register("members", pgettext_lazy("plural", "党员"), organization_members_tab, model="orgs.organization",
                     order=10)
detail_tabs.register("committee", gettext_lazy("委员会与换届"), organization_committee_tab, model="orgs.organization",
                     order=20)
