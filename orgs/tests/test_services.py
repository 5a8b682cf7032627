from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.roles import Role
from audit.models import AuditEntry
from conftest import make_user
from core.errors import BusinessRuleError, NotInScope, StaleEdit
from core.models import RuleVersion
from core.scoping import SYSTEM, PermissionDenied
from orgs import services
from orgs.models import Organization, Term


def paths():
    return dict(Organization.objects.values_list("code", "path"))


@pytest.mark.django_db
class TestTree:
    def test_path_and_depth_derive_from_parent(self, tree):
        assert tree.root.path == f"{tree.root.pk:08d}/" and tree.root.depth == 0
        assert tree.ca_g1.path == f"{tree.root.pk:08d}/{tree.ca.pk:08d}/{tree.ca_b1.pk:08d}/{tree.ca_g1.pk:08d}/"
        assert tree.ca_g1.depth == 3

    def test_subtree_is_a_path_range(self, tree):
        codes = set(tree.ca.subtree().values_list("code", flat=True))
        assert codes == {"CA", "CA-B1", "CA-B2", "CA-B1-G1"}
        assert "CA" not in set(tree.ca.subtree(include_self=False).values_list("code", flat=True))

    def test_move_rewrites_the_whole_subtree(self, users):
        t = users
        services.move_organization(t.org_admin, t.ca_b1, t.cb)
        moved = Organization.objects.get(code="CA-B1-G1")
        assert moved.path.startswith(Organization.objects.get(code="CB").path)
        assert moved.depth == 3
        assert Organization.objects.get(code="CA-B1").parent_id == t.cb.pk
        assert services.check_tree() == []
        assert AuditEntry.objects.filter(action="move", model="orgs.organization", object_id=str(t.ca_b1.pk)).exists()
        # The college-A secretary no longer sees the moved branch; college B's does.
        assert not Organization.objects.restrict(t.sec_a).filter(code="CA-B1-G1").exists()
        assert Organization.objects.restrict(t.sec_b).filter(code="CA-B1-G1").exists()

    def test_move_into_own_subtree_is_refused_and_changes_nothing(self, users):
        before = paths()
        with pytest.raises(BusinessRuleError, match="下级组织"):
            services.move_organization(users.org_admin, users.ca, users.ca_b1)
        with pytest.raises(BusinessRuleError):
            services.move_organization(users.org_admin, users.ca, users.ca)
        assert paths() == before

    def test_move_checks_kinds(self, users):
        with pytest.raises(BusinessRuleError, match="党小组下不能设立"):
            services.move_organization(users.org_admin, users.cb_b1, users.ca_g1)

    def test_move_needs_scope_on_both_ends(self, users):
        admin_a = make_user("admin_a", Role.ORG_ADMIN, users.ca)
        before = paths()
        with pytest.raises(NotInScope):
            services.move_organization(admin_a, users.ca_b2, users.cb)
        with pytest.raises(PermissionDenied):
            services.move_organization(users.sec_a, users.ca_b2, users.ca_b1)
        assert paths() == before

    def test_stale_move_is_refused(self, users):
        with pytest.raises(StaleEdit):
            services.move_organization(users.org_admin, users.ca_b1, users.cb, expected_version=99)

    def test_check_and_rebuild_commands(self, tree, capsys):
        Organization.objects.filter(pk=tree.ca_b1.pk).update(path="broken/", depth=9)
        with pytest.raises(CommandError, match="1 个组织"):
            call_command("check_tree")
        call_command("rebuild_tree")
        call_command("check_tree")
        assert "组织树一致" in capsys.readouterr().out
        assert Organization.objects.get(pk=tree.ca_b1.pk).depth == 2

    def test_rebuild_detects_a_cycle(self, tree):
        Organization.objects.filter(pk=tree.root.pk).update(parent=tree.ca_b1)
        with pytest.raises(BusinessRuleError, match="循环"):
            services.rebuild_tree()


@pytest.mark.django_db
class TestWrites:
    def test_create_checks_kind_rules(self, users):
        with pytest.raises(ValidationError):
            services.create_organization(SYSTEM, code="X", name="错误", kind="branch", parent=None)
        with pytest.raises(PermissionDenied):  # nobody but the system creates a second root
            services.create_organization(users.org_admin, code="X", name="根", kind="committee", parent=None)
        with pytest.raises(ValidationError):
            services.create_organization(users.org_admin, code="X", name="错误", kind="committee", parent=users.ca_g1)

    def test_create_is_scoped_and_audited(self, users):
        with pytest.raises(PermissionDenied):
            services.create_organization(users.sec_a, code="NEW", name="新支部", kind="branch", parent=users.ca)
        single = make_user("single_ca", Role.ORG_ADMIN, users.ca, include_subtree=False)
        with pytest.raises(PermissionDenied):  # a role on CA alone does not reach CA's new children
            services.create_organization(single, code="NEW", name="新支部", kind="branch", parent=users.ca)
        org = services.create_organization(users.org_admin, code="NEW", name="新支部", kind="branch", parent=users.ca)
        entry = AuditEntry.objects.get(action="create", model="orgs.organization", object_id=str(org.pk))
        assert entry.actor == users.org_admin and entry.after["code"] == "NEW"

    def test_update_refuses_stale_version_and_keeps_newer_value(self, users):
        org = users.ca_b1
        services.update_organization(users.org_admin, org, {"name": "新名称"}, expected_version=1)
        with pytest.raises(StaleEdit):
            services.update_organization(users.org_admin, org, {"name": "旧表单"}, expected_version=1)
        assert Organization.objects.get(pk=org.pk).name == "新名称"

    def test_delete_with_children_or_members_is_refused(self, people):
        with pytest.raises(BusinessRuleError, match="下级组织"):
            services.delete_organization(SYSTEM, people.ca)
        with pytest.raises(BusinessRuleError, match="人员"):
            services.delete_organization(SYSTEM, people.cb_b1)
        assert Organization.objects.filter(pk=people.cb_b1.pk).exists()

    def test_delete_empty_leaf(self, users):
        services.delete_organization(users.org_admin, users.ca_g1)
        assert not Organization.objects.filter(code="CA-B1-G1").exists()
        assert AuditEntry.objects.filter(action="delete", model="orgs.organization",
                                         object_id=str(users.ca_g1.pk)).exists()

    def test_dissolve_keeps_history_and_refuses_with_members(self, people):
        with pytest.raises(BusinessRuleError, match="组织关系"):
            services.dissolve_organization(SYSTEM, people.cb_b1, date.today())
        services.dissolve_organization(SYSTEM, people.ca_g1, date.today())
        assert Organization.objects.get(pk=people.ca_g1.pk).dissolved_on == date.today()
        with pytest.raises(BusinessRuleError, match="已经撤销"):
            services.dissolve_organization(SYSTEM, people.ca_g1, date.today())

    def test_dissolve_refuses_with_active_children_and_future_dates(self, tree):
        with pytest.raises(BusinessRuleError, match="下级组织"):
            services.dissolve_organization(SYSTEM, tree.ca, date.today())
        with pytest.raises(BusinessRuleError, match="晚于今天"):
            services.dissolve_organization(SYSTEM, tree.ca_g1, date.today() + timedelta(days=1))


@pytest.mark.django_db
class TestTerms:
    def test_due_date_follows_the_configured_length(self, tree):
        branch_term = services.create_term(SYSTEM, tree.ca_b1, date(2024, 2, 29))
        assert branch_term.due_on == date(2027, 2, 28)
        committee_term = services.create_term(SYSTEM, tree.ca, date(2021, 6, 1))
        assert committee_term.due_on == date(2026, 6, 1)

    def test_rule_change_applies_from_its_date_and_to_its_subtree(self, tree):
        RuleVersion.objects.create(key="term.years.branch", effective_from=date(2025, 1, 1), value=2,
                                   scope_path=tree.cb.path)
        assert services.create_term(SYSTEM, tree.cb_b1, date(2025, 3, 1)).due_on == date(2027, 3, 1)
        # Before the override's date, and outside its subtree, the default stands.
        assert services.create_term(SYSTEM, tree.cb_b1, date(2024, 3, 1), number=9).due_on == date(2027, 3, 1)
        assert services.create_term(SYSTEM, tree.ca_b1, date(2025, 3, 1)).due_on == date(2028, 3, 1)

    def test_status_overdue_and_due_soon(self, tree):
        term = services.create_term(SYSTEM, tree.ca_b1, date(2020, 1, 1))
        assert term.status(today=date(2023, 1, 2)) == "overdue"
        assert term.status(today=date(2022, 11, 1)) == "due_soon"
        assert term.status(today=date(2021, 1, 1)) == "current"
        term.elected_on = date(2022, 12, 20)
        assert term.status(today=date(2023, 1, 2)) == "done"
        assert Term.objects.count() == 1


@pytest.mark.django_db
class TestElections:
    def test_election_closes_the_term_and_opens_the_next(self, users):
        services.create_term(SYSTEM, users.ca_b1, date(2020, 1, 1))
        nxt = services.record_election(users.org_admin, users.ca_b1, date(2023, 3, 1))
        assert (nxt.number, nxt.started_on, nxt.due_on) == (2, date(2023, 3, 1), date(2026, 3, 1))
        first = Term.objects.get(organization=users.ca_b1, number=1)
        assert first.elected_on == date(2023, 3, 1) and first.status() == "done"
        assert AuditEntry.objects.filter(model="orgs.term", action="update", object_id=str(first.pk)).exists()

    def test_election_refusals_change_nothing(self, users):
        with pytest.raises(BusinessRuleError, match="还没有登记届次"):
            services.record_election(users.org_admin, users.ca_b1, date(2023, 3, 1))
        services.create_term(SYSTEM, users.ca_b1, date(2020, 1, 1))
        with pytest.raises(BusinessRuleError, match="早于本届开始"):
            services.record_election(users.org_admin, users.ca_b1, date(2019, 3, 1))
        with pytest.raises(BusinessRuleError, match="晚于今天"):
            services.record_election(users.org_admin, users.ca_b1, date.today() + timedelta(days=2))
        with pytest.raises(NotInScope):
            services.record_election(users.sec_b, users.ca_b1, date(2023, 3, 1))
        assert Term.objects.filter(organization=users.ca_b1).count() == 1

    def test_late_election_is_noted(self, users):
        services.create_term(SYSTEM, users.ca_b1, date(2015, 1, 1))
        services.record_election(users.org_admin, users.ca_b1, date(2019, 6, 1))
        entry = AuditEntry.objects.get(model="orgs.term", action="update")
        assert "超过一年须经批准" in entry.note

    def test_views(self, users, login):
        c = login(users.sec_a)  # secretaries may record terms (roles.py: orgs.term add/change)
        r = c.post(f"/orgs/{users.ca_b1.pk}/terms/add/", {"number": 1, "started_on": "2021-05-01", "note": ""})
        assert r.status_code == 302
        r = c.get(f"/orgs/{users.ca_b1.pk}/?tab=committee")
        assert "2024年5月1日" in r.content.decode() and "登记换届选举" in r.content.decode()
        assert c.get(f"/orgs/{users.cb_b1.pk}/terms/add/").status_code == 404


@pytest.mark.django_db
def test_home_shows_counts_and_term_warnings_in_scope(users, login):
    from orgs.reminders import term_warnings

    today = date.today()
    services.create_term(SYSTEM, users.ca_b1, today.replace(year=today.year - 4))   # overdue
    services.create_term(SYSTEM, users.cb_b1, today.replace(year=today.year - 3) + timedelta(days=30))  # due soon
    services.create_term(SYSTEM, users.ca_b2, today.replace(year=today.year - 1))   # current
    assert [(t.organization.code, s) for t, s in term_warnings(users.org_admin)] == [
        ("CA-B1", "overdue"), ("CB-B1", "due_soon")]
    assert [t.organization.code for t, _s in term_warnings(users.sec_a)] == ["CA-B1"]
    body = login(users.sec_a).get("/").content.decode()
    assert "甲学院教工第一党支部" in body and "已逾期" in body and "乙学院教工党支部" not in body
