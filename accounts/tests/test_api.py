"""/api/role-assignments/, /api/users/ and /api/token/: only the security administrator grants roles,
nothing leaks password hashes, and tokens follow the login page's rules."""
import pytest

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from audit.models import AuditEntry
from conftest import PASSWORD, make_user

URL = "/api/role-assignments/"
JSON = "application/json"


@pytest.mark.django_db
class TestRoleAssignments:
    def test_security_admin_lists_all_without_password_hashes(self, login, users):
        c = login(users.sec_admin)
        response = c.get(URL, {"page_size": 500})
        assert response.status_code == 200
        body = response.content.decode()
        assert response.json()["count"] == RoleAssignment.objects.count()
        assert '"password"' not in body and "argon2" not in body and "pbkdf2" not in body
        assert User.objects.get(pk=users.sec_a.pk).password not in body
        row = next(r for r in response.json()["results"] if r["username"] == "sec_a")
        assert row["role"] == "secretary" and row["organization_code"] == "CA" and row["include_subtree"] is True

    def test_users_endpoint_without_password_hashes(self, login, users):
        c = login(users.sec_admin)
        response = c.get("/api/users/", {"q": "sec_a"})
        assert response.status_code == 200
        assert [u["username"] for u in response.json()["results"]] == ["sec_a"]
        detail = c.get(f"/api/users/{users.sec_a.pk}/")
        assert "password" not in detail.json() and detail.json()["must_change_password"] is False
        body = detail.content.decode()
        assert User.objects.get(pk=users.sec_a.pk).password not in body and "argon2" not in body

    def test_other_roles_see_no_assignments_and_no_users(self, login, users):
        for user in (users.org_admin, users.sec_a, users.member):
            c = login(user)
            assert c.get(URL).json()["count"] == 0
            assert c.get("/api/users/").json()["count"] == 0
            mine = RoleAssignment.objects.filter(user=user).first()
            assert c.get(f"{URL}{mine.pk}/").status_code == 404

    def test_grant_and_revoke(self, login, users):
        c = login(users.sec_admin)
        response = c.post(URL, {"user": users.nobody.pk, "role": "secretary", "organization": "CB"},
                          content_type=JSON)
        assert response.status_code == 201, response.content
        assignment = RoleAssignment.objects.get(pk=response.json()["id"])
        assert (assignment.user, assignment.role, assignment.organization) == (users.nobody, "secretary", users.cb)
        assert AuditEntry.objects.filter(action="grant", object_id=str(users.nobody.pk)).exists()
        assert AuditEntry.objects.filter(action="create", model="accounts.roleassignment",
                                         object_id=str(assignment.pk)).exists()
        # The grant takes effect on the next request.
        nobody = User.objects.get(pk=users.nobody.pk)
        people = login(nobody).get("/api/people/").json()
        assert [p["name"] for p in people["results"]] == ["王芳"]

        c = login(users.sec_admin)
        response = c.delete(f"{URL}{assignment.pk}/")
        assert response.status_code == 204
        assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
        assert AuditEntry.objects.filter(action="revoke", object_id=str(users.nobody.pk)).exists()

    def test_grant_rules_in_chinese(self, login, users):
        c = login(users.sec_admin)
        response = c.post(URL, {"user": users.nobody.pk, "role": "audit_admin", "organization": "CA"},
                          content_type=JSON)
        assert response.status_code == 400 and "全局角色" in str(response.json())
        response = c.post(URL, {"user": users.nobody.pk, "role": "secretary"}, content_type=JSON)
        assert response.status_code == 400 and "请选择" in str(response.json())
        response = c.post(URL, {"user": users.sec_a.pk, "role": "secretary", "organization": "CA"},
                          content_type=JSON)
        assert response.status_code == 400  # already held
        response = c.post(URL, {"user": users.sys_admin.pk, "role": "audit_admin"}, content_type=JSON)
        assert response.status_code == 400 and "不同账号" in str(response.json())
        assert not RoleAssignment.objects.filter(user=users.nobody).exists()
        assert not AuditEntry.objects.filter(action="grant").exclude(actor=None).exists()

    def test_only_the_security_admin_grants(self, login, users):
        for user in (users.org_admin, users.sys_admin):
            c = login(user)
            response = c.post(URL, {"user": users.nobody.pk, "role": "org_admin", "organization": "ROOT"},
                              content_type=JSON)
            assert response.status_code == 403, user
            mine = RoleAssignment.objects.filter(user=users.sec_a).first()
            assert c.delete(f"{URL}{mine.pk}/").status_code == 404
        assert not RoleAssignment.objects.filter(user=users.nobody).exists()
        assert RoleAssignment.objects.filter(user=users.sec_a).exists()

    def test_assignments_are_not_edited(self, login, users):
        c = login(users.sec_admin)
        mine = RoleAssignment.objects.filter(user=users.sec_a).first()
        assert c.patch(f"{URL}{mine.pk}/", {"role": "org_admin"}, content_type=JSON).status_code == 405

    def test_list_query_count_does_not_grow_with_rows(self, login, users, django_assert_max_num_queries):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        c = login(users.sec_admin)
        with CaptureQueriesContext(connection) as few:
            c.get(URL)
        for i in range(10):
            make_user(f"extra{i}", Role.SECRETARY, users.cb)
        with CaptureQueriesContext(connection) as many:
            c.get(URL)
        assert len(many) == len(few)


@pytest.mark.django_db
class TestToken:
    def obtain(self, client, username, password=PASSWORD):
        return client.post("/api/token/", {"username": username, "password": password}, content_type=JSON)

    def test_token_works_and_the_exchange_is_audited(self, client, users):
        response = self.obtain(client, "sec_a")
        assert response.status_code == 200
        token = response.json()["token"]
        assert self.obtain(client, "sec_a").json()["token"] == token  # one token per account
        assert AuditEntry.objects.filter(action="login", object_repr="sec_a", note="获取接口令牌").count() == 2
        listed = client.get("/api/organizations/", HTTP_AUTHORIZATION=f"Token {token}")
        assert listed.status_code == 200 and listed.json()["count"] == 4

    def test_wrong_password_is_refused_and_counted_towards_the_lockout(self, client, users):
        response = self.obtain(client, "sec_a", "wrong-password")
        assert response.status_code == 400
        assert "用户名或密码错误" in str(response.json())
        assert AuditEntry.objects.filter(action="login_failed", object_repr="sec_a").count() == 1
        for _ in range(4):
            self.obtain(client, "sec_a", "wrong-password")
        response = self.obtain(client, "sec_a")  # the right password no longer helps
        assert response.status_code == 403 and "锁定" in response.json()["detail"]
        assert not AuditEntry.objects.filter(action="login", object_repr="sec_a").exists()

    def test_administrators_and_initial_passwords_get_no_token(self, client, users):
        for admin in ("secadmin", "sysadmin", "auditadmin"):
            response = self.obtain(client, admin)
            assert response.status_code == 403 and "二次验证" in response.json()["detail"], admin
        fresh = make_user("fresh_api")
        fresh.must_change_password = True
        fresh.save(update_fields=["must_change_password"])
        response = self.obtain(client, "fresh_api")
        assert response.status_code == 403 and "初始密码" in response.json()["detail"]
        from rest_framework.authtoken.models import Token

        assert not Token.objects.exists()

    def test_inactive_account_gets_no_token(self, client, users):
        User.objects.filter(pk=users.sec_a.pk).update(is_active=False)
        assert self.obtain(client, "sec_a").status_code == 400

    def test_token_of_an_account_later_made_administrator_stops_working(self, client, users):
        token = self.obtain(client, "sec_b").json()["token"]
        RoleAssignment.objects.create(user=users.sec_b, role=Role.SECURITY_ADMIN)
        response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 403 and "二次验证" in response.json()["detail"]
