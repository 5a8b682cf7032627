"""/api/people/ and /api/memberships/: scope, pinyin search, masking with its audit entry, writes through
members.services (create, update, transfer, status) with optimistic locking."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from conftest import PASSWORD, make_person
from members.identity import make_id_number, mask_id_number
from members.models import Membership, Person, StatusChange

URL = "/api/people/"
JSON = "application/json"


def names(response):
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def reveals():
    return AuditEntry.objects.filter(action="reveal")


def new_person(org_ref, name="新党员", **extra):
    return {"organization": org_ref, "name": name, "id_number": make_id_number("110101", date(1995, 3, 8), 123),
            "category": "student", "party_status": "activist", "joined_on": "2024-03-01", **extra}


@pytest.mark.django_db
class TestRead:
    def test_secretary_sees_her_college_only(self, login, users):
        c = login(users.sec_a)
        response = c.get(URL)
        assert response.json()["count"] == 2 and names(response) == {"张嘉恒", "李明"}
        assert c.get(f"{URL}{users.wang.pk}/").status_code == 404
        assert c.get(f"{URL}{users.zhang.pk}/").status_code == 200

    def test_no_role_sees_nobody(self, login, users):
        c = login(users.nobody)
        assert c.get(URL).json()["count"] == 0
        assert c.get(f"{URL}{users.zhang.pk}/").status_code == 404
        assert not reveals().exists()

    def test_member_sees_only_herself(self, login, users):
        response = login(users.member).get(URL)
        assert names(response) == {"张嘉恒"}

    def test_search_by_pinyin_initials_and_full_pinyin(self, login, users):
        c = login(users.org_admin)
        assert names(c.get(URL, {"q": "zjh"})) == {"张嘉恒"}
        assert names(c.get(URL, {"q": "wangfang"})) == {"王芳"}
        assert names(c.get(URL, {"q": "李"})) == {"李明"}

    def test_other_filters(self, login, users):
        c = login(users.org_admin)
        assert names(c.get(URL, {"category": "student"})) == {"李明"}
        assert names(c.get(URL, {"organization": users.ca.pk})) == {"张嘉恒", "李明"}
        assert names(c.get(URL, {"party_status": "members"})) == {"张嘉恒", "李明", "王芳"}
        assert names(c.get(URL, {"party_status": "probationary"})) == set()

    def test_organization_filter_offers_only_visible_organisations(self, login, users):
        response = login(users.sec_a).get(URL, {"organization": users.cb.pk})
        assert response.status_code == 400  # not a valid choice for her, as on the list page
        assert "王芳" not in response.content.decode()

    def test_pagination(self, login, users):
        c = login(users.org_admin)
        first = c.get(URL, {"page_size": 2}).json()
        assert first["count"] == 3 and len(first["results"]) == 2 and "page=2" in first["next"]
        second = c.get(first["next"]).json()
        assert len(second["results"]) == 1 and second["next"] is None

    def test_token_authentication(self, client, users):
        token = client.post("/api/token/", {"username": "sec_b", "password": PASSWORD},
                            content_type=JSON).json()["token"]
        assert names(client.get(URL, HTTP_AUTHORIZATION=f"Token {token}")) == {"王芳"}


@pytest.mark.django_db
class TestMasking:
    def test_secretary_sees_mobile_but_not_id_number_and_the_reveal_is_logged_once(self, login, users):
        rows = {r["name"]: r for r in login(users.sec_a).get(URL).json()["results"]}
        zhang = rows["张嘉恒"]
        assert zhang["mobile"] == "13812345678"  # secretaries hold view_mobile
        assert zhang["id_number"] == mask_id_number(users.zhang.id_number) != users.zhang.id_number
        assert zhang["id_number"][1:-1] == "*" * 16
        assert rows["李明"]["mobile"] == ""
        entry = reveals().get()
        assert entry.actor == users.sec_a
        assert entry.after == {"person_ids": [users.zhang.pk], "fields": ["mobile"]}
        assert "/api/people/" in entry.note and "手机号码" in entry.note

    def test_org_admin_sees_both_and_one_entry_lists_everyone_shown(self, login, users):
        rows = {r["name"]: r for r in login(users.org_admin).get(URL).json()["results"]}
        assert rows["王芳"]["id_number"] == users.wang.id_number and rows["王芳"]["mobile"] == "13900001111"
        entry = reveals().get()
        assert entry.after["person_ids"] == sorted([users.zhang.pk, users.li.pk, users.wang.pk])
        assert entry.after["fields"] == ["id_number", "mobile"]

    def test_detail_reveal_is_logged_on_the_person(self, login, users):
        row = login(users.member).get(f"{URL}{users.zhang.pk}/").json()
        assert row["id_number"] == users.zhang.id_number
        entry = reveals().get()
        assert entry.object_id == str(users.zhang.pk) and entry.actor == users.member

    def test_nothing_unmasked_writes_no_entry(self, login, users):
        rows = login(users.sec_a).get(URL, {"q": "lm"}).json()["results"]
        assert [r["name"] for r in rows] == ["李明"]
        assert not reveals().exists()

    def test_failed_request_writes_no_entry(self, login, users):
        assert login(users.sec_a).get(f"{URL}{users.wang.pk}/").status_code == 404
        assert not reveals().exists()

    def test_list_query_count_does_not_grow_with_rows(self, login, users, django_assert_max_num_queries):
        c = login(users.sec_a)
        with CaptureQueriesContext(connection) as few:
            assert c.get(URL).json()["count"] == 2
        for i in range(28):
            make_person(users.ca_b2 if i % 2 else users.ca_b1, f"学生{i}", mobile=f"1370000{i:04d}")
        with CaptureQueriesContext(connection) as many:
            response = c.get(URL)
        assert response.json()["count"] == 30
        assert len(many) == len(few)
        assert len(reveals().order_by("-id").first().after["person_ids"]) == 29
        with django_assert_max_num_queries(12):
            c.get(URL)


@pytest.mark.django_db
class TestCreate:
    def test_secretary_creates_in_her_branch(self, login, users):
        c = login(users.sec_a)
        response = c.post(URL, new_person("CA-B2", mobile="13600001234"), content_type=JSON)
        assert response.status_code == 201, response.content
        row = response.json()
        person = Person.objects.get(pk=row["id"])
        assert person.organization == users.ca_b2 and person.gender == "male"
        assert person.birth_date == date(1995, 3, 8)
        assert row["id_number"] != person.id_number  # she may not see ID numbers, not even ones she typed
        assert row["mobile"] == "13600001234"
        membership = Membership.objects.get(person=person)
        assert membership.organization == users.ca_b2 and membership.valid_from == date(2024, 3, 1)
        assert AuditEntry.objects.filter(action="create", model="members.person", object_id=str(person.pk)).exists()

    def test_create_in_another_college_is_not_found_and_writes_nothing(self, login, users):
        c = login(users.sec_a)
        people, audits = Person.objects.count(), AuditEntry.objects.count()
        for ref in ("CB-B1", users.cb_b1.pk, str(users.cb_b1.pk)):
            response = c.post(URL, new_person(ref), content_type=JSON)
            assert response.status_code == 400, ref
            assert "未找到组织" in str(response.json()["organization"])
            assert "乙学院" not in response.content.decode()
        assert Person.objects.count() == people and AuditEntry.objects.count() == audits
        assert not Membership.objects.filter(organization=users.cb_b1).exclude(person=users.wang).exists()

    def test_invalid_id_number_is_400_in_chinese(self, login, users):
        response = login(users.sec_a).post(URL, new_person("CA-B1", id_number="110101199503081234"),
                                           content_type=JSON)
        assert response.status_code == 400
        assert "校验位" in str(response.json())
        assert not Person.objects.filter(name="新党员").exists()

    def test_nobody_cannot_create(self, login, users):
        response = login(users.nobody).post(URL, new_person("CA-B1"), content_type=JSON)
        assert response.status_code == 403
        assert not Person.objects.filter(name="新党员").exists()

    def test_people_are_not_deleted_through_the_api(self, login, users):
        assert login(users.org_admin).delete(f"{URL}{users.li.pk}/").status_code == 405
        assert Person.objects.filter(pk=users.li.pk).exists()


@pytest.mark.django_db
class TestUpdate:
    def test_update_with_version(self, login, users):
        c = login(users.sec_a)
        response = c.patch(f"{URL}{users.li.pk}/", {"title": "班长", "version": 1}, content_type=JSON)
        assert response.status_code == 200, response.content
        assert response.json()["title"] == "班长" and response.json()["version"] == 2
        entry = AuditEntry.objects.get(action="update", object_id=str(users.li.pk))
        assert entry.after["title"] == "班长"

    def test_stale_version_is_409_and_unchanged(self, login, users):
        c = login(users.sec_a)
        c.patch(f"{URL}{users.li.pk}/", {"title": "班长", "version": 1}, content_type=JSON)
        response = c.patch(f"{URL}{users.li.pk}/", {"title": "旧值", "version": 1}, content_type=JSON)
        assert response.status_code == 409
        assert Person.objects.get(pk=users.li.pk).title == "班长"

    def test_out_of_scope_update_is_404(self, login, users):
        response = login(users.sec_a).patch(f"{URL}{users.wang.pk}/", {"title": "x", "version": 1}, content_type=JSON)
        assert response.status_code == 404
        assert Person.objects.get(pk=users.wang.pk).title == ""

    def test_masked_value_sent_back_is_ignored_and_hidden_field_cannot_be_overwritten(self, login, users):
        c = login(users.sec_a)
        url = f"{URL}{users.zhang.pk}/"
        shown = c.get(url).json()
        response = c.patch(url, {"id_number": shown["id_number"], "title": "教授", "version": 1}, content_type=JSON)
        assert response.status_code == 200, response.content
        other = make_id_number("440305", date(1990, 5, 17), 999)
        response = c.patch(url, {"id_number": other, "version": 2}, content_type=JSON)
        assert response.status_code == 400 and "无权" in str(response.json()["id_number"])
        zhang = Person.objects.get(pk=users.zhang.pk)
        assert zhang.id_number == users.zhang.id_number and zhang.title == "教授"

    def test_organisation_and_status_are_not_changed_by_update(self, login, users):
        c = login(users.org_admin)
        response = c.patch(f"{URL}{users.li.pk}/", {"organization": users.cb_b1.pk, "party_status": "none",
                                                     "version": 1}, content_type=JSON)
        assert response.status_code == 200
        li = Person.objects.get(pk=users.li.pk)
        assert li.organization == users.ca_b2 and li.party_status == "full"


@pytest.mark.django_db
class TestActions:
    def test_transfer(self, login, users):
        c = login(users.sec_a)
        response = c.post(f"{URL}{users.zhang.pk}/transfer/", {"to_organization": "CA-B2", "on_date": "2025-02-01",
                                                               "note": "调动", "version": 1}, content_type=JSON)
        assert response.status_code == 200, response.content
        assert response.json()["organization"] == users.ca_b2.pk
        rows = list(Membership.objects.filter(person=users.zhang).order_by("valid_from")
                    .values_list("organization__code", "valid_to"))
        assert rows == [("CA-B1", date(2025, 2, 1)), ("CA-B2", None)]
        assert AuditEntry.objects.filter(action="transfer", object_id=str(users.zhang.pk)).exists()

    def test_transfer_out_of_scope_or_stale_writes_nothing(self, login, users):
        c = login(users.sec_a)
        url = f"{URL}{users.zhang.pk}/transfer/"
        response = c.post(url, {"to_organization": "CB-B1", "on_date": "2025-02-01", "version": 1}, content_type=JSON)
        assert response.status_code == 400
        response = c.post(url, {"to_organization": "CA-B2", "on_date": "2025-02-01", "version": 5}, content_type=JSON)
        assert response.status_code == 409
        assert Membership.objects.filter(person=users.zhang).count() == 1
        assert Person.objects.get(pk=users.zhang.pk).organization == users.ca_b1
        assert not AuditEntry.objects.filter(action="transfer").exists()

    def test_transfer_into_a_group_is_refused_with_the_reason(self, login, users):
        response = login(users.sec_a).post(f"{URL}{users.li.pk}/transfer/",
                                           {"to_organization": "CA-B1-G1", "on_date": "2025-02-01", "version": 1},
                                           content_type=JSON)
        assert response.status_code == 400 and "党小组" in response.json()["detail"]

    def test_status_change(self, login, users):
        c = login(users.org_admin)
        response = c.post(f"{URL}{users.li.pk}/status/", {"status": "retained", "on_date": "2025-01-10",
                                                          "version": 1}, content_type=JSON)
        assert response.status_code == 200, response.content
        assert response.json()["party_status"] == "retained" and response.json()["status_since"] == "2025-01-10"
        assert StatusChange.objects.filter(person=users.li, status="retained").exists()
        assert AuditEntry.objects.filter(action="status", object_id=str(users.li.pk)).exists()
        stale = c.post(f"{URL}{users.li.pk}/status/", {"status": "full", "on_date": "2025-02-10", "version": 1},
                       content_type=JSON)
        assert stale.status_code == 409
        assert Person.objects.get(pk=users.li.pk).party_status == "retained"

    def test_status_change_needs_change_right(self, login, users):
        response = login(users.member).post(f"{URL}{users.zhang.pk}/status/",
                                            {"status": "none", "on_date": "2025-01-10", "version": 1},
                                            content_type=JSON)
        assert response.status_code == 403
        assert Person.objects.get(pk=users.zhang.pk).party_status == "full"


@pytest.mark.django_db
class TestMemberships:
    def test_scoped_list_and_filters(self, login, users):
        c = login(users.sec_a)
        response = c.get("/api/memberships/")
        assert response.status_code == 200
        rows = response.json()["results"]
        assert {r["person_name"] for r in rows} == {"张嘉恒", "李明"}
        assert {r["organization_code"] for r in rows} == {"CA-B1", "CA-B2"}
        assert c.get("/api/memberships/", {"q": "zjh"}).json()["count"] == 1
        assert c.get("/api/memberships/", {"on": "2019-12-31"}).json()["count"] == 0
        wang_membership = Membership.objects.get(person=users.wang)
        assert c.get(f"/api/memberships/{wang_membership.pk}/").status_code == 404

    def test_memberships_are_read_only(self, login, users):
        c = login(users.org_admin)
        membership = Membership.objects.get(person=users.li)
        assert c.post("/api/memberships/", {}, content_type=JSON).status_code == 405
        assert c.patch(f"/api/memberships/{membership.pk}/", {"note": "x"}, content_type=JSON).status_code == 405
        assert c.delete(f"/api/memberships/{membership.pk}/").status_code == 405
