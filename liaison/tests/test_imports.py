"""The liaison and visit imports: good files through the services, bad rows named by row with the
service's reason and nothing written, the export -> import round trip, and the upload page."""
from datetime import date

import pytest
from django.urls import reverse

from conftest import make_person
from core import imports
from core.scoping import SYSTEM
from core.tests.xlsx_files import error_triples, upload_file, xlsx_bytes
from liaison import services
from liaison.models import BranchVisit, Liaison, Problem

LIAISONS = imports.registry.get("liaisons")
VISITS = imports.registry.get("visits")
L_HEADER = ["联系领导", "身份证号", "联系党支部", "开始日期", "结束日期", "备注"]
V_HEADER = ["党支部", "走访日期", "走访领导", "听取情况", "发现问题"]


@pytest.fixture
def t(users):
    users.boss = make_person(users.ca, "赵院长", cadre_level="middle")
    users.vice = make_person(users.ca, "钱副院长", cadre_level="senior")
    return users


def run(user, spec, header, rows):
    return imports.run_import(spec, user, xlsx_bytes([header, *rows]), "导入.xlsx")


def commit(user, spec, header, rows):
    batch = imports.preview(spec, user, xlsx_bytes([header, *rows]), "导入.xlsx")
    return imports.commit(spec, user, batch)


def counts():
    return Liaison.objects.count(), BranchVisit.objects.count(), Problem.objects.count()


def test_liaisons_are_imported(t):
    result = commit(t.sec_a, LIAISONS, L_HEADER, [
        ["赵院长", None, "CA-B1", "2024-03-01", None, "学院书记联系"],
        ["钱副院长", t.vice.id_number, "甲学院学生党支部", date(2024, 3, 1), "2025-03-01", None],
    ])
    assert result.committed, result.summary()
    boss = Liaison.objects.get(leader=t.boss)
    assert (boss.branch, boss.valid_from, boss.valid_to, boss.note) == (t.ca_b1, date(2024, 3, 1), None, "学院书记联系")
    assert Liaison.objects.get(leader=t.vice).valid_to == date(2025, 3, 1)


def test_bad_liaison_rows_are_named_and_nothing_is_written(t):
    services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=date(2024, 1, 1))
    before = counts()
    result = commit(t.sec_a, LIAISONS, L_HEADER, [
        ["钱副院长", None, "CA-B1", "2024-03-01", None, None],  # good on its own
        ["赵院长", None, "CA-B2", "2024-03-01", None, None],  # a second branch at once
        ["钱副院长", None, "CA", "2024-03-01", None, None],  # not a branch
        ["钱副院长", None, "CB-B1", "2024-03-01", None, None],  # another college: not found
        ["无此人", None, "CA-B1", "2024-03-01", None, None],
        ["张嘉恒", None, "CA-B2", "2024-03-01", None, None],  # not a leader
        ["钱副院长", None, "CA-B1", "2024-05-01", None, None],  # overlaps row 2
    ])
    assert not result.committed
    errors = error_triples(result)
    rows = {row for row, _c, _m in errors}
    assert rows == {3, 4, 5, 6, 7, 8}
    messages = {row: m for row, _c, m in errors}
    assert "每名领导同一时间只能联系 1 个党支部" in messages[3]
    assert "不是党支部" in messages[4]
    assert ("联系党支部" in {c for r, c, _m in errors if r == 5}) and "不存在或无权操作" in messages[5]
    assert "没有找到该人员" in messages[6]
    assert "不是中层及以上领导干部" in messages[7]
    assert "时间重叠" in messages[8]
    assert counts() == before


def test_same_name_needs_the_id_number(t):
    make_person(t.ca_b2, "赵院长", cadre_level="middle")
    result = run(t.sec_a, LIAISONS, L_HEADER, [["赵院长", None, "CA-B1", "2024-03-01", None, None]])
    assert any("同名人员" in m for _r, _c, m in error_triples(result))
    result = commit(t.sec_a, LIAISONS, L_HEADER, [["赵院长", t.boss.id_number, "CA-B1", "2024-03-01", None, None]])
    assert result.committed and Liaison.objects.get().leader == t.boss


def test_visits_are_imported_with_problems(t):
    result = commit(t.sec_a, VISITS, V_HEADER, [
        ["CA-B1", "2024-04-02", "赵院长、钱副院长", "听取支部书记汇报", "活动场地不足\n发展对象培养不够"],
        ["甲学院学生党支部", "2024-04-03", "钱副院长", None, None],
    ])
    assert result.committed, result.summary()
    first = BranchVisit.objects.get(branch=t.ca_b1)
    assert set(first.leaders.all()) == {t.boss, t.vice} and first.heard == "听取支部书记汇报"
    assert [p.description for p in first.problems.order_by("id")] == ["活动场地不足", "发展对象培养不够"]
    assert BranchVisit.objects.get(branch=t.ca_b2).problems.count() == 0


def test_bad_visit_rows_write_nothing(t):
    from orgs.models import Organization

    Organization.objects.filter(pk=t.ca_b2.pk).update(dissolved_on=date(2023, 1, 1))
    result = commit(t.sec_a, VISITS, V_HEADER, [
        ["CA-B1", "2024-04-02", "赵院长", None, "问题"],
        ["CA-B2", "2024-04-02", "赵院长", None, None],  # dissolved
        ["CA-B1", "2999-01-01", "赵院长", None, None],  # future
        ["CA-B1", "2024-04-02", "无此人", None, None],
        ["CA", "2024-04-02", "赵院长", None, None],  # not a branch
    ])
    assert not result.committed
    messages = {row: m for row, _c, m in error_triples(result)}
    assert set(messages) == {3, 4, 5, 6}
    assert "撤销" in messages[3] and "晚于今天" in messages[4] and "没有找到该人员" in messages[5]
    assert "不是党支部" in messages[6]
    assert counts() == (0, 0, 0)


def test_export_comes_back_in(t, login):
    services.assign(SYSTEM, leader=t.boss, branch=t.ca_b1, valid_from=date(2024, 3, 1), valid_to=date(2024, 9, 1))
    c = login(t.sec_a)
    content = c.get(reverse("liaison:liaison_export") + "?ended=on").content
    Liaison.objects.all().delete()
    batch = imports.preview(LIAISONS, t.sec_a, content, "联系支部.xlsx")
    result = imports.commit(LIAISONS, t.sec_a, batch)
    assert result.committed, result.summary()
    back = Liaison.objects.get()
    assert (back.leader, back.branch, back.valid_from, back.valid_to) == (t.boss, t.ca_b1, date(2024, 3, 1),
                                                                         date(2024, 9, 1))


def test_upload_page_and_rights(t, login):
    c = login(t.sec_a)
    assert c.get(reverse("imports:template", args=["visits"])).status_code == 200
    bad = c.post(reverse("imports:upload", args=["liaisons"]),
                 {"file": upload_file(xlsx_bytes([L_HEADER, ["赵院长", None, "CA", "2024-03-01", None, None]]))})
    assert bad.status_code in (200, 302)
    assert Liaison.objects.count() == 0
    assert login(t.nobody).get(reverse("imports:upload", args=["liaisons"])).status_code == 403
