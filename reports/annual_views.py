"""The annual report pages: the report (sections, definitions, links to the records), its print view, the
narrative draft in an editable textarea, and the Excel / PDF exports (GET with the generated draft, or POST
with the draft as the user edited it). Organisations are those the user may view; another's is 404."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.excel import XLSX_TYPE
from core.figure_views import picker
from core.figures import registry
from orgs.models import Organization

from . import annual, export_pdf, export_xlsx, narrative

NARRATIVE_MAX = 20000  # characters of an edited draft kept for an export


def content_disposition(filename):
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"


def export_response(user, report, fmt, narrative_text, base_url=""):
    """The file of `report` in `fmt` ("xlsx" or "pdf"), audited as an export."""
    org = report.organization
    filename = _("%(org)s%(year)s年度工作报告") % {"org": org.name, "year": report.year}
    if fmt == "pdf":
        body, content_type = export_pdf.pdf_bytes(report, narrative_text), "application/pdf"
    else:
        fmt = "xlsx"
        body, content_type = export_xlsx.xlsx_bytes(report, narrative_text, base_url), XLSX_TYPE
    annual.record_export(user, report, fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition(f"{filename}.{fmt}")
    return response


class AnnualMixin(LoginRequiredMixin):
    def organizations(self):
        return Organization.objects.restrict(self.request.user, "view")

    def params(self):
        return self.request.POST if self.request.method == "POST" else self.request.GET

    def resolve(self):
        """(organisation, year, as_of, as_of_error) from org / year / as_of; an organisation outside the
        user's view scope, or not an id, is not found."""
        params = self.params()
        visible = self.organizations()
        raw = params.get("org", "").strip()
        if raw:
            if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
                raise Http404(_("未找到该记录"))
            org = visible.filter(pk=int(raw)).first()
        else:
            org = visible.order_by("depth", "path").first()
        if org is None:
            raise Http404(_("未找到该记录"))
        year = params.get("year", "").strip()
        year = int(year) if year.isascii() and year.isdigit() and 1900 <= int(year) <= 9999 else \
            timezone.localdate().year
        try:
            as_of, error = annual.parse_as_of(params.get("as_of")), ""
        except ValueError as exc:
            as_of, error = None, str(exc)
        return org, year, as_of, error

    def report(self):
        org, year, as_of, error = self.resolve()
        with registry.page():
            return annual.build(self.request.user, org, year, as_of), error

    def can_export(self, org):
        return Organization.objects.restrict(self.request.user, "export").filter(pk=org.pk).exists()

    def export(self, report, fmt, narrative_text):
        if not self.can_export(report.organization):
            raise PermissionDenied(_("您没有导出此类记录的权限"))
        return export_response(self.request.user, report, fmt, narrative_text,
                               self.request.build_absolute_uri("/")[:-1])


class AnnualReportView(AnnualMixin, TemplateView):
    template_name = "reports/annual.html"

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in ("xlsx", "pdf"):
            report, _error = self.report()
            return self.export(report, fmt, narrative.text(report))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report, error = self.report()
        org = report.organization
        query = urlencode({"org": org.pk, "year": report.year, "as_of": report.as_of.isoformat()})
        ctx.update(title=_("年度工作报告"), report=report, organization=org, year=report.year,
                   as_of=report.as_of, as_of_error=error, query=query,
                   paragraphs=narrative.draft(report), narrative_text=narrative.text(report),
                   organizations=picker(self.organizations(), org),
                   can_export=self.can_export(org))
        return ctx


class AnnualPrintView(AnnualMixin, TemplateView):
    template_name = "reports/annual_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report, _error = self.report()
        ctx.update(report=report, organization=report.organization, period=report.period,
                   paragraphs=narrative.draft(report), printed_at=timezone.localtime())
        return ctx


class AnnualExportView(AnnualMixin, View):
    """POST: the export with the narrative as the user edited it in the textarea."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        report, _error = self.report()
        fmt = request.POST.get("format", "xlsx")
        if fmt not in ("xlsx", "pdf"):
            fmt = "xlsx"
        text = request.POST.get("narrative", "")[:NARRATIVE_MAX]
        return self.export(report, fmt, text)


urlpatterns = [
    path("annual/", AnnualReportView.as_view(), name="annual"),
    path("annual/print/", AnnualPrintView.as_view(), name="annual_print"),
    path("annual/export/", AnnualExportView.as_view(), name="annual_export"),
]
