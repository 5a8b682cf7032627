"""A ledger from end to end in a real browser: college A's secretary creates a task list from an Excel
sheet (the ledger and its tasks come from the file), the branch secretary reports progress, uploads
evidence and submits, the college verifies, the ledger's completion rate reaches 100%, and the exported
file reads back with the same rows."""
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from accounts.roles import Role
from conftest import PASSWORD, make_user
from ledgers.models import Evidence, Ledger, Task

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sheet(path, title, deadline):
    """The sheet as a college keeps it: the title merged across, the 台账 header, a section row merged
    across, two tasks (dates written as text, as people type them)."""
    wb = Workbook()
    ws = wb.active
    header = ["序号", "任务", "责任单位", "责任领导", "完成时限", "进展情况", "完成情况"]
    ws.append([title])
    ws.merge_cells("A1:G1")
    ws.append(header)
    ws.append(["一、组织建设"])
    ws.merge_cells("A3:G3")
    ws.append(["1", "规范支部“三会一课”记录", "甲学院教工第一党支部", "张嘉恒", f"{deadline:%Y.%-m.%-d}", None, None])
    ws.append(["2", "完成支部委员会换届", "甲学院学生党支部", None, f"{deadline:%Y年%-m月%-d日}", None, None])
    wb.save(path)


def test_ledger_from_excel_to_verified_and_exported(page, users, shot, tmp_path):
    t = users
    make_user("sec_b1", Role.SECRETARY, t.ca_b1, include_subtree=False)
    make_user("sec_b2", Role.SECRETARY, t.ca_b2, include_subtree=False)
    today = date.today()
    title = f"{today.year}年甲学院基层党建任务清单"
    deadline = today + timedelta(days=30)
    upload = tmp_path / "清单.xlsx"
    sheet(upload, title, deadline)

    # The college's secretary imports the sheet: preview, then commit; the ledger is created from it.
    log_in(page, "sec_a", PASSWORD)
    page.goto(page.base + "/imports/ledger/")
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-rows")).to_contain_text("规范支部“三会一课”记录")
    shot(page, "preview")
    page.locator("#commit-import").click()
    page.wait_for_load_state("networkidle")
    ledger = Ledger.objects.get(name=title)
    assert ledger.organization == t.ca and ledger.year == today.year
    first, second = Task.objects.filter(ledger=ledger).order_by("number")
    assert (first.owner, first.deadline, second.owner) == (t.ca_b1, deadline, t.ca_b2)
    page.goto(page.base + ledger.get_absolute_url())
    expect(page.locator(f"#task-{first.pk}")).to_contain_text("甲学院教工第一党支部")
    shot(page, "ledger")

    # Each branch secretary reports progress, uploads evidence and submits.
    for username, task in (("sec_b1", first), ("sec_b2", second)):
        page.context.clear_cookies()
        log_in(page, username, PASSWORD)
        page.goto(page.base + task.get_absolute_url() + "?tab=progress")
        page.fill("#progress-form textarea", "已对照要求逐项完成")
        page.locator("#progress-form button[type=submit]").click()
        expect(page.locator("#progress-updates")).to_contain_text("已对照要求逐项完成")
        page.goto(page.base + task.get_absolute_url() + "?tab=evidence")
        pdf = tmp_path / f"{username}-记录.pdf"
        pdf.write_bytes(PDF)
        page.set_input_files("#evidence-upload input[type=file]", str(pdf))
        page.locator("#evidence-upload button[type=submit]").click()
        expect(page.locator("#evidence")).to_contain_text(pdf.name)
        page.locator("#task-submit").click()
        page.fill("textarea", "已完成，材料见佐证")
        page.get_by_role("button", name="确定").click()
        expect(page.locator("#task-status")).to_have_text("已提交待审核")
        shot(page, f"submitted-{username}")
    assert Evidence.objects.filter(task__ledger=ledger).count() == 2

    # The college verifies both; the ledger's completion rate reaches 100%.
    page.context.clear_cookies()
    log_in(page, "sec_a", PASSWORD)
    for task in (first, second):
        page.goto(page.base + task.get_absolute_url())
        page.locator("#task-verify").click()
        page.get_by_role("button", name="确定").click()
        expect(page.locator("#task-status")).to_have_text("已完成")
    page.goto(page.base + ledger.get_absolute_url() + "?tab=stats")
    expect(page.locator("#completion-rate")).to_have_text("100%")
    shot(page, "completion")

    # Export, and read the file back: the same tasks, owners, deadlines and status.
    page.goto(page.base + ledger.get_absolute_url())
    with page.expect_download() as download:
        page.locator("#export-ledger").click()
    exported = tmp_path / "exported.xlsx"
    download.value.save_as(exported)
    ws = load_workbook(exported).active
    assert ws.cell(1, 1).value == title
    values = [[c for c in row] for row in ws.iter_rows(min_row=2, values_only=True)]
    header = values[0]
    rows = {r[header.index("序号")]: r for r in values[1:] if r[header.index("序号")] in ("1", "2")}
    assert rows["1"][header.index("责任单位")] == "甲学院教工第一党支部"
    assert rows["2"][header.index("任务")] == "完成支部委员会换届"
    assert rows["1"][header.index("完成时限")].date() == deadline
    assert "已完成" in rows["1"][header.index("完成情况")]
    assert "已对照要求逐项完成" in rows["2"][header.index("进展情况")]
    assert any("组织建设" in str(r[0]) for r in values[1:])  # the section row
