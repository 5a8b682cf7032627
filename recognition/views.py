"""Brand project pages (一学院一品牌 / 一支部一特色): list, print, form, detail with materials, review
actions; the materials of brands and model branches (upload, download, delete); the 品牌与荣誉 tab on the
organisation page. Model-branch pages are in views_cycles.py, honours and role models in views_honors.py.

Who may review is decided by recognition.services; the pages only decide which buttons to show, and a
review posted by someone else is 403 (they see the record, it is not theirs to judge)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from core import uploads
from core.errors import BusinessRuleError, NotInScope
from core.registry import detail_tabs
from core.scoping import path_range
from core.views import Column, ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView

from . import services
from .choices import BrandAction, BrandStatus
from .filtersets import BrandFilterSet
from .forms import BrandActionForm, BrandForm, MaterialForm
from .models import BrandMaterial, BrandProject, Honor, ModelBranch, ModelBranchMaterial

BRAND_BADGE = {BrandStatus.PROPOSED: "text-bg-info", BrandStatus.APPROVED: "text-bg-primary",
               BrandStatus.BUILDING: "text-bg-warning", BrandStatus.EVALUATED: "text-bg-success",
               BrandStatus.REJECTED: "text-bg-secondary"}
# Which review action each status allows (the service's BRAND_TRANSITIONS decides; this only shows buttons).
BRAND_ACTIONS = {status: [a for (s, a) in services.BRAND_TRANSITIONS if s == status] for status in BrandStatus}
MATERIALS = {"brand": BrandMaterial, "cycle": ModelBranchMaterial}
# The only content types ever sent: those of our own table, never what a client claimed.


def get_or_404(qs, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该记录")) from None


def brand_queryset(user, action="view"):
    return BrandProject.objects.restrict(user, action).select_related("organization", "organization__parent")


def report_errors(request, exc):
    """A service refusal as a message on the next page."""
    if isinstance(exc, (BusinessRuleError,)):
        messages.error(request, exc.message)
    elif isinstance(exc, ValidationError):
        messages.error(request, pgettext("list separator", "；").join(exc.messages))
    else:
        messages.error(request, str(exc) or _("您没有执行此操作的权限"))


def export_view(list_view):
    """The list's Excel export at its own URL (the same filters, the export right checked)."""

    class ExportView(list_view):
        def get(self, request, *args, **kwargs):
            if request.user.scope_q(self.model, "export") is None:
                raise PermissionDenied(_("您没有导出此类记录的权限"))
            return self.export()

    return ExportView.as_view()


# --- list, print --------------------------------------------------------------------------------------

class BrandListView(ObjectListView):
    model = BrandProject
    title = gettext_lazy("党建品牌项目")
    template_name = "recognition/brand_list.html"
    filterset_class = BrandFilterSet
    add_url = reverse_lazy("recognition:brand_add")
    import_url = reverse_lazy("imports:upload", args=["brands"])
    columns = (
        Column("name", gettext_lazy("项目名称"), sort="name"),
        Column("level", gettext_lazy("层级"), sort="level"),
        Column("organization.name", gettext_lazy("建设组织"), sort="organization__path"),
        Column("started_on", gettext_lazy("开始日期"), sort="started_on"),
        Column("ends_on", gettext_lazy("结束日期")),
        Column("status", gettext_lazy("状态"), sort="status"),
        Column("approved_on", gettext_lazy("立项日期"), sort="approved_on"),
        Column("evaluation", gettext_lazy("评估结果")),
        Column("description", gettext_lazy("项目内容")),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("organization")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["columns"] = self.columns[:-1]
        ctx["rows"] = [(obj, values[:-1]) for obj, values in ctx["rows"]]
        ctx["print_url"] = reverse("recognition:brand_print")
        return ctx


class BrandPrintView(BrandListView):
    """品牌项目一览表: the filtered list on A4, every row, without the navigation."""

    template_name = "recognition/brand_print.html"
    paginate_by = 10000

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(today=timezone.localdate(), printing=True)
        return ctx


# --- form, detail, delete -----------------------------------------------------------------------------

class BrandFormView(ObjectFormView):
    model = BrandProject
    form_class = BrandForm
    template_name = "recognition/form.html"

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_or_404(brand_queryset(self.request.user), self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def form_title(self):
        if self.object:
            return _("修改党建品牌项目：%(o)s") % {"o": self.object}
        return _("申报党建品牌项目")

    def save(self, form):
        user, d = self.request.user, form.cleaned_data
        if self.object is None:
            return services.propose_brand(user, **{k: d[k] for k in services.BRAND_FIELDS})
        return services.update_brand(user, self.object, form.changes(), expected_version=d.get("expected_version"))


class BrandDetailView(ObjectDetailView):
    model = BrandProject
    template_name = "recognition/brand_detail.html"

    def scoped(self, action=None):
        return brand_queryset(self.request.user, action or self.action)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj, user = ctx["object"], self.request.user
        actions = []
        if services.can_review_brand(user, obj):
            actions = [{"url": reverse("recognition:brand_action", args=[obj.pk, a]), "label": BrandAction(a).label,
                        "id": f"brand-{a}"} for a in BRAND_ACTIONS.get(obj.status, [])]
        ctx.update(badge=BRAND_BADGE.get(obj.status), review_actions=actions, reviewer=services.brand_reviewer(obj),
                   nav_org_id=obj.organization_id,
                   can_edit=ctx["can_change"] and obj.status not in (BrandStatus.EVALUATED, BrandStatus.REJECTED),
                   can_remove=ctx["can_delete"] and obj.status == BrandStatus.PROPOSED)
        return ctx

    def tab_context(self, tab, obj):
        can_upload = self.request.user.can("change", obj)
        return {"materials": list(obj.materials.select_related("uploaded_by")), "material_kind": "brand",
                "can_upload": can_upload, "upload_form": MaterialForm() if can_upload else None,
                "upload_url": reverse("recognition:brand_material_add", args=[obj.pk]),
                "allowed_types": uploads.ALLOWED_TEXT, "limit_mb": services.MATERIAL_MAX_SIZE // uploads.MB}


class BrandDeleteView(ObjectActionView):
    model = BrandProject
    permission_action = "delete"
    title = gettext_lazy("删除")
    confirm_text = gettext_lazy("只能删除申报中的项目；已立项的项目留档备查。")

    def perform(self, form):
        services.delete_brand(self.request.user, self.object)
        return reverse("recognition:brand_list")


class StepView(ObjectActionView):
    """One step of a workflow named in the URL (`actions`: the step's choices), confirmed on a form that
    returns to the record; the subclass's get_object decides who may take it."""

    actions = None
    template_name = "recognition/confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in self.actions.values:
            raise Http404(_("未找到该记录"))
        self.action_name = kwargs["action"]
        self.title = self.actions(self.action_name).label
        return super().dispatch(request, *args, **kwargs)

    def form_kwargs(self):
        return {"obj": self.object, "action": self.action_name}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["back_url"] = self.object.get_absolute_url()
        return ctx


class BrandActionView(StepView):
    """Approve, reject, start or evaluate: by the organisation above the project's (403 for others who see it)."""

    model = BrandProject
    form_class = BrandActionForm
    actions = BrandAction

    def get_object(self):
        obj = get_or_404(brand_queryset(self.request.user), self.kwargs["pk"])
        if not services.can_review_brand(self.request.user, obj):
            raise PermissionDenied(_("品牌项目由上级党组织立项和评估：“%(o)s”的上级组织才能执行此操作")
                                   % {"o": obj.organization})
        return obj

    def perform(self, form):
        d = form.cleaned_data
        services.act_on_brand(self.request.user, self.object, self.action_name, on_date=d["on_date"],
                              evaluation=d.get("evaluation", ""), note=d["note"],
                              expected_version=d.get("expected_version"))
        return self.object.get_absolute_url()


# --- materials (brands and model branches) ---------------------------------------------------------------

def _upload(request, parent, add, with_stage=False):
    form = MaterialForm(request.POST, request.FILES, with_stage=with_stage)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return
    try:
        material = add(form.cleaned_data)
    except (BusinessRuleError, ValidationError, PermissionDenied) as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("已上传“%(name)s”") % {"name": material.original_name})


@login_required
@require_POST
def brand_material_add(request, pk):
    project = get_or_404(brand_queryset(request.user), pk)
    try:
        _upload(request, project, lambda d: services.add_brand_material(request.user, project, d["file"]))
    except NotInScope:
        raise Http404(_("未找到该记录")) from None
    return redirect(project.get_absolute_url())


def get_material(user, kind, pk):
    model = MATERIALS.get(kind)
    if model is None:
        raise Http404(_("未找到该记录"))
    return get_or_404(model.objects.restrict(user), pk)


@login_required
def material_download(request, kind, pk):
    return uploads.serve(get_material(request.user, kind, pk))


@login_required
@require_POST
def material_delete(request, kind, pk):
    material = get_material(request.user, kind, pk)
    parent = getattr(material, material.parent_field)
    try:
        services.delete_material(request.user, material)
    except NotInScope:
        raise Http404(_("未找到该记录")) from None
    except PermissionDenied as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("已删除“%(name)s”") % {"name": material.original_name})
    return redirect(parent.get_absolute_url())


# --- the 品牌与荣誉 tab on the organisation page ----------------------------------------------------------

def organization_recognition_tab(request, org):
    """The brands, model-branch cycles and honours of the organisation and those under it."""
    user = request.user
    lo, hi = path_range(org.path)
    brands = list(BrandProject.objects.restrict(user).filter(organization__path__gte=lo, organization__path__lt=hi)
                  .select_related("organization").order_by("-started_on", "id")[:20])
    for b in brands:
        b.badge = BRAND_BADGE.get(b.status)
    cycles = list(ModelBranch.objects.restrict(user).filter(branch__path__gte=lo, branch__path__lt=hi)
                  .select_related("batch", "branch").order_by("-batch__year", "branch__path")[:20])
    honors = list(Honor.objects.restrict(user).filter(organization__path__gte=lo, organization__path__lt=hi)
                  .select_related("organization", "person").order_by("-year", "kind", "id")[:20])
    return "recognition/_organization_recognition.html", {
        "brands": brands, "cycles": cycles, "honors": honors,
        "brand_list_url": f"{reverse('recognition:brand_list')}?organization={org.pk}",
        "honor_list_url": f"{reverse('recognition:honor_list')}?organization={org.pk}"}


detail_tabs.register("recognition", gettext_lazy("品牌与荣誉"), organization_recognition_tab,
                     model="orgs.organization", order=60)


urlpatterns = [
    path("brands/", BrandListView.as_view(), name="brand_list"),
    path("brands/print/", BrandPrintView.as_view(), name="brand_print"),
    path("brands/export/", export_view(BrandListView), name="brand_export"),
    path("brands/add/", BrandFormView.as_view(), name="brand_add"),
    path("brands/<int:pk>/", BrandDetailView.as_view(), name="brand_detail"),
    path("brands/<int:pk>/edit/", BrandFormView.as_view(), name="brand_edit"),
    path("brands/<int:pk>/delete/", BrandDeleteView.as_view(), name="brand_delete"),
    path("brands/<int:pk>/materials/", brand_material_add, name="brand_material_add"),
    path("brands/<int:pk>/<slug:action>/", BrandActionView.as_view(), name="brand_action"),
    path("materials/<slug:kind>/<int:pk>/", material_download, name="material_download"),
    path("materials/<slug:kind>/<int:pk>/delete/", material_delete, name="material_delete"),
]
