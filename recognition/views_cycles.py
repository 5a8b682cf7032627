"""Model-branch pages (样板支部): batches (list, form, detail with each branch's stage and due dates),
a branch's application to a batch, the cycle's page (timeline, materials per stage, the honour once
accepted) and the batch committee's steps (approve, mid-term review, acceptance)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import uploads
from core.errors import NotInScope
from core.views import Column, ObjectDetailView, ObjectFormView, ObjectListView

from . import services
from .choices import ModelBranchAction, ModelBranchStage
from .filtersets import BatchFilterSet
from .forms import ApplyForm, BatchForm, MaterialForm, ModelBranchActionForm
from .models import Honor, ModelBranch, ModelBranchBatch
from .views import StepView, _upload, get_or_404

STAGE_BADGE = {ModelBranchStage.APPLIED: "text-bg-info", ModelBranchStage.CULTIVATING: "text-bg-primary",
               ModelBranchStage.MIDTERM_PASSED: "text-bg-warning", ModelBranchStage.ACCEPTED: "text-bg-success",
               ModelBranchStage.FAILED: "text-bg-secondary"}
STAGE_ACTIONS = {stage: sorted({a for (s, a, _p) in services.MODEL_BRANCH_TRANSITIONS if s == stage})
                 for stage in ModelBranchStage}


def batch_queryset(user, action="view"):
    return ModelBranchBatch.objects.restrict(user, action).select_related("organization")


def cycle_queryset(user, action="view"):
    return ModelBranch.objects.restrict(user, action).select_related("batch__organization", "branch")


def with_due_dates(cycles, today):
    """Each cycle's due dates, and whether the next step is overdue (open stages only)."""
    for c in cycles:
        c.midterm_due, c.accept_due = services.due_dates(c)
        due = {ModelBranchStage.CULTIVATING: c.midterm_due, ModelBranchStage.MIDTERM_PASSED: c.accept_due}
        c.next_due = due.get(c.stage)
        c.overdue = bool(c.next_due and c.next_due < today)
        c.badge = STAGE_BADGE.get(c.stage)
    return cycles


class BatchListView(ObjectListView):
    model = ModelBranchBatch
    title = gettext_lazy("样板支部创建批次")
    filterset_class = BatchFilterSet
    add_url = reverse_lazy("recognition:batch_add")
    columns = (
        Column("name", gettext_lazy("批次名称"), sort="name"),
        Column("organization.name", gettext_lazy("组织单位"), sort="organization__path"),
        Column("year", gettext_lazy("启动年度"), sort="year"),
        Column("note", gettext_lazy("说明")),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("organization")


class BatchFormView(ObjectFormView):
    model = ModelBranchBatch
    form_class = BatchForm
    template_name = "recognition/form.html"

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_or_404(batch_queryset(self.request.user), self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def save(self, form):
        user, d = self.request.user, form.cleaned_data
        if self.object is None:
            return services.create_batch(user, organization=d["organization"], name=d["name"], year=d["year"],
                                         note=d["note"])
        return services.update_batch(user, self.object, form.changes(), expected_version=d.get("expected_version"))


class BatchDetailView(ObjectDetailView):
    model = ModelBranchBatch
    template_name = "recognition/batch_detail.html"

    def scoped(self, action=None):
        return batch_queryset(self.request.user, action or self.action)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["nav_org_id"] = ctx["object"].organization_id
        return ctx

    def tab_context(self, tab, obj):
        user = self.request.user
        cycles = with_due_dates(list(cycle_queryset(user).filter(batch=obj).order_by("branch__path")),
                                timezone.localdate())
        return {"cycles": cycles, "can_apply": user.scope_q(ModelBranch, "add") is not None,
                "apply_url": reverse("recognition:model_branch_add", args=[obj.pk])}


class ApplyView(ObjectFormView):
    """A branch applies to a batch (by the branch or the batch's committee)."""

    model = ModelBranch
    form_class = ApplyForm
    template_name = "recognition/form.html"

    def get_object(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.batch = get_or_404(batch_queryset(request.user), kwargs["batch"])
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, obj):
        kwargs = {"user": self.request.user, "batch": self.batch}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
        return self.form_class(**kwargs)

    def form_title(self):
        return _("申报样板支部：%(b)s") % {"b": self.batch}

    def save(self, form):
        d = form.cleaned_data
        return services.apply_model_branch(self.request.user, batch=self.batch, branch=d["branch"],
                                           applied_on=d["applied_on"], plan=d["plan"])


def timeline(cycle):
    """The cycle's stages in order, each with its date (or due date) and note."""
    steps = [(_("申报"), cycle.applied_on, cycle.plan), (_("确定为培育创建单位"), cycle.approved_on, ""),
             (_("中期检查"), cycle.midterm_on, cycle.midterm_note),
             (_("验收"), cycle.accepted_on, cycle.acceptance_note)]
    midterm_due, accept_due = services.due_dates(cycle)
    dues = [None, None, midterm_due, accept_due]
    return [{"label": label, "on": on, "note": note, "due": due} for (label, on, note), due in zip(steps, dues,
                                                                                                 strict=True)]


class CycleDetailView(ObjectDetailView):
    model = ModelBranch
    template_name = "recognition/cycle_detail.html"

    def scoped(self, action=None):
        return cycle_queryset(self.request.user, action or self.action)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj, user = ctx["object"], self.request.user
        with_due_dates([obj], timezone.localdate())
        actions = []
        if user.can("change", obj.batch):
            actions = [{"url": reverse("recognition:model_branch_action", args=[obj.pk, a]),
                        "label": ModelBranchAction(a).label, "id": f"cycle-{a}"}
                       for a in STAGE_ACTIONS.get(obj.stage, [])]
        ctx.update(review_actions=actions, nav_org_id=obj.branch_id)
        return ctx

    def tab_context(self, tab, obj):
        user = self.request.user
        materials = list(obj.materials.select_related("uploaded_by"))
        by_stage = [(label, [m for m in materials if m.stage == value]) for value, label in ModelBranchStage.choices]
        can_upload = user.can("change", obj)
        return {"timeline": timeline(obj), "by_stage": [s for s in by_stage if s[1]], "material_kind": "cycle",
                "honor": Honor.objects.restrict(user).filter(model_branch=obj).first(),
                "can_upload": can_upload,
                "upload_form": MaterialForm(with_stage=True, initial={"stage": obj.stage}) if can_upload else None,
                "upload_url": reverse("recognition:model_branch_material_add", args=[obj.pk]),
                "allowed_types": uploads.ALLOWED_TEXT, "limit_mb": services.MATERIAL_MAX_SIZE // uploads.MB}


class CycleActionView(StepView):
    """Approve, mid-term review or accept a cycle: by the batch's committee (403 for others who see it)."""

    model = ModelBranch
    form_class = ModelBranchActionForm
    actions = ModelBranchAction

    def get_object(self):
        obj = get_or_404(cycle_queryset(self.request.user), self.kwargs["pk"])
        if not self.request.user.can("change", obj.batch):
            raise PermissionDenied(_("样板支部的立项、中期检查和验收由“%(o)s”进行") % {"o": obj.batch.organization})
        return obj

    def perform(self, form):
        d = form.cleaned_data
        services.act_on_model_branch(self.request.user, self.object, self.action_name, passed=d["passed"],
                                     on_date=d["on_date"], note=d["note"],
                                     expected_version=d.get("expected_version"))
        return self.object.get_absolute_url()


@login_required
@require_POST
def cycle_material_add(request, pk):
    cycle = get_or_404(cycle_queryset(request.user), pk)
    try:
        _upload(request, cycle, lambda d: services.add_model_branch_material(
            request.user, cycle, d["file"], stage=d.get("stage") or None), with_stage=True)
    except NotInScope:
        raise Http404(_("未找到该记录")) from None
    return redirect(cycle.get_absolute_url())


urlpatterns = [
    path("batches/", BatchListView.as_view(), name="batch_list"),
    path("batches/add/", BatchFormView.as_view(), name="batch_add"),
    path("batches/<int:pk>/", BatchDetailView.as_view(), name="batch_detail"),
    path("batches/<int:pk>/edit/", BatchFormView.as_view(), name="batch_edit"),
    path("batches/<int:batch>/apply/", ApplyView.as_view(), name="model_branch_add"),
    path("model-branches/<int:pk>/", CycleDetailView.as_view(), name="model_branch_detail"),
    path("model-branches/<int:pk>/materials/", cycle_material_add, name="model_branch_material_add"),
    path("model-branches/<int:pk>/<slug:action>/", CycleActionView.as_view(), name="model_branch_action"),
]
