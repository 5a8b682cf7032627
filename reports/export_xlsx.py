"""The annual report as an Excel workbook: a cover sheet (organisation, period, as-of date, the narrative),
then a sheet per section with its figures (code, title, value, unit, definition) followed by the records
behind each figure (their text and a link), capped per figure with a note of how many were left out.
Every text cell goes through core.excel.cell_value, so a cell a spreadsheet would run as a formula is
neutralised."""
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from core.excel import cell_value

RECORDS_CAP = 500  # records listed per figure; the rest are counted in a note
HEADER_FILL = PatternFill("solid", fgColor="F2DEDE")


def _append(ws, values, bold=False, fill=None):
    ws.append([cell_value(v) for v in values])
    if bold or fill:
        for cell in ws[ws.max_row]:
            if bold:
                cell.font = Font(bold=True)
            if fill:
                cell.fill = fill


def sheet_title(title, used):
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in str(title))[:31] or "Sheet"
    name, n = clean, 2
    while name in used:
        suffix = f"({n})"
        name, n = clean[:31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def workbook(report, narrative_text, base_url="", cap=RECORDS_CAP):
    """The workbook of `report`; `narrative_text` is the draft as the user edited it; `base_url` prefixes
    the records' links (scheme and host)."""
    wb = Workbook()
    used = set()
    cover = wb.active
    cover.title = sheet_title(_("概况"), used)
    org = report.organization
    _append(cover, [_("年度工作报告")], bold=True)
    _append(cover, [_("组织"), org.name])
    _append(cover, [_("统计期间"), str(report.period)])
    _append(cover, [_("统计截至"), report.as_of.isoformat()])
    _append(cover, [])
    _append(cover, [_("文字稿")], bold=True)
    for line in (narrative_text or "").splitlines():
        if line.strip():
            _append(cover, [line])
    cover.column_dimensions["A"].width = 14
    cover.column_dimensions["B"].width = 80

    for section in report.sections:
        ws = wb.create_sheet(sheet_title(section.title, used))
        _append(ws, [_("编码"), _("统计项"), _("数值"), _("单位"), _("口径")], bold=True, fill=HEADER_FILL)
        for item in section.items:
            _append(ws, [item.code, item.title, item.display, item.unit, item.description])
        for item in section.items:
            if not item.available:
                continue
            _append(ws, [])
            _append(ws, [item.code, item.title, _("明细记录")], bold=True)
            qs = report.records(item, "export")
            if qs is None or (report.user is not None and report.user.scope_q(item.figure.model, "export") is None):
                _append(ws, ["", _("您没有导出此类记录的权限")])
                continue
            total = qs.count()
            rows = qs.select_related()[:cap]
            for i, obj in enumerate(rows, start=1):
                url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
                _append(ws, [i, str(obj), base_url + url if url else ""])
            if total == 0:
                _append(ws, ["", _("没有符合条件的记录")])
            elif total > cap:
                _append(ws, ["", _("另有 %(n)s 条记录未列出（共 %(total)s 条），请在系统中查看。")
                             % {"n": total - cap, "total": total}])
        for column, width in zip("ABCDE", (34, 50, 16, 8, 60), strict=True):
            ws.column_dimensions[column].width = width
        for row in ws.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    return wb


def xlsx_bytes(report, narrative_text, base_url="", cap=RECORDS_CAP):
    buffer = io.BytesIO()
    workbook(report, narrative_text, base_url, cap).save(buffer)
    return buffer.getvalue()
