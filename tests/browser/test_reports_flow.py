"""The reports in a real browser: the organisation admin opens the dashboard for 2024, clicks a figure card
and finds a list with the same count; then opens the annual report and downloads its PDF and Excel file,
whose contents carry the same figures."""
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import PASSWORD
from core.figures import Period, registry
from meetings.services import create_meeting

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "meetings.first_topic.branches"


@pytest.fixture
def year_of_meetings(users):
    from core.scoping import SYSTEM

    t = users
    for month in range(1, 7):
        for org in (t.ca_b1, t.cb_b1):
            create_meeting(SYSTEM, kind="branch_committee", organization=org, title=f"{org.name}{month}月支委会",
                           held_on=date(2024, month, 12), today=date(2024, 12, 31),
                           agenda=[{"title": "学习重要讲话", "is_first_topic": True}])
    return t


def test_dashboard_figure_list_and_annual_report_files(page, year_of_meetings, shot, tmp_path):
    t = year_of_meetings
    expected = registry.get(CODE).value(None, t.root, Period.year(2024))
    assert expected == 12
    log_in(page, "orgadmin", PASSWORD)

    page.goto(page.base + f"/reports/dashboard/?org={t.root.pk}&year=2024")
    card = page.locator(f'#dashboard [data-code="{CODE}"] .figure-value a')
    expect(card).to_have_text("12")
    expect(page.locator("#chart-meetings-month")).to_be_visible()
    shot(page, "dashboard")
    card.click()
    expect(page.locator("#figure-value")).to_have_text("12")
    expect(page.locator("#results tbody tr")).to_have_count(12)
    shot(page, "figure-list")

    page.goto(page.base + f"/reports/annual/?org={t.root.pk}&year=2024")
    expect(page.locator("#narrative-draft")).to_be_visible()
    shot(page, "annual")
    with page.expect_download() as download:
        page.locator("#annual-pdf").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert t.root.name in text and "2024" in text and "第 1 页" in text
    with page.expect_download() as download:
        page.locator("#annual-xlsx").click()
    xlsx = tmp_path / "report.xlsx"
    download.value.save_as(xlsx)
    wb = load_workbook(xlsx)
    found = [row for ws in wb.worksheets for row in ws.iter_rows(values_only=True) if CODE in row]
    assert found and 12 in found[0]
