"""/api/organizations/: scoped reads, filters, writes through orgs.services, optimistic locking."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from audit.models import AuditEntry
from conftest import PASSWORD, make_user
from orgs.models import Organization

URL = "/api/organizations/"
JSON = "application/json"


def codes(response):
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.django_db
class TestRead:
    def test_secretary_sees_her_subtree_only(self, login, users):
        c = login(users.sec_a)
        response = c.get(URL)
        assert response.json()["count"] == 4
        assert codes(response) == {"CA", "CA-B1", "CA-B2", "CA-B1-G1"}
        assert c.get(f"{URL}{users.cb_b1.pk}/").status_code == 404
        assert c.get(f"{URL}{users.root.pk}/").status_code == 404

    def test_detail_carries_path_depth_and_version(self, login, users):
        row = login(users.sec_a).get(f"{URL}{users.ca_g1.pk}/").json()
        assert row["path"] == users.ca_g1.path and row["depth"] == 3
        assert row["parent"] == users.ca_b1.pk and row["parent_code"] == "CA-B1"
        assert row["version"] == 1 and row["is_active"] is True

    def test_root_has_no_parent_code(self, login, users):
        row = login(users.org_admin).get(f"{URL}{users.root.pk}/").json()
        assert row["parent"] is None and row["parent_code"] is None

    def test_filters(self, login, users):
        c = login(users.org_admin)
        assert codes(c.get(URL, {"within": "CA"})) == {"CA", "CA-B1", "CA-B2", "CA-B1-G1"}
        assert codes(c.get(URL, {"kind": "branch"})) == {"CA-B1", "CA-B2", "CB-B1"}
        assert codes(c.get(URL, {"composition": "student"})) == {"CA-B2"}
        assert codes(c.get(URL, {"q": "乙学院"})) == {"CB", "CB-B1"}
        Organization.objects.filter(pk=users.ca_g1.pk).update(dissolved_on=date(2024, 1, 1))
        assert "CA-B1-G1" not in codes(c.get(URL, {"active": "true"}))
        assert codes(c.get(URL, {"active": "false"})) == {"CA-B1-G1"}

    def test_within_cannot_anchor_on_an_organisation_out_of_scope(self, login, users):
        assert codes(login(users.sec_a).get(URL, {"within": "CB"})) == set()

    def test_pagination(self, login, users):
        c = login(users.org_admin)
        first = c.get(URL, {"page_size": 3}).json()
        assert first["count"] == 7 and len(first["results"]) == 3
        assert "page=2" in first["next"] and first["previous"] is None
        last = c.get(URL, {"page_size": 3, "page": 3}).json()
        assert len(last["results"]) == 1 and last["next"] is None

    def test_list_query_count_does_not_grow_with_rows(self, login, users):
        c = login(users.org_admin)
        with CaptureQueriesContext(connection) as few:
            assert c.get(URL).json()["count"] == 7
        for i in range(20):
            Organization.objects.create(code=f"X{i}", name=f"新支部{i}", kind="branch", parent=users.cb)
        with CaptureQueriesContext(connection) as many:
            assert c.get(URL).json()["count"] == 27
        assert len(many) == len(few)

    def test_list_query_bound(self, login, users, django_assert_max_num_queries):
        c = login(users.sec_a)
        with django_assert_max_num_queries(8):
            c.get(URL)

    def test_token_authentication(self, client, users):
        response = client.post("/api/token/", {"username": "sec_a", "password": PASSWORD}, content_type=JSON)
        assert response.status_code == 200
        token = response.json()["token"]
        listed = client.get(URL, HTTP_AUTHORIZATION=f"Token {token}")
        assert codes(listed) == {"CA", "CA-B1", "CA-B2", "CA-B1-G1"}


@pytest.mark.django_db
class TestWrite:
    def test_org_admin_creates_under_a_parent_given_by_code(self, login, users):
        c = login(users.org_admin)
        response = c.post(URL, {"parent": "CA", "code": "CA-B3", "name": "甲学院第三党支部", "kind": "branch",
                                "composition": "teacher", "established_on": "2024-09-01"}, content_type=JSON)
        assert response.status_code == 201, response.content
        row = response.json()
        org = Organization.objects.get(code="CA-B3")
        assert row["id"] == org.pk and row["parent"] == users.ca.pk
        assert org.path == users.ca.path + f"{org.pk:08d}/" and row["depth"] == 2
        entry = AuditEntry.objects.get(action="create", model="orgs.organization", object_id=str(org.pk))
        assert entry.actor == users.org_admin

    def test_unit_is_chosen_from_the_installation_wide_list(self, login, users):
        from orgs.models import Unit

        unit = Unit.objects.create(code="U1", name="甲学院")
        c = login(users.org_admin)
        response = c.patch(f"{URL}{users.ca.pk}/", {"unit": unit.pk, "version": 1}, content_type=JSON)
        assert response.status_code == 200 and response.json()["unit"] == unit.pk
        response = c.patch(f"{URL}{users.ca.pk}/", {"unit": 999999, "version": 2}, content_type=JSON)
        assert response.status_code == 400 and "unit" in response.json()

    def test_create_by_parent_id_and_kind_rules(self, login, users):
        c = login(users.org_admin)
        ok = c.post(URL, {"parent": users.ca.pk, "code": "CA-GB", "name": "总支", "kind": "general_branch"},
                    content_type=JSON)
        assert ok.status_code == 201
        bad = c.post(URL, {"parent": "CA-B1-G1", "code": "BAD", "name": "错", "kind": "branch"}, content_type=JSON)
        assert bad.status_code == 400 and "不能设立" in str(bad.json())
        assert not Organization.objects.filter(code="BAD").exists()

    def test_create_outside_scope_is_not_found_and_writes_nothing(self, login, users):
        college_admin = make_user("ca_admin", Role.ORG_ADMIN, users.ca)
        c = login(college_admin)
        before = AuditEntry.objects.count()
        response = c.post(URL, {"parent": "CB", "code": "CB-B9", "name": "越权支部", "kind": "branch"},
                          content_type=JSON)
        assert response.status_code == 400
        assert "未找到组织" in str(response.json()["parent"])
        assert "乙学院" not in response.content.decode()
        response = c.post(URL, {"parent": users.cb.pk, "code": "CB-B9", "name": "越权支部", "kind": "branch"},
                          content_type=JSON)
        assert response.status_code == 400
        assert not Organization.objects.filter(code="CB-B9").exists()
        assert AuditEntry.objects.count() == before

    def test_update_with_version(self, login, users):
        c = login(users.org_admin)
        url = f"{URL}{users.ca_b1.pk}/"
        response = c.patch(url, {"name": "甲学院教工党支部", "short_name": "教工支部", "version": 1}, content_type=JSON)
        assert response.status_code == 200, response.content
        assert response.json()["version"] == 2 and response.json()["name"] == "甲学院教工党支部"
        entry = AuditEntry.objects.get(action="update", object_id=str(users.ca_b1.pk))
        assert entry.before["name"] == "甲学院教工第一党支部" and entry.after["short_name"] == "教工支部"

    def test_parent_cannot_be_changed_by_update(self, login, users):
        c = login(users.org_admin)
        response = c.patch(f"{URL}{users.ca_b1.pk}/", {"parent": users.cb.pk, "name": "改名", "version": 1},
                           content_type=JSON)
        assert response.status_code == 200
        assert Organization.objects.get(pk=users.ca_b1.pk).parent_id == users.ca.pk

    def test_stale_update_is_409_and_changes_nothing(self, login, users):
        c = login(users.org_admin)
        url = f"{URL}{users.cb_b1.pk}/"
        c.patch(url, {"note": "新备注", "version": 1}, content_type=JSON)
        response = c.put(url, {"code": "CB-B1", "name": "旧表单", "kind": "branch", "version": 1}, content_type=JSON)
        assert response.status_code == 409
        org = Organization.objects.get(pk=users.cb_b1.pk)
        assert org.name == "乙学院教工党支部" and org.note == "新备注" and org.version == 2

    def test_move(self, login, users):
        c = login(users.org_admin)
        response = c.post(f"{URL}{users.ca_b1.pk}/move/", {"parent": "CB", "version": 1}, content_type=JSON)
        assert response.status_code == 200, response.content
        row = response.json()
        assert row["parent"] == users.cb.pk and row["path"].startswith(users.cb.path)
        assert Organization.objects.get(code="CA-B1-G1").path.startswith(users.cb.path)
        assert AuditEntry.objects.filter(action="move", object_id=str(users.ca_b1.pk)).exists()
        # The college-A secretary no longer sees the branch that left her subtree.
        assert login(users.sec_a).get(f"{URL}{users.ca_b1.pk}/").status_code == 404

    def test_move_with_an_effective_date_keeps_the_past_tree(self, login, users):
        from datetime import date

        from orgs.history import path_on

        c = login(users.org_admin)
        old_path = users.ca_b1.path
        response = c.post(f"{URL}{users.ca_b1.pk}/move/", {"parent": "CB", "version": 1, "on_date": "2024-07-01"},
                          content_type=JSON)
        assert response.status_code == 200, response.content
        assert path_on(users.ca_b1, date(2024, 6, 30)) == old_path
        assert path_on(users.ca_b1, date(2024, 7, 1)).startswith(users.cb.path)
        # A date in the future is refused with the reason, and nothing moves.
        response = c.post(f"{URL}{users.ca_b2.pk}/move/", {"parent": "CB", "version": 1, "on_date": "2999-01-01"},
                          content_type=JSON)
        assert response.status_code == 400 and Organization.objects.get(pk=users.ca_b2.pk).parent_id == users.ca.pk

    def test_move_into_own_subtree_and_stale_move_are_refused(self, login, users):
        c = login(users.org_admin)
        response = c.post(f"{URL}{users.ca.pk}/move/", {"parent": "CA-B1", "version": 1}, content_type=JSON)
        assert response.status_code == 400 and "下级组织" in response.json()["detail"]
        response = c.post(f"{URL}{users.ca_b1.pk}/move/", {"parent": "CB", "version": 7}, content_type=JSON)
        assert response.status_code == 409
        assert Organization.objects.get(pk=users.ca_b1.pk).parent_id == users.ca.pk
        assert not AuditEntry.objects.filter(action="move").exists()

    def test_secretary_cannot_move(self, login, users):
        response = login(users.sec_a).post(f"{URL}{users.ca_b2.pk}/move/", {"parent": "CA", "version": 1},
                                           content_type=JSON)
        assert response.status_code == 403

    def test_dissolve(self, login, users):
        c = login(users.org_admin)
        response = c.post(f"{URL}{users.ca_g1.pk}/dissolve/", {"dissolved_on": str(date.today()), "version": 1},
                          content_type=JSON)
        assert response.status_code == 200, response.content
        assert response.json()["dissolved_on"] == str(date.today()) and response.json()["is_active"] is False
        assert AuditEntry.objects.filter(action="dissolve", object_id=str(users.ca_g1.pk)).exists()

    def test_dissolve_with_current_members_is_refused(self, login, users):
        response = login(users.org_admin).post(f"{URL}{users.cb_b1.pk}/dissolve/",
                                               {"dissolved_on": str(date.today()), "version": 1}, content_type=JSON)
        assert response.status_code == 400
        assert Organization.objects.get(pk=users.cb_b1.pk).dissolved_on is None

    def test_delete_with_history_is_refused_with_the_reason(self, login, users):
        c = login(users.org_admin)
        response = c.delete(f"{URL}{users.ca.pk}/")
        assert response.status_code == 400 and "下级组织" in response.json()["detail"]
        response = c.delete(f"{URL}{users.cb_b1.pk}/")
        assert response.status_code == 400 and "撤销" in response.json()["detail"]
        assert Organization.objects.filter(pk__in=[users.ca.pk, users.cb_b1.pk]).count() == 2

    def test_delete_empty_leaf(self, login, users):
        response = login(users.org_admin).delete(f"{URL}{users.ca_g1.pk}/")
        assert response.status_code == 204
        assert not Organization.objects.filter(pk=users.ca_g1.pk).exists()
        assert AuditEntry.objects.filter(action="delete", object_id=str(users.ca_g1.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["CA\x00", 2 ** 70, str(2 ** 70), -1])
def test_organisation_values_no_row_can_hold_are_not_found(users, value):
    from rest_framework.test import APIClient

    from members.identity import make_id_number

    client = APIClient()
    client.force_authenticate(users.org_admin)
    r = client.post("/api/people/", {"name": "周", "id_number": make_id_number("440305", date(1990, 1, 1), 5),
                                     "category": "staff", "organization": value}, format="json")
    assert r.status_code in (400, 404), r.content
    assert "未找到组织" in r.content.decode()
