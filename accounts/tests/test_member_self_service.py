"""The member role: self-service on their own Person, nothing of anybody else, not even their branch."""
from audit.models import Action, AuditEntry
from conftest import make_person


def test_member_sees_only_themselves(users, login):
    colleague = make_person(users.ca_b1, "赵六")  # same branch
    c = login(users.member)
    r = c.get("/members/")
    assert r.status_code == 200
    assert [p for p, _values in r.context["rows"]] == [users.zhang]
    assert colleague.name not in r.content.decode()
    for other in (colleague, users.li, users.wang):
        assert c.get(f"/members/{other.pk}/").status_code == 404
        assert c.get(f"/members/{other.pk}/?tab=history").status_code == 404


def test_member_sees_own_record_unmasked_and_logged(users, login):
    c = login(users.member)
    r = c.get(f"/members/{users.zhang.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert users.zhang.id_number in html and users.zhang.mobile in html
    reveals = AuditEntry.objects.filter(action=Action.REVEAL, object_id=str(users.zhang.pk), actor=users.member)
    assert reveals.count() == 2
    assert all(e.request_id == r["X-Request-ID"] for e in reveals)


def test_member_sees_own_memberships_only(users, login):
    c = login(users.member)
    r = c.get("/members/memberships/")
    rows = [m for m, _values in r.context["rows"]]
    assert rows and all(m.person_id == users.zhang.pk for m in rows)
    r = c.get(f"/members/{users.zhang.pk}/?tab=memberships")
    assert r.status_code == 200 and users.ca_b1.name in r.content.decode()


def test_member_cannot_edit(users, login):
    c = login(users.member)
    assert c.get(f"/members/{users.zhang.pk}/edit/").status_code == 403
    assert c.get("/members/add/").status_code == 403
