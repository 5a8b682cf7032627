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
