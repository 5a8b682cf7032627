"""Evidence of a task (佐证材料): upload by its owners or manager, download only after a scope check,
delete. The bytes live outside the web root (core.uploads) and reach a browser only through here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from core import uploads
from core.errors import BusinessRuleError
from core.views import ObjectActionView

from . import services
from .models import Evidence, Task
from .task_forms import EvidenceForm

# The only content types ever sent: those of our own table, never what a client claimed.
TASK_RELATED = ("ledger__organization", "owner", "parent__owner")


def may_handle(user, task):
    """Owners and the manager add and remove evidence (services re-check in the transaction)."""
    return services.can_own(user, task) or services.can_manage(user, task)


def evidence_url(task_id):
    return reverse("ledgers:task_detail", args=[task_id]) + "?tab=evidence"


@login_required
@require_POST
def upload(request, pk):
    task = Task.objects.restrict(request.user).select_related(*TASK_RELATED).filter(pk=pk).first()
    if task is None:
        raise Http404(_("未找到该记录"))
    if not may_handle(request.user, task):
        raise PermissionDenied(_("只有任务的责任单位和管理单位可以上传佐证材料"))
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(evidence_url(task.pk))
    try:
        obj = services.add_evidence(request.user, task, form.cleaned_data["file"], note=form.cleaned_data["note"])
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, pgettext("list separator", "；").join(exc.messages))
    else:
        messages.success(request, _("已上传“%(name)s”") % {"name": obj.original_name})
    return redirect(evidence_url(task.pk))


@login_required
def download(request, pk):
    obj = Evidence.objects.restrict(request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404(_("未找到该记录"))
    return uploads.serve(obj)


class EvidenceDeleteView(ObjectActionView):
    model = Evidence
    template_name = "ledgers/task_confirm.html"
    title = gettext_lazy("删除佐证材料")
    confirm_text = gettext_lazy("文件将从服务器删除，不可恢复；删除操作记入审计日志。")

    def get_object(self):
        obj = (Evidence.objects.restrict(self.request.user).select_related(*(f"task__{f}" for f in TASK_RELATED))
               .filter(pk=self.kwargs["pk"]).first())
        if obj is None:
            raise Http404(_("未找到该记录"))
        if not may_handle(self.request.user, obj.task):
            raise PermissionDenied(_("只有任务的责任单位和管理单位可以删除佐证材料"))
        return obj

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(back_url=evidence_url(self.object.task_id), task=self.object.task)
        return ctx

    def perform(self, form):
        task_id = self.object.task_id
        services.delete_evidence(self.request.user, self.object)
        return evidence_url(task_id)


urlpatterns = [
    path("tasks/<int:pk>/evidence/", upload, name="evidence_upload"),
    path("evidence/<int:pk>/", download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", EvidenceDeleteView.as_view(), name="evidence_delete"),
]
