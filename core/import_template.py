"""The downloadable template of an import (split from core.imports, which reads and writes the data)."""
from django.utils.translation import gettext as _

from .imports import Choice, Text, YesNo


def template_workbook(spec):
    """The downloadable template: the header row on the first sheet (text format and drop-down lists
    where they help), and an instructions sheet describing every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append([c.header for c in spec.columns])
    for index, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if col.required else "000000")
        cell.fill = PatternFill("solid", fgColor="F2DEDE")
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(len(col.header) * 2 + 4, 14)
        if isinstance(col.parser, Text):
            # Text format, so that Excel keeps long digit strings (ID numbers, phones, codes) as typed.
            for r in range(2, 502):
                ws.cell(row=r, column=index).number_format = "@"
        options = None
        if isinstance(col.parser, Choice):
            options = ",".join(label for _v, label in col.parser.choices)
        elif isinstance(col.parser, YesNo):
            options = "是,否"
        if options and len(options) < 250:
            dv = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            dv.add(f"{letter}2:{letter}5000")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    info = wb.create_sheet(_("填写说明"))
    info.append([_("%(kind)s导入模板填写说明") % {"kind": spec.title}])
    info["A1"].font = Font(bold=True, size=13)
    info.append([_("在“数据”工作表第 1 行为列名（请勿修改），从第 2 行起每行填写一条记录。红色列名为必填列。")])
    info.append([_("日期可填写日期单元格，或文本：2024-03-01、2024/3/1、2024年3月1日；日期不早于 1900 年。")])
    for line in spec.notes:
        info.append([str(line)])
    info.append([])
    info.append([_("列名"), _("是否必填"), _("可填写的值"), _("说明")])
    header_row = info.max_row
    for cell in info[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DEDE")
    for col in spec.columns:
        allowed = col.parser.describe()
        info.append([col.header, _("必填") if col.required else _("选填"), allowed, str(col.note)])
    for letter, width in zip("ABCD", (18, 10, 60, 60), strict=True):
        info.column_dimensions[letter].width = width
    for row in info.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return wb
