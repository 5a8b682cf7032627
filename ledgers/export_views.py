"""A ledger as an Excel file in the 台账 layout (ledgers.export); the import (ledgers.imports) reads the same
layout back, so a file exported, edited and imported again updates the ledger."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.excel import xlsx_response
from core.registry import recorder

from .export import ledger_workbook
from .models import Ledger


@login_required
def export_ledger(request, pk):
    ledger = Ledger.objects.restrict(request.user, "export").filter(pk=pk).first()
    if ledger is None:
        raise Http404(_("未找到该记录"))
    workbook, count = ledger_workbook(request.user, ledger)
    recorder(request.user, "export", model=Ledger._meta.label_lower, object_id=ledger.pk,
             object_repr=ledger.name[:200], note=f"台账导出（台账格式）：{count} 条")
    return xlsx_response(workbook, f"{ledger.name}-{timezone.localdate():%Y%m%d}.xlsx")


urlpatterns = [
    path("<int:pk>/export/", export_ledger, name="ledger_export"),
]
