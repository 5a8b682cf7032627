"""The people import's bulk path (members.bulk) writes what the per-row service writes, field by field,
writes nothing at preview, and nothing at all when any row fails."""
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from core import imports
from core.models import ImportBatch
from core.tests.xlsx_files import error_triples, xlsx_bytes
from members.imports import PersonImport
from members.models import Membership, Person, StatusChange
from members.tests.test_imports import HEADER, new_id, person_row, state

BULK = imports.registry.get("people")


class RowByRow(PersonImport):
    """The same import through create_person, one row at a time."""
    create_many = None


def rows():
    return [person_row("赵一", new_id(1)),
            person_row("单二", new_id(2), "CA-B2", 学历=None, 干部层级=None, 手机号码=None, 转入日期=None),
            person_row("钱 三", new_id(3), 政治面貌="入党积极分子", 当前面貌起始日期=None, 民族=None),
            person_row("赵一", new_id(4), 手机号码="+86 139-0000-2222", 人员类别="学生")]


def written(user, spec):
    """Everything the committed import wrote, keyed by ID number instead of primary keys; rolled back."""
    with transaction.atomic():
        batch = imports.preview(spec, user, xlsx_bytes([HEADER, *rows()]), "导入.xlsx")
        result = imports.commit(spec, user, batch)
        assert result.committed, result.summary()
        people = Person.objects.filter(pk__in=[pk for label, pk in result.created if label == "members.person"])
        id_of = dict(people.values_list("pk", "id_number"))

        def plain(obj, *skip):
            return {f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields
                    if f.name not in {"id", "created_at", "updated_at", *skip}}

        audit = [plain(e, "at", "object_id") | {"person": id_of[int(e.object_id)],
                                                "after": {**e.after, "id": None}}
                 for e in AuditEntry.objects.filter(model="members.person", object_id__in=[str(p) for p in id_of])]
        data = {
            "people": sorted((plain(p) for p in people), key=lambda d: d["id_number"]),
            "memberships": sorted((plain(m, "person") | {"person": id_of[m.person_id]}
                                   for m in Membership.objects.filter(person__in=people)), key=str),
            "status_changes": sorted((plain(s, "person") | {"person": id_of[s.person_id]}
                                      for s in StatusChange.objects.filter(person__in=people)), key=str),
            "audit": sorted(audit, key=str),
            "created": [(label, id_of.get(pk)) for label, pk in result.created if label == "members.person"],
            "created_labels": [label for label, _pk in result.created],
        }
        transaction.set_rollback(True)
    return data


def test_bulk_path_writes_what_the_service_writes_field_by_field(users):
    bulk, service = written(users.sec_a, BULK), written(users.sec_a, RowByRow())
    assert len(bulk["people"]) == 4 and len(bulk["audit"]) == 4
    # The derived fields are there: pinyin (with the surname reading), gender and birth from the ID
    # number, the phone's 11 digits, the defaults of blank cells.
    shan = next(p for p in bulk["people"] if p["name"] == "单二")
    assert (shan["name_pinyin"], shan["name_initials"], shan["gender"], shan["birth_date"]) == (
        "shaner", "se", "female", date(1988, 4, 2))
    assert next(p for p in bulk["people"] if p["id_number"] == new_id(4))["mobile"] == "13900002222"
    assert next(m for m in bulk["memberships"] if m["person"] == new_id(2))["valid_from"] == date.today()
    for key in bulk:
        assert bulk[key] == service[key], key


@pytest.mark.parametrize("bad", [0, 2, 3])
def test_a_bad_row_anywhere_writes_nothing(users, bad):
    good = rows()
    good[bad] = person_row("坏人", new_id(9), "NOPE")
    before = state()
    batch = imports.preview(BULK, users.sec_a, xlsx_bytes([HEADER, *good]), "导入.xlsx")
    assert batch.error_count == 1
    result = imports.commit(BULK, users.sec_a, batch)
    assert not result.committed
    assert error_triples(result) == {(bad + 2, "所在组织代码", "“NOPE”：组织代码不存在或无权操作")}
    assert state() == before
    assert ImportBatch.objects.get(pk=batch.pk).status == "preview"


def test_preview_checks_every_row_without_inserting(users):
    content = xlsx_bytes([HEADER, *rows()])
    with CaptureQueriesContext(connection) as queries:
        batch = imports.preview(BULK, users.sec_a, content, "导入.xlsx")
    assert batch.error_count == 0
    inserts = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1 and "core_importbatch" in inserts[0]


def test_a_service_refusal_is_named_on_its_row(users, monkeypatch):
    # A refusal of create_person's that prepare() does not foresee: the bulk plan makes the same check
    # and names each row it refuses.
    from members import bulk

    real = bulk._check_org_open

    def dissolved_for_zhao(org, day):
        if org.code == "CA-B1" and day == date(2021, 9, 1):
            from core.errors import BusinessRuleError
            raise BusinessRuleError("已撤销")
        return real(org, day)

    monkeypatch.setattr(bulk, "_check_org_open", dissolved_for_zhao)
    before = state()
    result = imports.run_import(BULK, users.sec_a, xlsx_bytes([HEADER, *rows()]), "导入.xlsx",
                                batch=ImportBatch.objects.create(kind="people", user=users.sec_a, content=b""))
    assert not result.committed
    assert error_triples(result) == {(2, "", "已撤销"), (4, "", "已撤销"), (5, "", "已撤销")}
    assert state()[:3] == before[:3]


def test_a_late_duplicate_id_number_falls_back_to_naming_the_row(users, monkeypatch):
    # An ID number registered between the file's check and the insert: the unique index refuses the
    # batch, and the row-by-row path says which row.
    from members import imports as member_imports

    real_prepare = PersonImport.prepare

    def prepare_then_someone_registers(self, run, rows_):
        real_prepare(self, run, rows_)
        Person.objects.create(name="抢先", id_number=new_id(3), gender="male", birth_date=date(1988, 4, 2),
                              category="teacher", organization=users.cb_b1)

    monkeypatch.setattr(member_imports.PersonImport, "prepare", prepare_then_someone_registers)
    people = Person.objects.count()
    result = imports.run_import(BULK, users.sec_a, xlsx_bytes([HEADER, *rows()]), "导入.xlsx",
                                batch=ImportBatch.objects.create(kind="people", user=users.sec_a, content=b""))
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(4, "身份证号")]
    assert Person.objects.count() == people  # the import's transaction, with the intruder, rolled back


def test_the_membership_stock_roll_up_follows_a_bulk_import(users):
    # bulk_create sends no signals: the bulk path recounts the cells the service's saves would have.
    from rollups import stocks

    stocks.rebuild()
    file = [*rows(), person_row("早年", new_id(11), 转入日期="2019-03-01", 当前面貌起始日期="2018-05-01")]
    batch = imports.preview(BULK, users.sec_a, xlsx_bytes([HEADER, *file]), "导入.xlsx")
    assert imports.commit(BULK, users.sec_a, batch).committed
    assert stocks.differences() == []
