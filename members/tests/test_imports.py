"""The people and membership imports: identity checks, scope, all or nothing, rollback after a transfer,
formula-looking text, and the export -> edit -> re-import round trip."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from audit.models import AuditEntry
from conftest import make_user
from core import imports
from core.errors import BusinessRuleError
from core.models import ImportBatch
from core.scoping import SYSTEM
from core.tests.xlsx_files import error_triples, upload_file, xlsx_bytes
from members.identity import make_id_number
from members.models import Membership, Person, StatusChange
from members.services import change_status, create_person, transfer

PEOPLE = imports.registry.get("people")
MEMBERSHIPS = imports.registry.get("memberships")
HEADER = ["姓名", "身份证号", "手机号码", "民族", "学历", "人员类别", "职称/职务", "干部层级", "政治面貌",
          "当前面貌起始日期", "所在组织代码", "转入日期"]
M_HEADER = ["身份证号", "组织代码", "转入日期", "转出日期", "说明"]


def new_id(seq, birth=date(1988, 4, 2)):
    return make_id_number("110101", birth, seq)


def person_row(name, id_number, org="CA-B1", **over):
    row = dict(zip(HEADER, [name, id_number, "138 0013 8000", "汉族", "大学本科", "教师", "副教授", "中层",
                            "正式党员", "2015-07-01", org, "2021-09-01"], strict=True))
    row.update(over)
    return [row[h] for h in HEADER]


def state():
    return (Person.objects.count(), Membership.objects.count(), StatusChange.objects.count(),
            AuditEntry.objects.count())


def check(user, rows, header=HEADER, spec=PEOPLE):
    return imports.run_import(spec, user, xlsx_bytes([header, *rows]), "导入.xlsx")


def commit(user, rows, header=HEADER, spec=PEOPLE):
    batch = imports.preview(spec, user, xlsx_bytes([header, *rows]), "导入.xlsx")
    result = imports.commit(spec, user, batch)
    assert result.committed, result.summary()
    batch.refresh_from_db()
    return batch


# --- people ----------------------------------------------------------------------------------------

def test_people_are_created_with_membership_status_and_audit(users):
    t = users
    before = state()
    batch = commit(t.sec_a, [person_row("赵一", new_id(1)),
                             person_row(" 钱二 ", new_id(2).lower(), "CA-B2", 学历=None, 干部层级=None, 手机号码=None,
                                        转入日期=date(2022, 3, 1), 当前面貌起始日期="2019/6/30")])
    zhao = Person.objects.get(id_number=new_id(1))
    assert (zhao.organization, zhao.category, zhao.cadre_level, zhao.mobile, zhao.gender, zhao.birth_date) == (
        t.ca_b1, "teacher", "middle", "13800138000", "male", date(1988, 4, 2))
    qian = Person.objects.get(id_number=new_id(2).upper())
    assert (qian.name, qian.cadre_level, qian.education, qian.status_since) == ("钱二", "none", "", date(2019, 6, 30))
    assert qian.memberships.get().valid_from == date(2022, 3, 1)
    assert state()[:3] == (before[0] + 2, before[1] + 2, before[2] + 2)
    assert AuditEntry.objects.filter(action="import", object_id=str(batch.pk), actor=t.sec_a).count() == 1


@pytest.mark.parametrize(("over", "column", "reason"), [
    ({"身份证号": "110101198804020012"}, "身份证号", "身份证号校验位错误"),
    ({"身份证号": "1101011988"}, "身份证号", "身份证号应为18位"),
    ({"身份证号": 110101198804020011}, "身份证号", "身份证号请以文本格式填写"),
    ({"身份证号": "1***************1"}, "身份证号", "身份证号已脱敏"),
    ({"手机号码": "1234567"}, "手机号码", "手机号码应为11位中国大陆手机号"),
    ({"转入日期": "2999-01-01"}, "转入日期", "晚于今天"),
    ({"转入日期": "1899-05-01"}, "转入日期", "不能早于 1900 年"),
    ({"转入日期": "2021-02-30"}, "转入日期", "不是有效日期"),
    ({"转入日期": "2009-12-31"}, "转入日期", "转入日期早于该组织的成立日期（2010-01-01）"),
    ({"政治面貌": "党员"}, "政治面貌", "“党员”不是可选值，可选：群众、入党申请人"),
    ({"姓名": None}, "姓名", "必填，不能为空"),
    ({"所在组织代码": "NOPE"}, "所在组织代码", "组织代码不存在或无权操作"),
    ({"所在组织代码": "CA-B1-G1"}, "所在组织代码", "不能登记在党小组"),
])
def test_each_bad_cell_is_named_by_row_column_and_reason(users, over, column, reason):
    before = state()
    result = check(users.org_admin, [person_row("好人", new_id(5)), person_row("坏人", new_id(7), **over)])
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert reason in result.errors[0].message
    assert state() == before


def test_duplicate_id_numbers_name_both_rows_and_registered_ones_reveal_nothing(users):
    t = users
    result = check(t.sec_a, [person_row("甲", new_id(1)), person_row("乙", new_id(3)), person_row("丙", new_id(1)),
                             person_row("王芳再来", t.wang.id_number)])
    assert error_triples(result) == {
        (2, "身份证号", "身份证号与第 4 行重复"),
        (4, "身份证号", "身份证号与第 2 行重复"),
        (5, "身份证号", "该身份证号已登记"),
    }
    # 王芳 is in college B, outside sec_a's scope: nothing says where.
    assert "乙学院" not in result.summary() and "王芳" not in result.summary().replace("王芳再来", "")


def test_secretary_of_college_a_cannot_import_into_college_b(users, login, client):
    t = users
    login(t.sec_a)
    before = state()
    content = xlsx_bytes([HEADER, person_row("甲", new_id(1)), person_row("越界", new_id(3), "CB-B1")])
    location = client.post("/imports/people/", {"file": upload_file(content)})["Location"]
    page = client.get(location).content.decode()
    assert "“CB-B1”：组织代码不存在或无权操作" in page
    assert "乙学院" not in page
    batch = ImportBatch.objects.get()
    client.post(f"/imports/people/{batch.pk}/commit/")
    assert state() == before
    assert not Person.objects.filter(name="甲").exists()
    # Same message as a code that does not exist at all.
    assert error_triples(check(t.sec_a, [person_row("乙", new_id(5), "NOPE")])) == {
        (2, "所在组织代码", "“NOPE”：组织代码不存在或无权操作")}


def test_commit_revalidates_against_what_changed_since_the_preview(users):
    t = users
    batch = imports.preview(PEOPLE, t.sec_a, xlsx_bytes([HEADER, person_row("甲", new_id(1)),
                                                         person_row("乙", new_id(3))]), "a.xlsx")
    assert batch.error_count == 0
    # Meanwhile someone in college B registers the same ID number.
    create_person(SYSTEM, name="抢先登记", id_number=new_id(3), gender="", birth_date=None, category="teacher",
                  organization=t.cb_b1, joined_on=date(2021, 1, 1))
    before = state()
    result = imports.commit(PEOPLE, t.sec_a, batch)
    assert not result.committed
    assert error_triples(result) == {(3, "身份证号", "该身份证号已登记")}
    assert state() == before and not Person.objects.filter(name="甲").exists()
    batch.refresh_from_db()
    assert batch.status == "preview" and batch.error_count == 1


def test_formula_looking_text_is_stored_as_text(users):
    t = users
    commit(t.sec_a, [person_row("=1+2", new_id(1), **{"职称/职务": '=HYPERLINK("http://x","点我")'}),
                     person_row("'@SUM(A1)", new_id(3))])
    first = Person.objects.get(id_number=new_id(1))
    assert first.name == "=1+2" and first.title == '=HYPERLINK("http://x","点我")'
    assert Person.objects.get(id_number=new_id(3)).name == "@SUM(A1)"


def test_rollback_removes_people_and_is_refused_after_a_transfer(users):
    t = users
    before = state()
    batch = commit(t.sec_a, [person_row("甲", new_id(1)), person_row("乙", new_id(3))])
    yi = Person.objects.get(name="乙")
    transfer(t.sec_a, yi, t.ca_b2, date(2023, 1, 1))
    with pytest.raises(BusinessRuleError) as exc:
        imports.rollback(PEOPLE, t.sec_a, batch)
    assert "乙" in exc.value.message and "无法撤销" in exc.value.message
    assert Person.objects.filter(name__in=["甲", "乙"]).count() == 2
    batch.refresh_from_db()
    assert batch.status == "committed"

    # A fresh import with no later changes rolls back completely.
    batch2 = commit(t.sec_a, [person_row("丙", new_id(5)), person_row("丁", new_id(7))])
    imports.rollback(PEOPLE, t.sec_a, batch2)
    assert not Person.objects.filter(name__in=["丙", "丁"]).exists()
    assert state()[0] == before[0] + 2


def test_rollback_refused_after_a_status_change(users):
    t = users
    batch = commit(t.org_admin, [person_row("甲", new_id(1), 政治面貌="预备党员")])
    change_status(t.org_admin, Person.objects.get(name="甲"), "full", date(2024, 1, 1))
    with pytest.raises(BusinessRuleError, match="已被修改|面貌变动"):
        imports.rollback(PEOPLE, t.org_admin, batch)
    assert Person.objects.filter(name="甲").exists()


# --- export -> edit -> re-import -------------------------------------------------------------------

def exported(client):
    response = client.get("/members/?export=xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_export_edit_reimport_round_trip(users, login, client):
    t = users
    login(t.org_admin)
    wb = exported(client)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert {"性别", "出生日期", "所在组织"} <= set(header)  # export-only columns, ignored by the import
    col = {h: i for i, h in enumerate(header)}
    # Re-importing as-is: every row is someone already registered.
    content = io.BytesIO()
    wb.save(content)
    result = imports.run_import(PEOPLE, t.org_admin, content.getvalue(), "导出.xlsx")
    assert {e.message for e in result.errors} == {"该身份证号已登记"}
    assert len(result.rows) == Person.objects.count()
    # Edit: each row becomes a new person (new name and ID) and is imported with all its other values.
    originals = {}
    for i, row in enumerate(ws.iter_rows(min_row=2), start=1):
        originals[new_id(100 + 2 * i)] = row[col["身份证号"]].value
        row[col["姓名"]].value = f"新{row[col['姓名']].value}"
        row[col["身份证号"]].value = new_id(100 + 2 * i)
    content = io.BytesIO()
    wb.save(content)
    batch = imports.preview(PEOPLE, t.org_admin, content.getvalue(), "导出-修改.xlsx")
    assert batch.error_count == 0, batch.error_summary
    assert imports.commit(PEOPLE, t.org_admin, batch).committed
    for new, old in originals.items():
        a, b = Person.objects.get(id_number=new), Person.objects.get(id_number=old)
        assert a.name == f"新{b.name}"
        assert (a.organization, a.category, a.party_status, a.cadre_level, a.mobile, a.ethnicity, a.status_since) == (
            b.organization, b.category, b.party_status, b.cadre_level, b.mobile, b.ethnicity, b.status_since)


def test_masked_export_values_are_refused_with_a_reason(users, login, client):
    t = users
    login(t.sec_a)  # a secretary sees phones but not ID numbers: the export masks them
    wb = exported(client)
    content = io.BytesIO()
    wb.save(content)
    result = imports.run_import(PEOPLE, t.sec_a, content.getvalue(), "导出.xlsx")
    assert result.errors and {(e.column, e.message) for e in result.errors} == {
        ("身份证号", "身份证号已脱敏（含 * 号），请填写完整的身份证号")}


# --- memberships -----------------------------------------------------------------------------------

def test_membership_history_is_added(users):
    t = users
    before = Membership.objects.count()
    batch = commit(t.sec_a, [[t.zhang.id_number, "CA-B2", "2012-09-01", "2016-07-01", "本科阶段"],
                             [t.zhang.id_number, "CA-B2", "2016/9/1", "2019年12月31日", None],
                             [t.li.id_number, "CA-B1", "2015-01-01", "2018-01-01", ""]],
                   header=M_HEADER, spec=MEMBERSHIPS)
    assert Membership.objects.count() == before + 3
    assert list(t.zhang.memberships.order_by("valid_from").values_list("valid_from", "valid_to")) == [
        (date(2012, 9, 1), date(2016, 7, 1)), (date(2016, 9, 1), date(2019, 12, 31)), (date(2020, 1, 1), None)]
    imports.rollback(MEMBERSHIPS, t.sec_a, batch)
    assert Membership.objects.count() == before


def test_membership_rows_must_not_overlap_or_reach_outside_scope(users):
    t = users
    before = state()
    result = check(t.sec_a, [
        [t.zhang.id_number, "CA-B2", "2019-06-01", "2020-03-01", ""],  # overlaps the open one from 2020-01-01
        [t.li.id_number, "CA-B1", "2015-01-01", "2017-01-01", ""],
        [t.li.id_number, "CA-B2", "2016-06-01", "2018-01-01", ""],  # overlaps the row above
        [t.wang.id_number, "CA-B1", "2015-01-01", "2016-01-01", ""],  # 王芳 is in college B
        [t.li.id_number, "CB-B1", "2012-01-01", "2013-01-01", ""],  # college B's branch
        [t.li.id_number, "CA-B1", "2014-01-01", None, ""],  # a second open membership
        [t.li.id_number, "CA-B1", "2013-05-01", "2013-05-01", ""],
    ], header=M_HEADER, spec=MEMBERSHIPS)
    assert error_triples(result) == {
        (2, "转入日期", "与该人员已有的组织关系（2020-01-01 至今）时间重叠"),
        (4, "转入日期", "与第 3 行的组织关系时间重叠"),
        (5, "身份证号", "身份证号对应的人员不存在或无权操作"),
        (6, "组织代码", "“CB-B1”：组织代码不存在或无权操作"),
        (7, "转出日期", "该人员已有当前组织关系，本行转出日期不能为空；调整当前组织请使用“组织关系转接”"),
        (8, "转出日期", "转出日期须晚于转入日期"),
    }
    assert state() == before


def test_membership_import_needs_the_import_right(users, login, client):
    login(make_user("plain", None))
    assert client.get("/imports/memberships/").status_code == 403
    login(users.member)
    assert client.get("/imports/memberships/").status_code == 403
    login(users.sec_a)
    assert client.get("/imports/memberships/").status_code == 200
