"""Generic import pages: upload, preview, commit, rollback and the template download, for every import
an app registers in core.imports.registry.

Who may do what, in one place: a user reaches an import only with a role that grants "import" on its
target model (ImportSpec.allowed); a batch is reachable only by the user who uploaded it
(ImportBatch.objects.restrict); and each row is checked against the user's scope by the spec and again
by the services when it is written.
"""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from . import imports
from .errors import BusinessRuleError
from .excel import xlsx_response
from .import_template import template_workbook
from .models import ImportBatch


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}))


class ImportView(LoginRequiredMixin, TemplateView):
    def dispatch(self, request, *args, **kwargs):
        self.spec = imports.registry.get(kwargs["kind"])
        if self.spec is None:
            raise Http404(_("未找到该导入类型"))
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.spec.allowed(request.user):
            raise PermissionDenied(_("您没有导入%(kind)s的权限") % {"kind": self.spec.title})
        return super().dispatch(request, *args, **kwargs)

    def get_batch(self):
        try:
            return ImportBatch.objects.restrict(self.request.user).get(kind=self.spec.kind, pk=self.kwargs["pk"])
        except (ImportBatch.DoesNotExist, ValueError):
            raise Http404(_("未找到该导入批次")) from None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(spec=self.spec, hide_tree=True)
        return ctx


class UploadView(ImportView):
    template_name = "core/imports/upload.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        batches = list(ImportBatch.objects.restrict(user).filter(kind=self.spec.kind)
                       .exclude(status=ImportBatch.Status.PREVIEW).defer("content", "preview")[:10])
        latest = imports.latest_committed(user, self.spec.kind)
        ctx.update(title=_("导入%(kind)s") % {"kind": self.spec.title}, form=kwargs.get("form") or UploadForm(),
                   batches=batches,
                   rollback_pk=latest.pk if latest and latest.status == ImportBatch.Status.COMMITTED else None,
                   max_mb=imports.max_mb(settings.QIANGJI_IMPORT_MAX_BYTES),
                   columns=[(c.header, c.required, c.parser.describe(), c.note) for c in self.spec.columns])
        return ctx

    def post(self, request, *args, **kwargs):
        form = UploadForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            limit = settings.QIANGJI_IMPORT_MAX_BYTES
            try:
                # The size is known from the upload itself: a file over the limit is never read or opened.
                if upload.size > limit:
                    raise imports.FileRejected(_("文件大小超过 %(size)s，请分批导入") % {"size": imports.max_mb(limit)})
                batch = imports.preview(self.spec, request.user, upload.read(), upload.name)
            except imports.FileRejected as exc:
                form.add_error("file", exc.message)
            else:
                return redirect(batch.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class PreviewView(ImportView):
    template_name = "core/imports/preview.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        batch = self.get_batch()
        data = batch.preview or {}
        rows = data.get("rows", [])
        errors = [(r["n"], column, message) for r in rows for column, message in r["errors"]]
        ctx.update(title=_("导入%(kind)s：%(file)s") % {"kind": self.spec.title, "file": batch.filename}, batch=batch,
                   columns=data.get("columns", []),
                   rows=rows, errors=errors,
                   can_commit=batch.status == ImportBatch.Status.PREVIEW and not errors and rows,
                   can_rollback=imports.rollback_refusal(self.spec, self.request.user, batch) is None)
        return ctx


class CommitView(ImportView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        batch = self.get_batch()
        try:
            result = imports.commit(self.spec, request.user, batch)
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
            return redirect(batch.get_absolute_url())
        if result.committed:
            messages.success(request, _("导入成功：%(rows)s 行，新增 %(created)s 条记录") % {"rows": len(result.rows),
                                                                                 "created": len(result.created)})
        else:
            messages.error(request, _("复核时发现 %(n)s 处错误，未导入任何记录；请修改文件后重新上传") % {
                "n": len(result.errors)})
        return redirect(batch.get_absolute_url())


class RollbackView(ImportView):
    template_name = "core/imports/rollback.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        batch = self.get_batch()
        ctx.update(title=_("撤销导入：%(file)s") % {"file": batch.filename}, batch=batch,
                   refusal=imports.rollback_refusal(self.spec, self.request.user, batch))
        return ctx

    def post(self, request, *args, **kwargs):
        batch = self.get_batch()
        try:
            imports.rollback(self.spec, request.user, batch)
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
            return redirect("imports:rollback", self.spec.kind, batch.pk)
        messages.success(request, _("已撤销本次导入，删除 %(n)s 条记录") % {"n": len(batch.created_objects)})
        return redirect("imports:upload", self.spec.kind)


class TemplateDownloadView(ImportView):
    def get(self, request, *args, **kwargs):
        workbook = template_workbook(self.spec)
        return xlsx_response(workbook, _("%(kind)s导入模板-%(date)s.xlsx") % {
            "kind": self.spec.title, "date": f"{timezone.localdate():%Y%m%d}"})
