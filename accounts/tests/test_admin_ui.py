"""The three administrators' pages (issue section 5): system admin manages accounts, security admin roles,
audit admin the log; none can do another's job, and none of them sees people."""
import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import RoleAssignment, User
from accounts.roles import Role
from audit.models import Action, AuditEntry
from conftest import PASSWORD, make_person


def entries(action, **filters):
    return AuditEntry.objects.filter(action=action, **filters)


# --- system administrator: accounts ---------------------------------------------------------------

def test_sysadmin_creates_a_user_with_a_temporary_password(users, login, client):
    c = login(users.sys_admin)
    assert c.get("/accounts/users/add/").status_code == 200
    r = c.post("/accounts/users/add/", {"username": "liming", "name": "李明", "id_number": users.li.id_number.lower()})
    assert r.status_code == 200
    assert "no-store" in r["Cache-Control"]
    password = r.context["password"]
    assert password in r.content.decode()
    user = User.objects.get(username="liming")
    assert user.get_full_name() == "李明" and user.person == users.li
    assert user.must_change_password and user.check_password(password)
    assert user.password.startswith("argon2")
    entry = entries(Action.CREATE, model="accounts.user", object_id=str(user.pk)).get()
    assert entry.actor == users.sys_admin and entry.request_id == r["X-Request-ID"]
    assert "password" not in entry.after and entry.after["person"] == users.li.pk
    # The password is not in the session's messages either: only on this page.
    assert password not in str(dict(c.session))


@pytest.mark.parametrize("id_number, message", [
    ("110101199003071234", "校验位错误"),
    ("11010119900307123", "18位"),
])
def test_create_user_rejects_bad_id_numbers(users, login, id_number, message):
    c = login(users.sys_admin)
    r = c.post("/accounts/users/add/", {"username": "x1", "name": "某某", "id_number": id_number})
    assert r.status_code == 200 and message in r.content.decode()
    assert not User.objects.filter(username="x1").exists()


def test_create_user_rejects_unknown_or_already_linked_person(users, login):
    from datetime import date

    from members.identity import make_id_number

    c = login(users.sys_admin)
    unknown = make_id_number("110101", date(1980, 1, 1), 999)
    r = c.post("/accounts/users/add/", {"username": "x2", "name": "某某", "id_number": unknown})
    assert "系统中没有该身份证号对应的人员" in r.content.decode()
    r = c.post("/accounts/users/add/", {"username": "x2", "name": "某某", "id_number": users.zhang.id_number})
    assert "该人员已关联账号 member_zhang" in r.content.decode()
    r = c.post("/accounts/users/add/", {"username": "SYSADMIN", "name": "某某"})
    assert "该账号已存在" in r.content.decode()
    assert not User.objects.filter(username="x2").exists()


def test_sysadmin_edits_name_and_disables(users, login, client):
    target = users.nobody
    c = login(users.sys_admin)
    r = c.get(f"/accounts/users/{target.pk}/edit/")
    assert r.status_code == 200
    r = c.post(f"/accounts/users/{target.pk}/edit/", {"name": "赵六", "is_active": "", "id_number": "",
                                                     "expected_version": target.version})
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.get_full_name() == "赵六" and not target.is_active and target.version == 2
    entry = entries(Action.UPDATE, model="accounts.user", object_id=str(target.pk)).get()
    assert entry.before["is_active"] is True and entry.after["is_active"] is False
    assert entry.after["last_name"] == "赵六" and entry.request_id == r["X-Request-ID"]
    # A stale form (version 1) is refused and changes nothing.
    r = c.post(f"/accounts/users/{target.pk}/edit/", {"name": "钱七", "is_active": "on", "expected_version": 1})
    assert r.status_code == 200 and "已被他人修改" in r.content.decode()
    target.refresh_from_db()
    assert target.get_full_name() == "赵六"


def test_sysadmin_cannot_disable_self_or_other_administrators(users, login):
    c = login(users.sys_admin)
    r = c.post(f"/accounts/users/{users.sys_admin.pk}/edit/", {"name": "系统", "is_active": "",
                                                               "expected_version": users.sys_admin.version})
    assert "不能停用自己的账号" in r.content.decode()
    r = c.post(f"/accounts/users/{users.audit_admin.pk}/edit/", {"name": "审计", "is_active": "",
                                                                 "expected_version": users.audit_admin.version})
    assert "三员分立" in r.content.decode()
    assert User.objects.filter(pk__in=[users.sys_admin.pk, users.audit_admin.pk], is_active=True).count() == 2


def test_sysadmin_resets_a_password(users, login, client, django_user_model):
    from django.test import Client

    victim = users.sec_a
    other = Client()
    other.force_login(victim)
    assert other.get("/").status_code == 200
    c = login(users.sys_admin)
    assert c.get(f"/accounts/users/{victim.pk}/reset-password/").status_code == 200
    r = c.post(f"/accounts/users/{victim.pk}/reset-password/")
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    password = r.context["password"]
    victim.refresh_from_db()
    assert victim.check_password(password) and not victim.check_password(PASSWORD)
    assert victim.must_change_password
    entry = entries(Action.PASSWORD, object_id=str(victim.pk)).get()
    assert entry.actor == users.sys_admin and entry.note == "重置密码" and entry.request_id == r["X-Request-ID"]
    # The victim's open session ends with the old password.
    assert other.get("/").status_code == 302


def test_sysadmin_cannot_reset_security_or_audit_admin_password(users, login):
    c = login(users.sys_admin)
    for target in (users.sec_admin, users.audit_admin):
        r = c.post(f"/accounts/users/{target.pk}/reset-password/")
        assert r.status_code == 200 and "三员分立" in r.content.decode()
        target.refresh_from_db()
        assert target.check_password(PASSWORD)
    assert not entries(Action.PASSWORD).exists()


def test_user_list_shows_actions_to_sysadmin_only(users, login, client):
    r = login(users.sys_admin).get("/accounts/users/")
    assert r.status_code == 200 and f"/accounts/users/{users.nobody.pk}/reset-password/" in r.content.decode()
    client.logout()
    r = login(users.sec_admin).get("/accounts/users/")
    assert r.status_code == 200 and "reset-password" not in r.content.decode()
    assert "/accounts/users/add/" not in r.content.decode()


# --- security administrator: roles ---------------------------------------------------------------

def test_secadmin_grants_a_role(users, login):
    c = login(users.sec_admin)
    r = c.get("/accounts/assignments/add/")
    assert r.status_code == 200
    # Organisations are chosen from the whole tree.
    assert all(o.code in r.content.decode() for o in (users.root, users.ca_g1, users.cb_b1))
    r = c.post("/accounts/assignments/add/", {"user": users.nobody.pk, "role": Role.SECRETARY,
                                              "organization": users.cb.pk, "include_subtree": "on", "note": "新任"})
    assert r.status_code == 302
    a = RoleAssignment.objects.get(user=users.nobody)
    assert (a.role, a.organization, a.include_subtree) == (Role.SECRETARY, users.cb, True)
    grant = entries(Action.GRANT, object_id=str(users.nobody.pk)).get()
    assert grant.actor == users.sec_admin and grant.after["role"] == Role.SECRETARY
    assert grant.request_id == r["X-Request-ID"]
    assert entries(Action.CREATE, model="accounts.roleassignment").filter(request_id=r["X-Request-ID"]).exists()
    # The role takes effect: the new secretary sees 乙学院's people, not 甲学院's.
    nobody = User.objects.get(pk=users.nobody.pk)
    from members.models import Person
    assert set(Person.objects.restrict(nobody)) == {users.wang}


def test_grant_form_errors(users, login):
    c = login(users.sec_admin)
    r = c.post("/accounts/assignments/add/", {"user": users.nobody.pk, "role": Role.AUDIT_ADMIN,
                                              "organization": users.ca.pk})
    assert "全局角色，不选择组织" in r.content.decode()
    r = c.post("/accounts/assignments/add/", {"user": users.nobody.pk, "role": Role.ORG_ADMIN})
    assert "请选择该角色所在的组织" in r.content.decode()
    r = c.post("/accounts/assignments/add/", {"user": users.nobody.pk, "role": Role.MEMBER,
                                              "organization": users.ca.pk})
    assert "须先为账号关联人员" in r.content.decode()
    r = c.post("/accounts/assignments/add/", {"user": users.sys_admin.pk, "role": Role.AUDIT_ADMIN})
    assert "须由不同账号担任" in r.content.decode()
    r = c.post("/accounts/assignments/add/", {"user": users.sys_admin.pk, "role": Role.ORG_ADMIN,
                                              "organization": users.root.pk})
    assert "不得同时担任其他角色" in r.content.decode()
    r = c.post("/accounts/assignments/add/", {"user": users.sec_admin.pk, "role": Role.SECURITY_ADMIN})
    assert "不能给自己授予角色" in r.content.decode()
    r = c.post("/accounts/assignments/add/", {"user": users.sec_admin.pk, "role": Role.ORG_ADMIN,
                                              "organization": users.root.pk})
    assert "不能给自己授予角色" in r.content.decode()
    assert not entries(Action.GRANT, actor=users.sec_admin).exists()
    assert RoleAssignment.objects.filter(user__in=[users.nobody, users.sys_admin, users.sec_admin]).count() == 2


def test_global_role_cannot_be_granted_twice(users):
    with pytest.raises(ValidationError, match="该账号已有此授权"):
        services.grant(users.sec_admin, users.audit_admin, Role.AUDIT_ADMIN)


def test_secadmin_revokes_with_confirmation(users, login):
    assignment = users.sec_a.role_assignments.get()
    c = login(users.sec_admin)
    r = c.get("/accounts/assignments/")
    assert f"/accounts/assignments/{assignment.pk}/revoke/" in r.content.decode()
    r = c.get(f"/accounts/assignments/{assignment.pk}/revoke/")
    assert r.status_code == 200 and "撤销后该账号立即失去" in r.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()  # GET changes nothing
    r = c.post(f"/accounts/assignments/{assignment.pk}/revoke/")
    assert r.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    revoke = entries(Action.REVOKE, object_id=str(users.sec_a.pk)).get()
    assert revoke.actor == users.sec_admin and revoke.before["role"] == Role.SECRETARY
    assert revoke.request_id == r["X-Request-ID"]
    assert entries(Action.DELETE, model="accounts.roleassignment", request_id=r["X-Request-ID"]).exists()


def test_secadmin_cannot_revoke_own_role(users, login):
    own = users.sec_admin.role_assignments.get()
    r = login(users.sec_admin).post(f"/accounts/assignments/{own.pk}/revoke/")
    assert "不能撤销自己的授权" in r.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


# --- separation of the three ----------------------------------------------------------------------

def test_sysadmin_cannot_do_the_others_jobs(users, login):
    c = login(users.sys_admin)
    assignment = users.sec_a.role_assignments.get()
    assert c.get("/accounts/assignments/").status_code == 403
    assert c.get("/accounts/assignments/add/").status_code == 403
    r = c.post("/accounts/assignments/add/", {"user": users.nobody.pk, "role": Role.ORG_ADMIN,
                                              "organization": users.root.pk})
    assert r.status_code == 403
    # Assignments are outside what the system administrator may view at all: not found.
    assert c.post(f"/accounts/assignments/{assignment.pk}/revoke/").status_code == 404
    assert c.get("/audit/").status_code == 403
    assert c.get("/audit/?export=xlsx").status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert not RoleAssignment.objects.filter(user=users.nobody).exists()


def test_secadmin_cannot_do_the_others_jobs(users, login):
    c = login(users.sec_admin)
    assert c.get("/accounts/users/add/").status_code == 403
    assert c.post("/accounts/users/add/", {"username": "x3", "name": "某某"}).status_code == 403
    assert c.post(f"/accounts/users/{users.nobody.pk}/edit/", {"name": "改", "expected_version": 1}).status_code == 403
    assert c.post(f"/accounts/users/{users.nobody.pk}/reset-password/").status_code == 403
    assert c.get("/audit/").status_code == 403
    assert not User.objects.filter(username="x3").exists()


def test_auditadmin_cannot_do_the_others_jobs(users, login):
    c = login(users.audit_admin)
    assert c.get("/accounts/users/").status_code == 403
    assert c.get("/accounts/users/add/").status_code == 403
    assert c.post("/accounts/users/add/", {"username": "x4", "name": "某某"}).status_code == 403
    assert c.get("/accounts/assignments/add/").status_code == 403
    r = c.post("/accounts/assignments/add/", {"user": users.nobody.pk, "role": Role.ORG_ADMIN,
                                              "organization": users.root.pk})
    assert r.status_code == 403
    assert c.get("/audit/").status_code == 200
    assert not User.objects.filter(username="x4").exists()
    assert not RoleAssignment.objects.filter(user=users.nobody).exists()


@pytest.mark.parametrize("who", ["sys_admin", "sec_admin", "audit_admin"])
def test_no_administrator_sees_people(users, login, who):
    c = login(getattr(users, who))
    r = c.get("/members/")
    assert r.status_code == 200
    assert r.context["page"].paginator.count == 0
    assert users.zhang.name not in r.content.decode()
    assert c.get(f"/members/{users.zhang.pk}/").status_code == 404
    assert c.get(f"/members/{users.zhang.pk}/edit/").status_code == 404
    r = c.get("/members/memberships/")
    assert r.context["page"].paginator.count == 0


def test_menu_shows_each_admin_page_only_to_its_administrator(users, login, client):
    expected = {
        "sys_admin": {"/accounts/users/"},
        "sec_admin": {"/accounts/users/", "/accounts/assignments/"},
        "audit_admin": {"/audit/"},
        "org_admin": set(),
        "member": set(),
    }
    for who, links in expected.items():
        client.logout()
        html = login(getattr(users, who)).get("/").content.decode()
        for link in ("/accounts/users/", "/accounts/assignments/", "/audit/"):
            assert (f'href="{link}"' in html) == (link in links), (who, link)


def test_admin_accounts_hold_no_other_role(users):
    make_person(users.ca_b1, "周八")
    with pytest.raises(ValidationError, match="不得同时担任其他角色"):
        services.grant(users.sec_admin, users.audit_admin, Role.SECRETARY, users.ca)
    with pytest.raises(ValidationError, match="不得同时担任其他角色"):
        services.grant(users.sec_admin, users.sec_a, Role.SYSTEM_ADMIN)


def test_sysadmin_links_a_person_later_and_secadmin_then_grants_member(users, login, client):
    c = login(users.sys_admin)
    r = c.post(f"/accounts/users/{users.nobody.pk}/edit/", {"name": "李明", "is_active": "on",
                                                           "id_number": users.li.id_number,
                                                           "expected_version": users.nobody.version})
    assert r.status_code == 302
    nobody = User.objects.get(pk=users.nobody.pk)
    assert nobody.person == users.li
    client.logout()
    r = login(users.sec_admin).post("/accounts/assignments/add/", {
        "user": nobody.pk, "role": Role.MEMBER, "organization": users.ca_b2.pk})
    assert r.status_code == 302
    client.logout()
    c = login(User.objects.get(pk=nobody.pk))
    assert c.get(f"/members/{users.li.pk}/").status_code == 200
    assert c.get(f"/members/{users.zhang.pk}/").status_code == 404
