"""The foundation in a real browser: log in, walk the tree, open a branch, find people by pinyin
initials, and see that another college's branch does not exist for a college secretary."""
import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tree_branch_and_pinyin_search(page, users, shot):
    log_in(page, "orgadmin", PASSWORD)
    expect(page.locator("h1")).to_contain_text("欢迎使用")
    tree = page.locator("#org-tree")
    expect(tree).to_contain_text("校党委")
    # Expand the root, then college A, then open its first branch from the tree.
    tree.get_by_role("button", name="展开 校党委").click()
    expect(tree).to_contain_text("甲学院")
    tree.get_by_role("button", name="展开 甲学院党委").click()
    tree.get_by_role("link", name="甲学院教工第一党支部").click()
    expect(page.locator("h1")).to_contain_text("甲学院教工第一党支部")
    expect(page.locator(".breadcrumb")).to_contain_text("甲学院")
    shot(page, "branch")
    page.locator("#tab-members").click()
    expect(page.locator("#org-members")).to_contain_text("张嘉恒")
    # Search people by pinyin initials.
    page.goto(page.base + "/members/")
    page.fill("#id_q", "zjh")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("张嘉恒")
    expect(page.locator("#results")).to_contain_text("138****5678")
    shot(page, "pinyin-search")


def test_other_college_branch_is_not_found(page, users, shot):
    log_in(page, "sec_a", PASSWORD)
    response = page.goto(page.base + f"/orgs/{users.cb_b1.pk}/")
    assert response.status == 404
    expect(page.locator("main")).to_contain_text("未找到该记录")
    expect(page.locator("body")).not_to_contain_text("乙学院教工党支部")
    shot(page, "not-found")
    # The same branch's members are not reachable either.
    response = page.goto(page.base + f"/members/{users.wang.pk}/")
    assert response.status == 404


def test_phone_width_layout(browser, live_server, users, shot):
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.base = live_server.url
    log_in(page, "orgadmin", PASSWORD)
    page.goto(page.base + "/members/")
    # The tree is behind a button on a phone; the table scrolls inside its own box, not the page.
    page.get_by_role("button", name="组织树").click()
    expect(page.locator("#org-nav")).to_contain_text("校党委")
    page.locator("#org-nav .btn-close").click()
    expect(page.locator("#org-nav")).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"page is {width}px wide at 375px viewport"
    shot(page, "phone")
    context.close()


def test_wrong_password_message_in_chinese(page, users):
    log_in(page, "orgadmin", "wrong-password")
    expect(page.locator("#login-error")).to_contain_text(re.compile("用户名或密码错误"))


def test_tree_unfolds_to_the_record_being_viewed(page, users):
    log_in(page, "orgadmin", PASSWORD)
    page.goto(page.base + f"/members/{users.zhang.pk}/")
    current = page.locator("#org-tree a[aria-current=page]")
    expect(current).to_have_text("甲学院教工第一党支部")
    # Folding a branch of the tree and unfolding it again works without reloading.
    toggle = page.locator(f"#tree-node-{users.ca.pk} > button.toggle")
    toggle.click()
    expect(current).to_be_hidden()
    toggle.click()
    expect(current).to_be_visible()


def test_import_members_then_find_by_pinyin(page, users, shot, tmp_path):
    """Download the template, fill it, upload: the preview names a bad row and writes nothing; fixed,
    the commit writes the members, and the new one is found by pinyin initials."""
    from datetime import date

    from openpyxl import load_workbook

    from members.identity import make_id_number
    from members.models import Person

    log_in(page, "orgadmin", PASSWORD)
    page.goto(page.base + "/members/")
    page.get_by_role("link", name="导入").click()
    with page.expect_download() as download:
        page.locator("#download-template").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    wb = load_workbook(template)
    ws = wb["数据"] if "数据" in wb.sheetnames else wb.active
    headers = [c.value for c in ws[1]]
    good = {"姓名": "欧阳晓燕", "身份证号": make_id_number("440305", date(1995, 3, 8), 24), "手机号码": "13900002222",
            "人员类别": "教师", "政治面貌": "预备党员", "所在组织代码": "CA-B1", "转入日期": "2024-09-01"}
    bad = {**good, "姓名": "错误行", "身份证号": "440305199503080000"}
    for r, row in enumerate((good, bad), start=2):  # typed in from the first data row, as a person would
        for col, header in enumerate(headers, start=1):
            ws.cell(row=r, column=col, value=row.get(header) or None)
    first = tmp_path / "members-with-error.xlsx"
    wb.save(first)

    page.set_input_files("input[type=file]", str(first))
    page.get_by_role("button", name="上传并预览").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("身份证号")
    expect(errors).to_contain_text("校验位")
    expect(errors).to_contain_text("3")  # the bad row is the third Excel row
    expect(page.locator("#commit-import")).to_have_count(0)
    shot(page, "preview-errors")
    assert not Person.objects.filter(name="欧阳晓燕").exists()

    for col in range(1, len(headers) + 1):
        ws.cell(row=3, column=col).value = None
    fixed = tmp_path / "members.xlsx"
    wb.save(fixed)
    page.goto(page.base + "/imports/people/")
    page.set_input_files("input[type=file]", str(fixed))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-rows")).to_contain_text("欧阳晓燕")
    shot(page, "preview-ok")
    page.locator("#commit-import").click()
    page.wait_for_load_state("networkidle")
    assert Person.objects.get(name="欧阳晓燕").organization == users.ca_b1

    page.goto(page.base + "/members/?q=oyxy")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("欧阳晓燕")
    shot(page, "found-by-initials")
