"""In-app notifications: one user's alone, sent once per key, read from the list page, counted for the bell."""
import pytest

from accounts.models import Notification
from accounts.notifications import mark_read, notify, notify_many, unread_count
from core.errors import NotInScope


@pytest.mark.django_db
class TestService:
    def test_dedupe_key_sends_once(self, users):
        t = users
        first = notify(t.sec_a, "提醒", body="内容", link="/meetings/compliance/", dedupe_key="k:1")
        assert first is not None and first.user == t.sec_a
        assert notify(t.sec_a, "提醒", dedupe_key="k:1") is None
        assert notify(t.sec_a, "无键通知") is not None and notify(t.sec_a, "无键通知") is not None
        assert Notification.objects.filter(user=t.sec_a).count() == 3

    def test_notify_many_skips_used_keys_and_duplicates_in_one_batch(self, users):
        t = users
        notify(t.sec_a, "旧", dedupe_key="a")
        sent = notify_many([(t.sec_a.pk, "旧", "", "", "a"), (t.sec_a.pk, "新", "", "", "b"),
                            (t.sec_b.pk, "新", "", "", "c"), (t.sec_b.pk, "新", "", "", "c")])
        assert sent == 2
        assert sorted(Notification.objects.values_list("dedupe_key", flat=True)) == ["a", "b", "c"]

    def test_restrict_and_mark_read_are_per_user(self, users):
        t = users
        mine = notify(t.sec_a, "我的")
        theirs = notify(t.sec_b, "别人的")
        assert list(Notification.objects.restrict(t.sec_a)) == [mine]
        assert list(Notification.objects.restrict(t.org_admin)) == []  # no role sees another's
        assert list(Notification.objects.restrict(None)) == []
        with pytest.raises(NotInScope):
            mark_read(t.sec_a, theirs.pk)
        assert unread_count(t.sec_b) == 1
        assert mark_read(t.sec_a, mine.pk) == 1
        assert unread_count(t.sec_a) == 0


@pytest.mark.django_db
class TestPages:
    def test_list_shows_only_the_users_own(self, users, login):
        t = users
        notify(t.sec_a, "甲的提醒", body="请召开党员大会")
        notify(t.sec_b, "乙的提醒")
        r = login(t.sec_a).get("/accounts/notifications/")
        assert r.status_code == 200
        html = r.content.decode()
        assert "甲的提醒" in html and "请召开党员大会" in html and "乙的提醒" not in html
        assert r.context["unread_notifications"] == 1

    def test_open_marks_read_and_follows_the_link(self, users, login):
        t = users
        n = notify(t.sec_a, "提醒", link=f"/meetings/compliance/?org={t.ca_b1.pk}")
        client = login(t.sec_a)
        r = client.post(f"/accounts/notifications/{n.pk}/open/", {"follow": "1"})
        assert r.status_code == 302 and r["Location"] == f"/meetings/compliance/?org={t.ca_b1.pk}"
        n.refresh_from_db()
        assert n.read_at is not None
        assert list(client.get("/accounts/notifications/?unread=1").context["page"].object_list) == []

    def test_links_to_other_sites_are_not_followed(self, users, login):
        n = notify(users.sec_a, "提醒", link="https://example.com/x")
        r = login(users.sec_a).post(f"/accounts/notifications/{n.pk}/open/", {"follow": "1"})
        assert r["Location"] == "/accounts/notifications/"

    def test_anothers_notification_is_not_found(self, users, login):
        n = notify(users.sec_b, "乙的提醒")
        client = login(users.sec_a)
        assert client.post(f"/accounts/notifications/{n.pk}/open/").status_code == 404
        n.refresh_from_db()
        assert n.read_at is None

    def test_read_all(self, users, login):
        t = users
        for i in range(3):
            notify(t.sec_a, f"提醒{i}")
        other = notify(t.sec_b, "乙的提醒")
        client = login(t.sec_a)
        assert client.get("/").context["unread_notifications"] == 3
        assert client.post("/accounts/notifications/read-all/").status_code == 302
        assert unread_count(t.sec_a) == 0 and unread_count(t.sec_b) == 1
        other.refresh_from_db()
        assert other.read_at is None

    def test_get_does_not_change_anything(self, users, login):
        n = notify(users.sec_a, "提醒")
        assert login(users.sec_a).get(f"/accounts/notifications/{n.pk}/open/").status_code == 405
        n.refresh_from_db()
        assert n.read_at is None

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get("/accounts/notifications/").status_code == 302


@pytest.mark.django_db
def test_the_bell_shows_the_unread_count(users, login):
    from accounts.models import Notification

    Notification.objects.create(user=users.sec_a, title="提醒", body="", link="/", dedupe_key="bell-test-1")
    body = login(users.sec_a).get("/").content.decode()
    assert 'id="unread-count">1<' in body
    assert 'id="unread-count"' not in login(users.sec_b).get("/").content.decode()
