"""The audit log: read by the audit administrator only, filterable, exportable, append-only."""
import io

import pytest
from openpyxl import load_workbook

from accounts import services as account_services
from accounts.roles import Role
from audit.models import Action, AuditEntry
from conftest import PASSWORD


def test_audit_admin_reads_and_filters_the_log(users, login, client):
    client.post("/accounts/login/", {"username": "sec_a", "password": "Wrong-Password-1"})
    c = login(users.audit_admin)
    r = c.get("/audit/")
    assert r.status_code == 200
    assert r.context["page"].paginator.count == AuditEntry.objects.count()
    r = c.get("/audit/", {"action": Action.LOGIN_FAILED})
    rows = [e for e, _values in r.context["rows"]]
    assert len(rows) == 1 and rows[0].object_repr == "sec_a"
    r = c.get("/audit/", {"actor": "system", "model": "accounts.roleassignment"})
    rows = [e for e, _values in r.context["rows"]]
    assert rows and all(e.actor_name == "system" and e.model == "accounts.roleassignment" for e in rows)


def test_audit_list_query_count_does_not_grow(users, login, django_assert_max_num_queries):
    c = login(users.audit_admin)
    c.get("/audit/")
    with django_assert_max_num_queries(12):
        r = c.get("/audit/")
    assert r.context["page"].paginator.count > 20


def test_audit_export_to_excel(users, login):
    c = login(users.audit_admin)
    account_services.grant(users.sec_admin, users.nobody, Role.SECRETARY, users.cb)
    r = c.get("/audit/", {"action": Action.GRANT, "export": "xlsx"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][:3] == ("时间", "操作人", "动作")
    grants = AuditEntry.objects.filter(action=Action.GRANT)
    assert len(rows) - 1 == grants.count()
    assert ("secadmin", "授予角色") in [(row[1], row[2]) for row in rows[1:]]
    # The export itself is logged, under the audit administrator's name.
    export = AuditEntry.objects.get(action=Action.EXPORT, actor=users.audit_admin)
    assert export.request_id == r["X-Request-ID"]


def test_audit_log_masks_id_numbers(users, login):
    c = login(users.audit_admin)
    r = c.get("/audit/", {"model": "members.person", "action": Action.CREATE})
    html = r.content.decode()
    assert r.context["page"].paginator.count == 3
    assert "张嘉恒" in html and users.zhang.id_number not in html and users.zhang.mobile not in html
    ws = load_workbook(io.BytesIO(c.get("/audit/", {"model": "members.person", "export": "xlsx"}).content)).active
    cells = " ".join(str(v) for row in ws.values for v in row)
    assert "张嘉恒" in cells and users.zhang.id_number not in cells


@pytest.mark.parametrize("who", ["org_admin", "sec_a", "member", "nobody", "sys_admin", "sec_admin"])
def test_nobody_else_reads_the_log(users, login, who):
    c = login(getattr(users, who))
    assert c.get("/audit/").status_code == 403
    assert c.get("/audit/?export=xlsx").status_code == 403
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_entries_cannot_be_changed_or_deleted(users):
    entry = AuditEntry.objects.first()
    entry.note = "篡改"
    with pytest.raises(TypeError, match="不可修改"):
        entry.save()
    with pytest.raises(TypeError, match="不可删除"):
        entry.delete()
    with pytest.raises(TypeError, match="不可修改"):
        AuditEntry.objects.filter(pk=entry.pk).update(note="篡改")
    with pytest.raises(TypeError, match="不可删除"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.note != "篡改"


def test_no_page_edits_or_deletes_entries(users, login):
    from django.urls import get_resolver

    c = login(users.audit_admin)
    count = AuditEntry.objects.count()
    assert c.post("/audit/", {"action": "delete"}).status_code == 405
    entry = AuditEntry.objects.first()
    for url in (f"/audit/{entry.pk}/", f"/audit/{entry.pk}/edit/", f"/audit/{entry.pk}/delete/"):
        assert c.post(url).status_code == 404
    assert AuditEntry.objects.count() == count
    # The audit app's URLs: the list, nothing else.
    audit_patterns = get_resolver().url_patterns
    names = [p for p in audit_patterns if getattr(p, "app_name", None) == "audit"]
    assert [u.name for u in names[0].url_patterns] == ["entry_list"]


def test_login_writes_carry_the_request_id(users, client):
    r = client.post("/accounts/login/", {"username": "sec_a", "password": PASSWORD})
    entry = AuditEntry.objects.get(action=Action.LOGIN, actor=users.sec_a)
    assert r["X-Request-ID"] == entry.request_id and len(entry.request_id) == 32
    client.post("/accounts/logout/")
    r = client.post("/accounts/login/", {"username": "sec_b", "password": "nope"})
    failed = AuditEntry.objects.get(action=Action.LOGIN_FAILED)
    assert failed.request_id == r["X-Request-ID"] and failed.object_repr == "sec_b"
