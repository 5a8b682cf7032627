"""The meeting list as an Excel file in the import layout (meetings.imports), so that a file exported,
edited and imported again works. The list page links here."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.excel import build_workbook, xlsx_response
from core.registry import recorder
from core.scoping import path_range
from orgs.models import Organization

from .imports import SPEC, export_rows
from .models import Meeting


@login_required
def export_meetings(request):
    """?org=<code> limits to an organisation's subtree, ?year=YYYY to one year; both optional."""
    user = request.user
    if user.scope_q(Meeting, "export") is None:
        raise PermissionDenied(_("您没有导出此类记录的权限"))
    qs = Meeting.objects.restrict(user, "export")
    code, year = request.GET.get("org", "").strip(), request.GET.get("year", "").strip()
    if code:
        # A NUL names no organisation (PostgreSQL would refuse to compare it).
        org = None if "\x00" in code else Organization.objects.restrict(user, "view").filter(code=code).first()
        if org is None:
            raise Http404(_("未找到该记录"))
        lo, hi = path_range(org.path)
        qs = qs.filter(organization__path__gte=lo, organization__path__lt=hi)
    if year:
        if not (year.isascii() and year.isdigit() and 1900 <= int(year) <= 9999):
            raise Http404(_("未找到该记录"))
        qs = qs.filter(held_on__year=int(year))
    headers, rows = export_rows(qs)
    title = _("会议记录")
    workbook = build_workbook(headers, rows, title=title, notes=[str(n) for n in SPEC.notes])
    recorder(user, "export", model=Meeting._meta.label_lower, object_repr=title,
             note=f"会议记录（导入格式）；条件：{request.GET.urlencode()}；{qs.count()} 条")
    return xlsx_response(workbook, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")
