"""The API's common behaviour: authentication, the account gates, 404-versus-403, errors, the schema and
the offline docs page."""
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import get_resolver

from audit.models import AuditEntry
from conftest import make_user
from core.viewsets import ScopedViewSet, action_for
from orgs.models import Organization
from qiangji.api_urls import router

RESOURCES = ["/api/organizations/", "/api/people/", "/api/memberships/", "/api/role-assignments/"]


def test_action_map():
    assert [action_for(a) for a in ("list", "retrieve", "create", "update", "partial_update", "destroy")] == [
        "view", "view", "add", "change", "change", "delete"]


def test_every_api_viewset_is_scoped_filtered_and_writes_through_services():
    assert len(router.registry) >= 4
    for _prefix, viewset, _basename in router.registry:
        assert issubclass(viewset, ScopedViewSet), viewset
        assert viewset.filterset_class is not None, viewset
        # serializer.save() would skip the services' scope re-check and audit row.
        assert viewset.perform_create is ScopedViewSet.perform_create, viewset
        assert viewset.perform_update is ScopedViewSet.perform_update, viewset
        assert viewset.get_queryset is ScopedViewSet.get_queryset, viewset


@pytest.mark.django_db
class TestAuthentication:
    @pytest.mark.parametrize("url", [*RESOURCES, "/api/users/", "/api/"])
    def test_anonymous_gets_401_with_token_challenge(self, client, url):
        response = client.get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Token")

    def test_bad_token_is_401(self, client, users):
        response = client.get("/api/organizations/", HTTP_AUTHORIZATION="Token not-a-real-token")
        assert response.status_code == 401

    def test_session_works(self, login, users):
        response = login(users.sec_a).get("/api/organizations/")
        assert response.status_code == 200

    def test_initial_password_must_be_changed_first(self, client, users):
        fresh = make_user("fresh_user")
        fresh.must_change_password = True
        fresh.save(update_fields=["must_change_password"])
        client.force_login(fresh)
        for url in ("/api/organizations/", "/api/"):
            response = client.get(url)
            assert response.status_code == 403
            assert "修改初始密码" in response.json()["detail"]

    def test_administrator_needs_the_second_factor(self, client, login, users):
        client.force_login(users.sec_admin)  # password only, no TOTP step
        response = client.get("/api/role-assignments/")
        assert response.status_code == 403
        assert "二次验证" in response.json()["detail"]
        assert login(users.sec_admin).get("/api/role-assignments/").status_code == 200


@pytest.mark.django_db
class TestScoping:
    def test_outside_view_scope_is_404_for_every_action(self, login, users):
        c = login(users.sec_a)
        pk = users.cb_b1.pk
        assert c.get(f"/api/organizations/{pk}/").status_code == 404
        assert c.patch(f"/api/organizations/{pk}/", {"name": "x", "version": 1},
                       content_type="application/json").status_code == 404
        assert c.delete(f"/api/organizations/{pk}/").status_code == 404
        assert c.post(f"/api/organizations/{pk}/dissolve/", {"dissolved_on": "2024-01-01", "version": 1},
                      content_type="application/json").status_code == 404
        response = c.get("/api/organizations/999999/")
        assert response.status_code == 404 and response.json() == {"detail": "未找到该记录"}
        assert Organization.objects.get(pk=pk).name == "乙学院教工党支部"

    def test_inside_view_scope_without_the_right_is_403(self, login, users):
        c = login(users.sec_a)  # secretaries read organisations, they do not edit them
        pk = users.ca_b1.pk
        response = c.patch(f"/api/organizations/{pk}/", {"name": "x", "version": 1}, content_type="application/json")
        assert response.status_code == 403
        assert c.delete(f"/api/organizations/{pk}/").status_code == 403
        assert c.post("/api/organizations/", {"parent": "CA", "code": "N1", "name": "新支部", "kind": "branch"},
                      content_type="application/json").status_code == 403
        assert not Organization.objects.filter(code="N1").exists()
        assert Organization.objects.get(pk=pk).name == "甲学院教工第一党支部"

    def test_no_role_sees_nothing(self, login, users):
        c = login(users.nobody)
        for url in RESOURCES:
            response = c.get(url)
            assert response.status_code == 200 and response.json()["count"] == 0, url
        assert c.get(f"/api/organizations/{users.root.pk}/").status_code == 404

    def test_update_needs_the_version_read(self, login, users):
        c = login(users.org_admin)
        response = c.patch(f"/api/organizations/{users.ca_b1.pk}/", {"name": "新名称"},
                           content_type="application/json")
        assert response.status_code == 400 and "version" in response.json()
        assert Organization.objects.get(pk=users.ca_b1.pk).name == "甲学院教工第一党支部"

    def test_stale_edit_is_409_with_the_chinese_reason(self, login, users):
        c = login(users.org_admin)
        url = f"/api/organizations/{users.ca_b1.pk}/"
        assert c.patch(url, {"name": "第一次", "version": 1}, content_type="application/json").status_code == 200
        response = c.patch(url, {"name": "旧表单", "version": 1}, content_type="application/json")
        assert response.status_code == 409
        assert "已被他人修改" in response.json()["detail"]
        assert Organization.objects.get(pk=users.ca_b1.pk).name == "第一次"
        assert AuditEntry.objects.filter(action="update", object_id=str(users.ca_b1.pk)).count() == 1


@pytest.mark.django_db
class TestSchemaAndDocs:
    def test_schema_lists_the_resources(self, login, users):
        response = login(users.sec_a).get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        schema = response.json()
        assert schema["openapi"].startswith("3.")
        for url in RESOURCES + ["/api/token/"]:
            assert url in schema["paths"], url
        assert "tokenAuth" in schema["components"]["securitySchemes"]
        # No password (or its hash) is part of any response shape.
        for name, component in schema["components"]["schemas"].items():
            if name.startswith(("User", "RoleAssignment", "PaginatedUser", "PaginatedRoleAssignment")):
                assert "password" not in component.get("properties", {}), name

    def test_docs_page_loads_nothing_from_outside(self, client, db):
        response = client.get("/api/docs/")
        assert response.status_code == 200
        html = response.content.decode()
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", html)
        assert len(urls) >= 3  # the css, the bundle and the preset at least
        for url in urls:
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", url, re.I), url
            assert url.startswith("/static/") or not url.startswith("/"), url
            if url.startswith("/static/"):
                assert finders.find(url.removeprefix("/static/")), f"{url} is not served by this server"
        assert "https://" not in html and "http://" not in html
        assert '"validatorUrl": null' in html  # no validator badge fetched from swagger.io


def test_api_urls_are_routed():
    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    assert {"api-token", "api-schema", "api-docs", "organization-list", "person-list", "membership-list",
            "roleassignment-list"} <= names
