"""Excel out (and the shared cell rules for Excel in: see core.imports)."""
import io
from datetime import date, datetime
from itertools import islice

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (int, float, date)):
        return value
    return neutralise(str(value))


# Rows read before the columns' widths are fixed: a write-only sheet needs its widths before its rows.
WIDTH_SAMPLE = 1000


def build_workbook(headers, rows, title="Sheet1", notes=None):
    """A workbook with a bold header row, frozen, with widths fitted to the content of the first rows.

    Write-only (streamed): rows go to a temporary file as they come instead of living as cell objects, so
    memory stays flat however long the list. Built the other way, 100,000 rows of 14 columns took 590 MB
    and 47 s (bench/excel.py)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    rows = iter(rows)
    first = [[cell_value(v) for v in row] for row in islice(rows, WIDTH_SAMPLE)]
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for values in first:
        for i, v in enumerate(values):
            widths[i] = min(max(widths[i], len(str(v)) + 2), 60)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    font, fill = Font(bold=True), PatternFill("solid", fgColor="F2DEDE")
    header = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font, cell.fill = font, fill
        header.append(cell)
    ws.append(header)
    for values in first:
        ws.append(values)
    for row in rows:
        ws.append([cell_value(v) for v in row])
    if notes:
        info = wb.create_sheet(_("说明"))
        info.column_dimensions["A"].width = 100
        for line in notes:
            info.append([line])
    return wb


def xlsx_response(workbook, filename):
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
