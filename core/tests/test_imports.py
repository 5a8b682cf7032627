"""The import framework: cell parsing, the safe file opener, header checks, batches, rollback rules and
the generic pages (exercised through the people import, the simplest real one)."""
import io
import zipfile
from datetime import date, datetime, timedelta

import pytest
from django.test import override_settings

from audit.models import AuditEntry
from core import imports
from core.imports import CellError, Choice, Date, Text, YesNo, clean_cell
from core.models import ImportBatch
from core.tests.xlsx_files import read_xlsx, upload_file, xlsx_bytes
from members.choices import Category
from members.identity import make_id_number
from members.models import Membership, Person
from orgs.models import Organization

PEOPLE_HEADER = ["姓名", "身份证号", "手机号码", "民族", "学历", "人员类别", "职称/职务", "干部层级", "政治面貌",
                 "当前面貌起始日期", "所在组织代码", "转入日期"]


def person_row(name, id_number, org="CA-B1", **over):
    row = dict(zip(PEOPLE_HEADER, [name, id_number, "13800138000", "汉族", "大学本科", "教师", "讲师", "无",
                                   "正式党员", "2015-07-01", org, "2021-09-01"], strict=True))
    row.update(over)
    return [row[h] for h in PEOPLE_HEADER]


def new_id(seq, birth=date(1988, 4, 2)):
    return make_id_number("110101", birth, seq)


def counts():
    return (Person.objects.count(), Membership.objects.count(), Organization.objects.count(),
            AuditEntry.objects.count())




# --- cell parsers ----------------------------------------------------------------------------------

def test_dates_accept_cells_and_three_text_forms():
    parse = Date()
    assert parse(datetime(2020, 3, 1, 0, 0)) == date(2020, 3, 1)
    assert parse(date(2020, 3, 1)) == date(2020, 3, 1)
    for text in ("2020-03-01", "2020/3/1", "2020年3月1日", "2020 年 3 月 1 日"):
        assert parse(text) == date(2020, 3, 1), text


@pytest.mark.parametrize(("value", "reason"), [
    ("2023-02-30", "不是有效日期"),
    ("1899-12-31", "不能早于 1900 年"),
    ("三月一日", "不是可识别的日期"),
    (45000, "日期格式不正确"),
])
def test_bad_dates_are_named(value, reason):
    with pytest.raises(CellError) as exc:
        Date()(value)
    assert reason in exc.value.message


def test_future_dates_refused_unless_allowed():
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(CellError, match="晚于今天"):
        Date()(tomorrow.isoformat())
    assert Date(allow_future=True)(tomorrow.isoformat()) == tomorrow


def test_choices_take_the_chinese_label_and_list_them_when_wrong():
    parse = Choice(Category.choices)
    assert parse("教师") == "teacher"
    with pytest.raises(CellError) as exc:
        parse("老师")
    assert exc.value.message == "“老师”不是可选值，可选：教师、学生、职工、离退休"


def test_yes_no_and_text():
    assert YesNo()("是") is True and YesNo()("否") is False
    with pytest.raises(CellError, match="请填写“是”或“否”"):
        YesNo()("可能")
    with pytest.raises(CellError, match="不能超过 3 个字"):
        Text(3)("四个字啊")
    with pytest.raises(CellError, match="文本格式"):
        Text(numbers_message="请以文本格式填写")(110101198804020011)


def test_cells_are_stripped_and_our_export_apostrophe_is_undone():
    assert clean_cell("  张三\u3000") == "张三"
    assert clean_cell("   ") is None
    assert clean_cell("'=1+2") == "=1+2"  # written by core.excel.neutralise; stored as plain text
    assert clean_cell("'普通") == "'普通"
    assert clean_cell(5.0) == 5


# --- the file opener -------------------------------------------------------------------------------

def rejected(content, name="人员.xlsx"):
    with pytest.raises(imports.FileRejected) as exc:
        imports.parse_rows(imports.registry.get("people"), content, name)
    return exc.value.message


def test_text_and_csv_renamed_xlsx_are_refused():
    assert "不是有效的 Excel（.xlsx）文件" in rejected("姓名,身份证号\n张三,1\n".encode(), "人员.xlsx")
    assert "请上传 .xlsx" in rejected(xlsx_bytes([PEOPLE_HEADER]), "人员.csv")


def test_old_xls_is_named():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    assert "旧版 Excel（.xls）" in rejected(ole, "人员.xlsx")
    assert "旧版 Excel（.xls）" in rejected(ole, "人员.xls")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    assert "不是有效的 Excel" in rejected(buffer.getvalue())


def zip_bomb(uncompressed_mb):
    """A real .xlsx-shaped zip whose sheet XML is `uncompressed_mb` MB of one repeated row."""
    buffer = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAA</t></is></c></row>' * 1000
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            written = 0
            while written < uncompressed_mb * 1024 * 1024:
                sheet.write(row)
                written += len(row)
    return buffer.getvalue()


def test_zip_bomb_over_the_unzipped_limit_is_refused_before_opening():
    content = zip_bomb(120)
    assert len(content) < 2 * 1024 * 1024  # small on the wire, 120 MB inside
    assert "解压后超过 100 MB" in rejected(content)


@override_settings(QIANGJI_IMPORT_MAX_UNZIPPED_BYTES=500 * 1024 * 1024)
def test_zip_bomb_under_the_total_is_caught_by_its_ratio():
    assert "压缩比异常" in rejected(zip_bomb(20))


def test_oversized_file_is_refused_before_it_is_opened():
    # 11 MB of incompressible bytes behind a zip signature: refused on size alone.
    import os

    content = b"PK\x03\x04" + os.urandom(11 * 1024 * 1024)
    assert "文件大小超过 10 MB" in rejected(content)


def test_empty_sheet_and_header_only():
    assert "第一个工作表没有任何内容" in rejected(xlsx_bytes([]))
    assert "没有数据行" in rejected(xlsx_bytes([PEOPLE_HEADER]))
    assert "上传的文件是空的" in rejected(b"")


def test_missing_and_wrong_headers_are_named():
    header = [h for h in PEOPLE_HEADER if h not in ("身份证号", "人员类别")]
    message = rejected(xlsx_bytes([header, ["张三"] * len(header)]))
    assert message.startswith("缺少必填列：身份证号、人员类别")
    assert "表头不正确" in rejected(xlsx_bytes([["name", "id"], ["a", "b"]]))
    assert "出现了两次" in rejected(xlsx_bytes([PEOPLE_HEADER + ["姓名"], person_row("甲", new_id(1))]))


def test_header_must_be_row_one():
    assert "第 1 行应为列名" in rejected(xlsx_bytes([[], PEOPLE_HEADER, person_row("甲", new_id(1))]))


def test_rows_keep_their_excel_numbers_across_blank_rows(tree):
    content = xlsx_bytes([PEOPLE_HEADER, person_row("甲", new_id(1)), [], [],
                          person_row("乙", new_id(3), 人员类别="老师")])
    rows = imports.parse_rows(imports.registry.get("people"), content, "a.xlsx")
    assert [r.number for r in rows] == [2, 5]
    assert [(e.row, e.column) for e in rows[1].errors] == [(5, "人员类别")]


# --- preview, commit, rollback through the pages ---------------------------------------------------

@pytest.fixture
def admin_client(users, login):
    return login(users.org_admin)


def test_upload_shows_preview_with_errors_and_writes_nothing(users, admin_client):
    before = counts()
    content = xlsx_bytes([PEOPLE_HEADER, person_row("甲", new_id(1)),
                          person_row("乙", "110101198804020012", 手机号码="12345")])
    response = admin_client.post("/imports/people/", {"file": upload_file(content)})
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "共 2 处错误" in page
    assert "第 3 行" in page and "身份证号校验位错误" in page and "手机号码应为11位" in page
    assert "确认导入" not in page
    assert counts() == before
    batch = ImportBatch.objects.get()
    assert batch.status == "preview" and batch.error_count == 2


def test_refused_file_shows_message_and_stores_nothing(users, admin_client):
    response = admin_client.post("/imports/people/", {"file": upload_file(b"a,b\n1,2\n", "人员.xlsx")})
    assert response.status_code == 200
    assert "不是有效的 Excel（.xlsx）文件" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_eleven_megabyte_upload_is_refused_by_the_page(users, admin_client):
    content = b"PK\x03\x04" + b"\0" * (11 * 1024 * 1024)
    response = admin_client.post("/imports/people/", {"file": upload_file(content)})
    assert "文件大小超过 10 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_commit_then_rollback_through_the_pages(users, admin_client):
    t = users
    before = counts()
    content = xlsx_bytes([PEOPLE_HEADER, person_row("甲", new_id(1)), person_row("乙", new_id(3), "CA-B2")])
    location = admin_client.post("/imports/people/", {"file": upload_file(content)})["Location"]
    page = admin_client.get(location).content.decode()
    assert "全部 2 行检查通过" in page and "确认导入" in page
    batch = ImportBatch.objects.get()
    assert admin_client.post(f"/imports/people/{batch.pk}/commit/").status_code == 302
    batch.refresh_from_db()
    assert batch.status == "committed" and len(batch.created_objects) == 4  # two people, two memberships
    assert Person.objects.count() == before[0] + 2
    assert AuditEntry.objects.filter(action="import", object_id=str(batch.pk)).count() == 1
    assert AuditEntry.objects.filter(action="create", model="members.person").count() >= 2
    # Committing twice does nothing more.
    admin_client.post(f"/imports/people/{batch.pk}/commit/")
    assert Person.objects.count() == before[0] + 2

    upload_page = admin_client.get("/imports/people/").content.decode()
    assert "撤销本次导入" in upload_page
    assert "将删除本次导入" in admin_client.get(f"/imports/people/{batch.pk}/rollback/").content.decode()
    response = admin_client.post(f"/imports/people/{batch.pk}/rollback/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "rolled_back"
    assert counts()[:3] == before[:3]
    rollback_entries = AuditEntry.objects.filter(action="rollback")
    assert rollback_entries.filter(model="members.person").count() == 2
    assert rollback_entries.filter(model="core.importbatch", object_id=str(batch.pk)).count() == 1
    assert t.zhang.pk in Person.objects.values_list("pk", flat=True)  # only the imported ones went


def test_only_the_latest_import_can_be_rolled_back(users, admin_client):
    spec = imports.registry.get("people")
    user = users.org_admin
    first = imports.preview(spec, user, xlsx_bytes([PEOPLE_HEADER, person_row("甲", new_id(1))]), "1.xlsx")
    assert imports.commit(spec, user, first).committed
    second = imports.preview(spec, user, xlsx_bytes([PEOPLE_HEADER, person_row("乙", new_id(3))]), "2.xlsx")
    assert imports.commit(spec, user, second).committed
    first.refresh_from_db()
    assert imports.rollback_refusal(spec, user, first) == "只能撤销您最近一次的导入"
    with pytest.raises(imports.BusinessRuleError):
        imports.rollback(spec, user, first)
    imports.rollback(spec, user, second)
    # Once the latest is undone, the one before it is not silently next in line.
    assert imports.rollback_refusal(spec, user, first) == "只能撤销您最近一次的导入"
    assert Person.objects.filter(name="甲").exists()


def test_a_batch_is_visible_only_to_its_uploader(users, login, client):
    spec = imports.registry.get("people")
    batch = imports.preview(spec, users.org_admin, xlsx_bytes([PEOPLE_HEADER, person_row("甲", new_id(1))]),
                            "1.xlsx")
    login(users.sec_a)
    assert client.get(f"/imports/people/{batch.pk}/").status_code == 404
    assert client.post(f"/imports/people/{batch.pk}/commit/").status_code == 404
    assert not Person.objects.filter(name="甲").exists()
    assert list(ImportBatch.objects.restrict(users.sec_a)) == []
    assert list(ImportBatch.objects.restrict(users.org_admin)) == [batch]


def test_import_pages_need_the_import_right(users, login, client):
    assert client.get("/imports/people/").status_code == 302  # anonymous: to the login page
    login(users.nobody)
    assert client.get("/imports/people/").status_code == 403
    login(users.sec_a)  # secretaries import people, not organisations
    assert client.get("/imports/people/").status_code == 200
    assert client.get("/imports/orgs/").status_code == 403
    assert client.get("/imports/nonsense/").status_code == 404


@pytest.mark.parametrize("kind", ["orgs", "people", "memberships"])
def test_template_download_is_a_valid_workbook_with_headers_and_instructions(users, admin_client, kind):
    spec = imports.registry.get(kind)
    response = admin_client.get(f"/imports/{kind}/template/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = read_xlsx(response.content)
    assert wb.sheetnames == ["数据", "填写说明"]
    assert [c.value for c in wb["数据"][1]] == [c.header for c in spec.columns]
    described = {r[0]: r for r in wb["填写说明"].iter_rows(values_only=True) if r and r[0]}
    for col in spec.columns:
        assert described[col.header][1] == ("必填" if col.required else "选填")
    assert "日期" in " ".join(str(r[0]) for r in wb["填写说明"].iter_rows(values_only=True) if r[0])
    # The template itself goes through the opener: header only, so "no data rows".
    with pytest.raises(imports.FileRejected, match="没有数据行"):
        imports.parse_rows(spec, response.content, "模板.xlsx")


def test_people_template_lists_choice_labels(users, admin_client):
    wb = read_xlsx(admin_client.get("/imports/people/template/").content)
    rows = {r[0]: r for r in wb["填写说明"].iter_rows(values_only=True) if r and r[0]}
    assert "可选：教师、学生、职工、离退休" in rows["人员类别"][2]
    assert "2024年3月1日" in rows["转入日期"][2]
