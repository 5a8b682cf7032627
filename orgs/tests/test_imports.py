"""The organisation import: rows that point at earlier rows, scope, tree rules, all or nothing, rollback."""
from datetime import date

import pytest

from audit.models import AuditEntry
from core import imports
from core.errors import BusinessRuleError
from core.models import ImportBatch
from core.tests.xlsx_files import error_triples, upload_file, xlsx_bytes
from members.models import Person
from orgs.models import Organization, Unit
from orgs.services import create_unit

HEADER = ["组织代码", "名称", "简称", "类别", "上级组织代码", "所属单位代码", "构成", "联合支部", "临时支部",
          "成立日期"]
SPEC = imports.registry.get("orgs")


def org_row(code, name, kind="党支部", parent="CA", **over):
    row = dict(zip(HEADER, [code, name, "", kind, parent, "", "教工", "否", "否", "2020-09-01"], strict=True))
    row.update(over)
    return [row[h] for h in HEADER]


def preview(user, rows):
    return imports.run_import(SPEC, user, xlsx_bytes([HEADER, *rows]), "党组织.xlsx")


def state():
    return (Organization.objects.count(), AuditEntry.objects.count(), ImportBatch.objects.count())


def commit(user, rows):
    batch = imports.preview(SPEC, user, xlsx_bytes([HEADER, *rows]), "党组织.xlsx")
    return batch, imports.commit(SPEC, user, batch)


def test_creates_a_subtree_with_parents_earlier_in_the_file(users):
    t = users
    create_unit(t.sys_admin, code="U-CS", name="计算机学院")
    before = Organization.objects.count()
    batch, result = commit(t.org_admin, [
        org_row("CA-GB", "甲学院研究生党总支", "党总支", "CA", 构成="", 联合支部=None, 临时支部=None),
        org_row("CA-GB-B1", "硕博联合党支部", "党支部", "CA-GB", 构成="硕博联合", 联合支部="是", 所属单位代码="U-CS"),
        org_row("CA-GB-B2", "临时党支部", "党支部", "CA-GB", 临时支部="是", 成立日期="2021年3月5日"),
    ])
    assert result.committed, result.summary()
    assert Organization.objects.count() == before + 3
    gb = Organization.objects.get(code="CA-GB")
    b1 = Organization.objects.get(code="CA-GB-B1")
    assert gb.parent == t.ca and gb.kind == "general_branch" and gb.path.startswith(t.ca.path)
    assert b1.parent == gb and b1.path.startswith(gb.path) and b1.depth == gb.depth + 1
    assert b1.composition == "master_phd_joint" and b1.is_joint and b1.unit == Unit.objects.get(code="U-CS")
    assert Organization.objects.get(code="CA-GB-B2").established_on.isoformat() == "2021-03-05"
    assert AuditEntry.objects.filter(action="create", model="orgs.organization").count() == 3
    assert AuditEntry.objects.get(action="import").object_id == str(batch.pk)


def test_unknown_and_out_of_scope_parents_get_the_same_message(users):
    t = users
    # An org admin of college A only: college B's committee exists but is out of scope.
    from accounts.roles import Role
    from conftest import make_user

    admin_a = make_user("orgadmin_a", Role.ORG_ADMIN, t.ca)
    before = state()
    result = preview(admin_a, [org_row("X1", "某支部", parent="NOPE"), org_row("X2", "另一支部", parent="CB")])
    assert error_triples(result) == {
        (2, "上级组织代码", "“NOPE”：组织代码不存在或无权操作"),
        (3, "上级组织代码", "“CB”：组织代码不存在或无权操作"),
    }
    assert "乙学院" not in result.summary()
    assert state() == before


def test_tree_rules_duplicates_and_taken_codes(users):
    t = users
    result = preview(t.org_admin, [
        org_row("CA-B1", "已存在的代码"),
        org_row("D1", "甲"), org_row("D1", "乙"),
        org_row("T1", "总支下的党委", "党委", "CA-B1"),
        org_row("T2", "支部", "党支部", "LATER"),
        org_row("LATER", "后面的党委", "党委", "CA"),
        org_row("T3", "类别不对", "支部"),
    ])
    errors = error_triples(result)
    assert (2, "组织代码", "组织代码已被使用") in errors
    assert (3, "组织代码", "组织代码与第 4 行重复") in errors and (4, "组织代码", "组织代码与第 3 行重复") in errors
    assert (5, "类别", "党支部下不能设立党委") in errors
    assert (6, "上级组织代码", "上级组织（第 7 行）须写在本行之前") in errors
    assert (8, "类别", "“支部”不是可选值，可选：党委、党总支、党支部、党小组") in errors


def test_a_row_failing_in_the_service_rolls_back_the_whole_file(users, admin_client):
    t = users
    rows = [org_row("OK1", "正常支部一"), org_row("OK2", "正常支部二"),
            org_row("BAD", "挂联合标记的党委", "党委", "CA", 联合支部="是")]
    before = state()
    # Preview runs the rows through the service and shows the model's refusal on the right column.
    result = preview(t.org_admin, rows)
    assert error_triples(result) == {(4, "联合支部", "联合支部、临时支部标记只适用于党支部")}
    assert state() == before
    # The commit URL re-validates, so even a forced commit of this file writes nothing.
    location = admin_client.post("/imports/orgs/", {"file": upload_file(xlsx_bytes([HEADER, *rows]))})["Location"]
    batch = ImportBatch.objects.get()
    admin_client.post(f"/imports/orgs/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == "preview"
    assert Organization.objects.filter(code__in=["OK1", "OK2", "BAD"]).count() == 0
    assert "联合支部、临时支部标记只适用于党支部" in admin_client.get(location).content.decode()


@pytest.fixture
def admin_client(users, login):
    return login(users.org_admin)


def test_rollback_removes_the_organisations_or_refuses_when_used(users):
    t = users
    before = Organization.objects.count()
    batch, result = commit(t.org_admin, [org_row("R1", "新支部", "党支部", "CA"),
                                         org_row("R0", "新党委", "党委", "CA"),
                                         org_row("R0-B", "新党委的支部", "党支部", "R0")])
    assert result.committed
    # Somebody was since placed in the new branch: it is referenced and cannot go.
    from conftest import make_person

    make_person(Organization.objects.get(code="R1"), "新人", joined_on=date(2021, 1, 1))
    with pytest.raises(BusinessRuleError, match="已被其他记录引用"):
        imports.rollback(SPEC, t.org_admin, batch)
    assert Organization.objects.count() == before + 3
    Person.objects.get(name="新人").memberships.all().delete()
    Person.objects.filter(name="新人").delete()
    imports.rollback(SPEC, t.org_admin, batch)
    assert Organization.objects.count() == before
    assert AuditEntry.objects.filter(action="rollback", model="orgs.organization").count() == 3


def test_rollback_refused_after_an_edit(users):
    t = users
    from orgs.services import update_organization

    batch, result = commit(t.org_admin, [org_row("E1", "待修改支部")])
    update_organization(t.org_admin, Organization.objects.get(code="E1"), {"name": "改了名的支部"})
    with pytest.raises(BusinessRuleError, match="在导入后已被修改"):
        imports.rollback(SPEC, t.org_admin, batch)
    assert Organization.objects.filter(code="E1").exists()


def test_secretaries_cannot_import_organisations(users, login, client):
    login(users.sec_a)
    content = xlsx_bytes([HEADER, org_row("S1", "书记建的支部")])
    assert client.post("/imports/orgs/", {"file": upload_file(content)}).status_code == 403
    assert not SPEC.allowed(users.sec_a)
    assert not Organization.objects.filter(code="S1").exists()
