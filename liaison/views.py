"""Liaison pages: the list (in force on a day by default), the form, detail, end, delete and export,
and the 联系与走访 tab on the organisation page. Every refusal comes from liaison.services with its reason
and the user's input kept."""
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.registry import detail_tabs
from core.scoping import path_range
from core.views import Column, ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView
from orgs.choices import Kind
from orgs.models import Organization

from . import services
from .excel import LIAISON_COLUMNS, liaison_export_qs
from .filtersets import LiaisonFilterSet
from .forms import EndLiaisonForm, LiaisonForm
from .models import BranchVisit, Liaison


def safe_next(request):
    """The local URL a fix form was opened from (the coverage page), or None."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return None


class NextMixin:
    """Fix forms opened from a coverage gap go back there once saved."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["next_url"] = safe_next(self.request)
        return ctx

    def success_url(self, obj):
        return safe_next(self.request) or super().success_url(obj)


# --- the list --------------------------------------------------------------------------------------

class LiaisonListView(ObjectListView):
    model = Liaison
    title = gettext_lazy("联系支部")
    template_name = "liaison/liaison_list.html"
    filterset_class = LiaisonFilterSet
    add_url = reverse_lazy("liaison:liaison_add")
    import_url = "/imports/liaisons/"
    columns = (
        Column("leader.name", gettext_lazy("联系领导"), sort="leader__name_pinyin"),
        Column("leader.cadre_level", gettext_lazy("干部层级")),
        Column("branch.name", gettext_lazy("联系党支部"), sort="branch__path"),
        Column("valid_from", gettext_lazy("开始日期"), sort="valid_from"),
        Column("valid_to", gettext_lazy("结束日期"), sort="valid_to"),
        Column("note", gettext_lazy("备注")),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("leader", "branch")

    def export_rows(self, qs):
        return [str(c.label) for c in LIAISON_COLUMNS], ([c.value(o) for c in LIAISON_COLUMNS]
                                                         for o in liaison_export_qs(qs).iterator(chunk_size=2000))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(export_url=reverse("liaison:liaison_export"), coverage_url=reverse("liaison:coverage"))
        ctx["can_import"] = self.request.user.scope_q(self.model, "import") is not None
        return ctx


class LiaisonExportView(LiaisonListView):
    def get(self, request, *args, **kwargs):
        if request.user.scope_q(self.model, "export") is None:
            raise PermissionDenied(_("您没有导出此类记录的权限"))
        return self.export()


# --- the form --------------------------------------------------------------------------------------

class LiaisonFormView(NextMixin, ObjectFormView):
    model = Liaison
    form_class = LiaisonForm
    template_name = "liaison/form.html"

    def get_form_kwargs(self):
        kwargs = {"user": self.request.user}
        if self.object is None and self.request.method == "GET":
            initial = {}
            for name in ("branch", "leader"):
                value = self.request.GET.get(name, "")
                if value.isdigit():
                    initial[name] = int(value)
            kwargs["initial"] = initial
        return kwargs

    def save(self, form):
        user, d = self.request.user, form.cleaned_data
        if self.object is None:
            return services.assign(user, **form.service_fields())
        return services.update_liaison(user, self.object, form.changes(), expected_version=d.get("expected_version"))


# --- detail, end, delete ---------------------------------------------------------------------------

class LiaisonDetailView(ObjectDetailView):
    model = Liaison
    template_name = "liaison/liaison_detail.html"

    def scoped(self, action=None):
        return super().scoped(action).select_related("leader", "branch")

    def tab_context(self, tab, obj):
        today = timezone.localdate()
        visits = (BranchVisit.objects.restrict(self.request.user).filter(branch=obj.branch_id, leaders=obj.leader_id)
                  .order_by("-visited_on")[:10])
        return {"in_force": obj.valid_from <= today and (obj.valid_to is None or obj.valid_to > today),
                "visits": list(visits)}


class LiaisonEndView(ObjectActionView):
    model = Liaison
    title = gettext_lazy("结束联系")
    form_class = EndLiaisonForm
    confirm_text = gettext_lazy("结束日期当天起不再联系（不含当日）；历史记录保留。")

    def perform(self, form):
        d = form.cleaned_data
        services.end_liaison(self.request.user, self.object, d["valid_to"], expected_version=d.get("expected_version"))
        return self.object.get_absolute_url()


class LiaisonDeleteView(ObjectActionView):
    model = Liaison
    title = gettext_lazy("删除")
    permission_action = "delete"
    confirm_text = gettext_lazy("删除后该联系记录不再计入覆盖情况；登记有误时才删除，已结束的联系请填写结束日期。")

    def perform(self, form):
        services.delete_liaison(self.request.user, self.object)
        return reverse("liaison:liaison_list")


# --- the 联系与走访 tab on the organisation page ---------------------------------------------------------

def organization_liaison_tab(request, org):
    """A branch: its liaison leaders in force and its last visits. Above: the coverage page and counts."""
    user, today = request.user, timezone.localdate()
    liaisons = Liaison.objects.restrict(user).on(today)
    visits = BranchVisit.objects.restrict(user)
    ctx = {"org": org, "is_branch": org.kind == Kind.BRANCH, "today": today,
           "can_add_liaison": user.can("add", Liaison(branch=org)),
           "can_add_visit": user.can("add", BranchVisit(branch=org))}
    if org.kind == Kind.BRANCH:
        ctx.update(liaisons=list(liaisons.filter(branch=org).select_related("leader")),
                   visits=list(visits.filter(branch=org).prefetch_related("leaders")
                               .annotate(n_problems=Count("problems"))[:10]))
    else:
        lo, hi = path_range(org.path)
        branches = Organization.objects.restrict(user).filter(path__gte=lo, path__lt=hi, kind=Kind.BRANCH,
                                                              dissolved_on__isnull=True)
        year_start = today.replace(month=1, day=1)
        ctx.update(
            branch_count=branches.count(),
            with_liaison=branches.filter(pk__in=liaisons.values("branch_id")).count(),
            visited=branches.filter(pk__in=visits.filter(visited_on__gte=year_start,
                                                         visited_on__lte=today).values("branch_id")).count(),
            coverage_url=f"{reverse('liaison:coverage')}?org={org.pk}")
    return "liaison/_organization_liaison.html", ctx


detail_tabs.register("liaison", gettext_lazy("联系与走访"), organization_liaison_tab, model="orgs.organization",
                     order=45)

