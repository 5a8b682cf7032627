"""The annual report's Excel and PDF: opened with openpyxl and pypdf, their contents checked; the edited
narrative is what the file carries; exports are audited; a user without the export right is refused and
another college's organisation is not found."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AuditEntry
from core.figures import SYSTEM_USER
from reports import annual, export_pdf, export_xlsx, narrative
from reports.tests.test_annual import records_fixture  # noqa: F401  (the `records` fixture)


def rows(ws):
    return [[c for c in row] for row in ws.iter_rows(values_only=True)]


def figure_rows(ws):
    """The figures table at the top of a section sheet: {code: (title, value, unit, definition)}."""
    out = {}
    for row in rows(ws)[1:]:
        if not row or not row[0]:
            break
        out[row[0]] = tuple(row[1:5])
    return out


def test_workbook_has_a_sheet_per_section_with_values_definitions_and_records(records):
    t = records
    report = annual.build(SYSTEM_USER, t.root, 2024)
    wb = load_workbook(io.BytesIO(export_xlsx.xlsx_bytes(report, "编辑后的文字稿", "http://testserver")))
    assert wb.sheetnames == ["概况"] + [s.title for s in report.sections]
    cover = rows(wb["概况"])
    assert ["组织", "校党委"] == list(cover[1][:2]) and cover[2][1] == "2024-01-01～2024-12-31"
    assert ["编辑后的文字稿"] == [r[0] for r in cover if r[0] == "编辑后的文字稿"]
    political = wb["政治引领"]
    figures = figure_rows(political)
    assert figures["meetings.first_topic.branches"][1] == 7
    assert figures["ledgers.directive.done"][1] == 1
    assert figures["meetings.central_group"][3].startswith("本组织及下级各党委")
    assert figure_rows(wb["基层组织建设"])["liaison.branches_visited"][1] == 0
    assert figure_rows(wb["服务群众"])["volunteering.volunteers"][1] == "暂无数据（模块未上线）"
    # The records behind a figure follow the table: a heading row, then one row per record with its link.
    all_rows = rows(political)
    start = all_rows.index(["meetings.first_topic.branches", "党支部“第一议题”学习", "明细记录", None, None])
    listed = []
    for row in all_rows[start + 1:]:
        if not row[0]:
            break
        listed.append(row)
    assert [r[0] for r in listed] == list(range(1, 8))
    assert all(r[2].startswith("http://testserver/meetings/") for r in listed)


def test_long_record_lists_are_capped_with_a_note(records):
    t = records
    report = annual.build(SYSTEM_USER, t.root, 2024)
    ws = load_workbook(io.BytesIO(export_xlsx.xlsx_bytes(report, "", cap=3)))["政治引领"]
    all_rows = rows(ws)
    start = all_rows.index(["meetings.first_topic.branches", "党支部“第一议题”学习", "明细记录", None, None])
    assert [r[0] for r in all_rows[start + 1:start + 4]] == [1, 2, 3]
    assert all_rows[start + 4][1] == "另有 4 条记录未列出（共 7 条），请在系统中查看。"


def test_formulas_are_neutralised(records):
    t = records
    t.root.name = "=HYPERLINK(\"http://evil\")"
    report = annual.build(SYSTEM_USER, t.root, 2024)
    wb = load_workbook(io.BytesIO(export_xlsx.xlsx_bytes(report, "+1+1\n=SUM(A1)")))
    cover = rows(wb["概况"])
    values = [v for row in cover for v in row if isinstance(v, str)]
    assert "'=HYPERLINK(\"http://evil\")" in values and "'+1+1" in values and "'=SUM(A1)" in values
    assert not any(v.startswith(("=", "+")) for v in values)


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_the_organisation_period_values_and_page_numbers(records):
    t = records
    report = annual.build(SYSTEM_USER, t.root, 2024)
    data = export_pdf.pdf_bytes(report, narrative.text(report))
    assert data.startswith(b"%PDF")
    reader, text = pdf_text(data)
    pages = len(reader.pages)
    assert pages >= 2
    assert "校党委2024年度工作报告" in text
    assert "2024-01-01～2024-12-31" in text
    assert f"第 1 页 / 共 {pages} 页" in text and f"第 {pages} 页 / 共 {pages} 页" in text
    # The header on every page names the organisation and the period.
    assert all("校党委" in p.extract_text() and "2024-01-01" in p.extract_text() for p in reader.pages)
    assert "各党支部开展“第一议题”学习7次" in text.replace("\n", "")
    assert "暂无数据（模块未上线）" in text


def test_pdf_uses_a_cjk_font_embedded_from_the_system(records):
    t = records
    report = annual.build(SYSTEM_USER, t.root, 2024)
    reader, _text = pdf_text(export_pdf.pdf_bytes(report, ""))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Noto-Sans-CJK-SC" in f or "Noto-Serif-CJK-SC" in f for f in fonts), fonts


# --- through the page --------------------------------------------------------------------------------

def test_get_exports_are_audited(records, login):
    t = records
    client = login(t.sec_a)
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        response = client.get(reverse("reports:annual"), {"org": t.ca.pk, "year": 2024, "export": fmt})
        assert response.status_code == 200 and response.content.startswith(magic)
        assert "attachment" in response["Content-Disposition"]
        entry = AuditEntry.objects.filter(action="export", actor=t.sec_a).latest("pk")
        assert entry.object_id == str(t.ca.pk) and f"（{fmt}）" in entry.note and "2024" in entry.note


def test_posted_narrative_is_the_one_exported(records, login):
    t = records
    client = login(t.sec_a)
    edited = "甲学院2024年工作扎实推进。各党支部开展学习4次。"
    response = client.post(reverse("reports:annual_export"),
                           {"org": t.ca.pk, "year": 2024, "format": "pdf", "narrative": edited})
    assert response.status_code == 200
    _reader, text = pdf_text(response.content)
    assert "甲学院2024年工作扎实推进" in text
    assert "甲学院党委" in text
    response = client.post(reverse("reports:annual_export"),
                           {"org": t.ca.pk, "year": 2024, "format": "xlsx", "narrative": edited})
    cover = rows(load_workbook(io.BytesIO(response.content))["概况"])
    assert [edited] in [list(r[:1]) for r in cover]
    # The college's export counts only the college.
    figures = figure_rows(load_workbook(io.BytesIO(response.content))["政治引领"])
    assert figures["meetings.first_topic.branches"][1] == 4


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_export_needs_the_export_right(records, login, fmt):
    t = records
    from accounts.roles import Role
    from conftest import make_user

    member = make_user("member_li", Role.MEMBER, t.ca_b2, person=t.li, include_subtree=False)
    client = login(member)
    page = client.get(reverse("reports:annual"), {"org": t.ca_b2.pk, "year": 2024})
    assert page.status_code == 200 and not page.context["can_export"]
    response = client.get(reverse("reports:annual"), {"org": t.ca_b2.pk, "year": 2024, "export": fmt})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="export", actor=member).exists()
