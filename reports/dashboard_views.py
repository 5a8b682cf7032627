"""The dashboard (/reports/dashboard/?org=&year=[&as_of=]): key figures as cards, charts and compliance gaps for an
organisation subtree and a year, every number from the figures registry (reports/charts.py), each linked
to the records behind it. The chart data is in the page (a json_script block read by
static/reports/dashboard.js) and at /reports/dashboard/data/ as JSON; every chart has a data table.

The organisation must be one the user may view (core.figure_views.FigureMixin: otherwise 404), and every
figure counts only within the user's scope.
"""
from datetime import date

from django.http import Http404, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.figure_views import FigureMixin, picker
from core.figures import registry

from . import charts


class DashboardMixin(FigureMixin):
    def as_of(self):
        """?as_of=YYYY-MM-DD: the day the figures are taken on (default: the year's last day); anything
        else is not found."""
        raw = self.request.GET.get("as_of", "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw) if len(raw) == 10 else None
        except ValueError:
            return None

    def dashboard(self):
        org, year = self.resolve()
        if org is None:
            return None
        as_of = self.as_of()
        if self.request.GET.get("as_of", "").strip() and as_of is None:
            raise Http404(_("未找到该记录"))
        with registry.page():
            return charts.build(self.request.user, org, year, self.organizations(), as_of)


class DashboardView(DashboardMixin, TemplateView):
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        board = self.dashboard()
        ctx.update(title=_("工作看板"), dashboard=board,
                   organization=board.organization if board else None, year=board.year if board else None,
                   organizations=picker(self.organizations(), board.organization if board else None))
        if board:
            ctx.update(data=board.as_json(), chart_list=list(board.charts.items()), calendar_url=board.calendar_url)
        return ctx


class DashboardDataView(DashboardMixin, View):
    def get(self, request, *args, **kwargs):
        board = self.dashboard()
        if board is None:
            raise Http404(_("未找到该记录"))
        return JsonResponse(board.as_json(), json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("dashboard/data/", DashboardDataView.as_view(), name="dashboard_data"),
]
