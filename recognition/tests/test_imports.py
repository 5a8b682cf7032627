"""The brand and honour imports: a good file commits through the services; each bad row is named by row,
column and reason and nothing is written (all or nothing); another college's organisations read as unknown."""
import io
from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from conftest import make_person
from core import imports
from core.tests.xlsx_files import error_triples, xlsx_bytes
from recognition.models import BrandProject, Honor

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year

BRANDS = imports.registry.get("brands")
HONORS = imports.registry.get("honors")
BRAND_HEADER = ["层级", "建设组织", "项目名称", "项目内容", "开始日期", "结束日期"]
HONOR_HEADER = ["荣誉类别", "荣誉级别", "荣誉名称", "年度", "授予日期", "授予单位", "获奖组织", "获奖个人", "身份证号",
                "备注"]


def state():
    return BrandProject.objects.count(), Honor.objects.count(), AuditEntry.objects.count()


def brand_row(**over):
    values = dict(zip(BRAND_HEADER, ["一支部一特色", "CA-B1", "支部+课堂", "课程思政", "2024-03-01", ""], strict=True))
    return [(values | over)[h] for h in BRAND_HEADER]


def honor_row(**over):
    values = dict(zip(HONOR_HEADER, ["先进集体", "校级", "2024年度先进集体", 2024, date(2024, 6, 28), "校党委",
                                     "甲学院教工第一党支部", "", "", ""], strict=True))
    return [(values | over)[h] for h in HONOR_HEADER]


def commit(spec, user, header, rows):
    batch = imports.preview(spec, user, xlsx_bytes([header, *rows]), "导入.xlsx")
    return imports.commit(spec, user, batch)


def test_brand_import_good_file(users):
    t = users
    result = commit(BRANDS, t.sec_a, BRAND_HEADER,
                    [brand_row(), brand_row(层级="一学院一品牌", 建设组织="甲学院党委", 项目名称="红色引擎",
                                            结束日期="2026/12/31")])
    assert result.committed, result.summary()
    college = BrandProject.objects.get(name="红色引擎")
    assert (college.level, college.organization, college.ends_on, college.status) == (
        "college", t.ca, date(2026, 12, 31), "proposed")
    assert BrandProject.objects.get(name="支部+课堂").organization == t.ca_b1


def test_brand_import_bad_rows_write_nothing(users):
    t = users
    before = state()
    result = commit(BRANDS, t.sec_a, BRAND_HEADER,
                    [brand_row(),
                     brand_row(建设组织="CA", 项目名称="委员会上的特色"),
                     brand_row(建设组织="CB-B1", 项目名称="乙院"),
                     brand_row(层级="一院一品", 项目名称="层级错"),
                     brand_row(开始日期="2024-02-30", 项目名称="日期错")])
    assert not result.committed
    errors = error_triples(result)
    assert (3, "", "“一支部一特色”项目的建设组织须为党支部，“甲学院党委”是党委") in errors
    assert (4, "建设组织", "“CB-B1”：组织代码或名称不存在或无权操作") in errors
    assert any(e[:2] == (5, "层级") and "不是可选值" in e[2] for e in errors)
    assert (6, "开始日期", "“2024-02-30”不是有效日期") in errors
    assert not any(e[0] == 2 for e in errors)
    assert state() == before


def test_honor_import_good_file(users):
    t = users
    result = commit(HONORS, t.sec_a, HONOR_HEADER,
                    [honor_row(),
                     honor_row(荣誉类别="优秀共产党员", 荣誉级别="院级", 荣誉名称="优秀共产党员", 获奖组织="",
                               获奖个人="张嘉恒", 授予单位="甲学院党委")])
    assert result.committed, result.summary()
    collective = Honor.objects.get(title="2024年度先进集体")
    assert (collective.organization, collective.person, collective.awarded_on) == (t.ca_b1, None, date(2024, 6, 28))
    personal = Honor.objects.get(title="优秀共产党员")
    assert (personal.person, personal.organization, personal.level) == (t.zhang, t.ca_b1, "college")


def test_honor_import_bad_rows_write_nothing(users):
    t = users
    before = state()
    result = commit(HONORS, t.sec_a, HONOR_HEADER,
                    [honor_row(),
                     honor_row(年度=THIS_YEAR + 1, 授予日期="", 荣誉名称="明年的"),
                     honor_row(获奖个人="张嘉恒", 荣誉名称="给个人的集体荣誉"),
                     honor_row(获奖组织="", 荣誉名称="没有组织"),
                     honor_row(荣誉类别="先进个人", 获奖组织="", 获奖个人="王芳", 荣誉名称="乙院的人"),
                     honor_row(年度="二〇二四", 荣誉名称="年度错")])
    assert not result.committed
    errors = error_triples(result)
    assert (3, "", f"荣誉年度 {THIS_YEAR + 1} 晚于今年（{THIS_YEAR}），请在授予后登记") in errors
    assert (4, "", "“先进集体”是集体荣誉，不能授予个人") in errors
    assert (5, "获奖组织", "集体荣誉请填写获奖组织") in errors
    assert (6, "获奖个人", "“王芳”不存在或无权操作") in errors
    assert any(e[:2] == (7, "年度") and "不是有效年度" in e[2] for e in errors)
    assert not any(e[0] == 2 for e in errors)
    assert state() == before


def test_honor_import_asks_for_the_id_number_of_a_shared_name(users):
    t = users
    namesake = make_person(t.ca_b2, "张嘉恒")
    row = honor_row(荣誉类别="优秀共产党员", 荣誉名称="优秀共产党员", 获奖组织="", 获奖个人="张嘉恒")
    result = commit(HONORS, t.sec_a, HONOR_HEADER, [row])
    assert (2, "身份证号", "有 2 位名为“张嘉恒”的人员，请填写身份证号") in error_triples(result)
    row = honor_row(荣誉类别="优秀共产党员", 荣誉名称="优秀共产党员", 获奖组织="", 获奖个人="张嘉恒",
                    身份证号=namesake.id_number)
    result = commit(HONORS, t.sec_a, HONOR_HEADER, [row])
    assert result.committed, result.summary()
    assert Honor.objects.get().person == namesake


def test_export_imports_back(client, users):
    """The honours export carries the import's columns, so an exported file goes back in (as a new year here)."""
    t = users
    commit(HONORS, t.sec_a, HONOR_HEADER, [honor_row()])
    client.force_login(t.sec_a)
    response = client.get("/recognition/honors/export/")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = rows[0]
    rows[1][header.index("荣誉名称")] = "复制的先进集体"
    result = commit(HONORS, t.sec_a, header, rows[1:])
    assert result.committed, result.summary()
    assert Honor.objects.filter(title="复制的先进集体", organization=t.ca_b1).exists()
