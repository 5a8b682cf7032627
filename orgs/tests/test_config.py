from datetime import date

import pytest

from audit.models import AuditEntry
from core.models import RuleVersion
from core.rules import rule_value
from orgs.models import Unit


@pytest.mark.django_db
class TestConfiguration:
    def test_system_admin_adds_a_subtree_rule_version_and_it_takes_effect(self, users, login):
        c = login(users.sys_admin)
        r = c.post("/orgs/rules/add/", {"key": "term.years.branch", "effective_from": "2025-01-01", "value": "2",
                                        "organization": users.cb.pk, "note": "试点"})
        assert r.status_code == 302, r.content.decode()[:500]
        rv = RuleVersion.objects.get()
        assert rv.scope_path == users.cb.path and rv.value == 2
        assert rule_value("term.years.branch", date(2025, 6, 1), users.cb_b1.path) == 2
        assert rule_value("term.years.branch", date(2025, 6, 1), users.ca_b1.path) == 3
        assert AuditEntry.objects.filter(model="core.ruleversion", action="create", actor=users.sys_admin).exists()
        body = c.get("/orgs/rules/").content.decode()
        assert "乙学院党委（含下级）" in body and "党支部任期（年）" in body

    def test_duplicate_version_refused(self, users, login):
        c = login(users.sys_admin)
        data = {"key": "term.warn_days", "effective_from": "2025-01-01", "value": "60", "note": ""}
        c.post("/orgs/rules/add/", data)
        r = c.post("/orgs/rules/add/", {**data, "value": "30"})
        assert "已有版本" in r.content.decode() and RuleVersion.objects.get().value == 60

    def test_units(self, users, login):
        c = login(users.sys_admin)
        r = c.post("/orgs/units/add/", {"code": "CS", "name": "计算机学院", "kind": "college", "sort_order": 1})
        assert r.status_code == 302 and Unit.objects.get(code="CS").name == "计算机学院"
        assert "计算机学院" in c.get("/orgs/units/").content.decode()

    def test_only_the_system_admin_configures(self, users, login):
        for user in (users.org_admin, users.sec_admin, users.audit_admin, users.sec_a):
            c = login(user)
            r = c.post("/orgs/rules/add/", {"key": "term.warn_days", "effective_from": "2025-01-01", "value": "1"})
            assert r.status_code == 403, user
        assert not RuleVersion.objects.exists()
