"""Login security (issue section 4): argon2, lockout, idle timeout, password rules, forced change."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts import services
from accounts.lockout import locked_until
from accounts.models import User
from audit.models import Action, AuditEntry
from conftest import PASSWORD, make_user
from core.scoping import SYSTEM

LOGIN = "/accounts/login/"
LOCK_TEXT = "登录失败次数过多，账号已锁定"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def insert_failure(username, at):
    """A failed-login entry at a chosen time. `at` is auto_now_add and entries refuse updates, so the
    row is inserted directly: still an insert, the append-only rule is untouched."""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (at, actor_name, request_id, ip, action, model, object_id, object_repr, note) "
            "VALUES (%s, '', 'test', '', %s, 'accounts.user', '', %s, '')",
            [connection.ops.adapt_datetimefield_value(at), Action.LOGIN_FAILED, username])


@pytest.fixture
def alice(db):
    return make_user("alice")


def test_password_is_stored_with_argon2(alice):
    import qiangji.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    alice.refresh_from_db()
    assert alice.password.startswith("argon2$argon2id$")
    assert alice.check_password(PASSWORD)


def test_login_succeeds_and_is_audited(client, alice):
    r = post_login(client, "alice", PASSWORD)
    assert r.status_code == 302
    entry = AuditEntry.objects.get(action=Action.LOGIN, object_repr="alice")
    assert entry.actor == alice
    assert entry.request_id and entry.request_id == r["X-Request-ID"]


def test_five_failures_lock_even_the_right_password(client, alice):
    for _ in range(5):
        r = post_login(client, "alice", "Wrong-Password-1")
        assert r.status_code == 200 and "用户名或密码错误" in r.content.decode()
    failures = AuditEntry.objects.filter(action=Action.LOGIN_FAILED, object_repr="alice")
    assert failures.count() == 5
    assert all(e.request_id and e.actor is None for e in failures)
    r = post_login(client, "alice", PASSWORD)
    assert r.status_code == 200
    assert LOCK_TEXT in r.content.decode()
    assert "_auth_user_id" not in client.session
    # Four failures do not lock: the count is exactly five.
    until = locked_until("alice")
    assert until is not None and timedelta(minutes=29) < until - timezone.now() <= timedelta(minutes=30)


def test_four_failures_do_not_lock(client, alice):
    for _ in range(4):
        post_login(client, "alice", "Wrong-Password-1")
    assert locked_until("alice") is None
    assert post_login(client, "alice", PASSWORD).status_code == 302


def test_lock_lifts_after_thirty_minutes(client, alice):
    for _ in range(5):
        post_login(client, "alice", "Wrong-Password-1")
    now = timezone.now()
    assert locked_until("alice", now=now + timedelta(minutes=29)) is not None
    assert locked_until("alice", now=now + timedelta(minutes=31)) is None


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, alice):
    start = timezone.now() - timedelta(minutes=20)
    for minutes in (0, 4, 8, 12, 16):  # five failures over sixteen minutes
        insert_failure("alice", start + timedelta(minutes=minutes))
    assert locked_until("alice") is None
    assert post_login(client, "alice", PASSWORD).status_code == 302


def test_five_failures_within_fifteen_minutes_lock_from_the_fifth(alice):
    start = timezone.now() - timedelta(minutes=20)
    for minutes in (0, 3, 6, 9, 14):
        insert_failure("alice", start + timedelta(minutes=minutes))
    until = locked_until("alice")
    assert until == AuditEntry.objects.filter(object_repr="alice").order_by("-at").first().at + timedelta(minutes=30)


def test_successful_login_resets_the_count(client, alice):
    for _ in range(4):
        post_login(client, "alice", "Wrong-Password-1")
    assert post_login(client, "alice", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        post_login(client, "alice", "Wrong-Password-1")
    assert locked_until("alice") is None
    assert post_login(client, "alice", PASSWORD).status_code == 302


def test_unknown_username_locks_the_same_way(client, db):
    # So that the lock message does not tell which accounts exist.
    for _ in range(5):
        post_login(client, "ghost", "Wrong-Password-1")
    assert LOCK_TEXT in post_login(client, "ghost", "Wrong-Password-1").content.decode()


def test_logout_is_audited_with_request_id(client, alice):
    post_login(client, "alice", PASSWORD)
    r = client.post("/accounts/logout/")
    entry = AuditEntry.objects.get(action=Action.LOGOUT)
    assert entry.actor == alice and entry.request_id == r["X-Request-ID"]


def test_idle_timeout_is_thirty_minutes_renewed_on_each_request(client, alice):
    post_login(client, "alice", PASSWORD)
    r = client.get("/")
    assert r.status_code == 200
    assert r.wsgi_request.session.get_expiry_age() == 1800
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get("/")
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed - timezone.now() > timedelta(minutes=29)


def test_expired_session_goes_back_to_login(client, alice):
    post_login(client, "alice", PASSWORD)
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))
    r = client.get("/members/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=/members/")


@pytest.mark.parametrize("password, ok", [("abcdefghij", False), ("Abcdefghij", False), ("Abcdefgh1!", True),
                                          ("Ab1!efgh", False)])
def test_password_rules(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_generated_temporary_passwords_meet_the_rules():
    for _ in range(20):
        validate_password(services.generate_password())


@pytest.fixture
def newcomer(db):
    user, password = services.create_account(SYSTEM, "newcomer", "新同志")
    user.temp_password = password
    return user


def test_initial_password_must_be_changed_first(client, newcomer):
    assert newcomer.must_change_password
    r = post_login(client, "newcomer", newcomer.temp_password)
    assert r.status_code == 302
    for url in ["/", "/members/", "/orgs/", "/accounts/users/", "/audit/"]:
        r = client.get(url)
        assert r.status_code == 302, url
        assert r["Location"].startswith("/accounts/password/?next="), url
    assert client.get("/accounts/password/").status_code == 200
    assert client.get("/static/qiangji.css").status_code == 200
    # The API does not redirect; it refuses the data.
    r = client.get("/api/people/")
    assert r.status_code == 403 and "修改初始密码" in r.json()["detail"]


def test_password_change_enforces_rules_then_clears_the_flag(client, newcomer):
    client.force_login(newcomer)
    url = "/accounts/password/?next=/members/"
    for weak in ("abcdefghij", "Abcdefghij"):
        r = client.post(url, {"old_password": newcomer.temp_password, "new_password1": weak, "new_password2": weak})
        assert r.status_code == 200 and "密码" in r.content.decode()
        newcomer.refresh_from_db()
        assert newcomer.must_change_password
    r = client.post(url, {"old_password": "not-the-password", "new_password1": "Abcdefgh1!x",
                          "new_password2": "Abcdefgh1!x"})
    assert "当前密码不正确" in r.content.decode()
    r = client.post(url, {"old_password": newcomer.temp_password, "new_password1": "Abcdefgh1!x",
                          "new_password2": "Abcdefgh1!x"})
    assert r.status_code == 302 and r["Location"] == "/members/"
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password and newcomer.check_password("Abcdefgh1!x")
    entry = AuditEntry.objects.get(action=Action.PASSWORD, object_id=str(newcomer.pk))
    assert entry.actor == newcomer and entry.note == "修改密码" and entry.request_id == r["X-Request-ID"]
    # Still logged in (session hash updated), and no longer redirected.
    assert client.get("/members/").status_code == 200


def test_inactive_user_cannot_log_in(client, alice):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    r = post_login(client, "alice", PASSWORD)
    assert r.status_code == 200 and "_auth_user_id" not in client.session
