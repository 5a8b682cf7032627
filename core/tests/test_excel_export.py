import io
from datetime import date

import pytest
from openpyxl import load_workbook

from core.excel import build_workbook, neutralise


@pytest.mark.parametrize("raw", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\")"])
def test_formula_like_text_is_neutralised(raw):
    assert neutralise(raw) == "'" + raw


@pytest.mark.parametrize("raw", ["张三", "1+1", "", None, 5, "a=b"])
def test_other_values_untouched(raw):
    assert neutralise(raw) == raw


def test_workbook_cells_are_never_formulas():
    wb = build_workbook(["名称", "数量", "日期"], [["=cmd|' /C calc'!A0", 3, date(2019, 1, 1)], ["正常", 4, None]])
    buffer = io.BytesIO()
    wb.save(buffer)
    ws = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [c.value for c in ws[1]] == ["名称", "数量", "日期"]
    assert ws["A2"].value == "'=cmd|' /C calc'!A0" and ws["A2"].data_type == "s"
    assert ws["B2"].value == 3 and ws["C2"].value.date() == date(2019, 1, 1)


@pytest.mark.django_db
def test_list_export_neutralises_and_respects_scope(users, login):
    from orgs.services import update_organization

    update_organization(users.org_admin, users.ca_b1, {"name": "=1+2"})
    c = login(users.sec_a)
    r = c.get("/orgs/?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    names = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "'=1+2" in names and "乙学院党委" not in names and "校党委" not in names


def test_streamed_workbook_reads_back_as_written():
    from datetime import datetime

    rows = [[" 前后有空格 ", 3, 2.5, date(1900, 1, 15), date(2024, 2, 29), datetime(2024, 3, 1, 8, 30)],
            ["控制\x01字符", None, "", "<&>", "张三", "张三"]]
    wb = build_workbook(["文本", "整数", "小数", "日期", "闰日", "时间"], rows, title="人员", notes=["第一条说明"])
    buffer = io.BytesIO()
    wb.save(buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    ws = book.worksheets[0]
    assert ws.title == "人员" and ws.freeze_panes == "A2" and ws["A1"].font.b
    assert [c.value for c in ws[2]] == [" 前后有空格 ", 3, 2.5, datetime(1900, 1, 15), datetime(2024, 2, 29),
                                        datetime(2024, 3, 1, 8, 30)]
    assert [c.value for c in ws[3]] == ["控制字符", None, None, "<&>", "张三", "张三"]
    assert ws["D2"].number_format == "yyyy\\-mm\\-dd" and ws.column_dimensions["A"].width >= 8
    assert book.worksheets[1]["A1"].value == "第一条说明"
    # The read-only reader that imports use finds the sheet's size without scanning it.
    ro = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).worksheets[0]
    assert (ro.max_row, ro.max_column) == (3, 6)
