"""TOTP second factor for the three administrators, with real tokens computed from the device key."""
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action, AuditEntry
from conftest import PASSWORD


def token_for(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def a_wrong_token(device):
    valid = {token_for(device, d) for d in range(-device.tolerance - 1, device.tolerance + 2)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in valid)


@pytest.mark.parametrize("who, page", [("sys_admin", "/accounts/users/"), ("sec_admin", "/accounts/assignments/"),
                                       ("audit_admin", "/audit/")])
def test_enrol_and_verify_on_first_login(users, client, who, page):
    admin = getattr(users, who)
    r = client.post("/accounts/login/", {"username": admin.username, "password": PASSWORD, "next": page})
    assert r.status_code == 302
    # Every page, the administrator's own included, waits for the second factor.
    for url in ("/", page, "/members/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/totp/?next="), url
    r = client.get("/api/users/")
    assert r.status_code == 403 and "二次验证" in r.json()["detail"]

    r = client.get(f"/accounts/totp/?next={page}")
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    device = TOTPDevice.objects.get(user=admin)
    assert not device.confirmed
    html = r.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    secret = r.context["secret"]
    import base64
    assert base64.b32decode(secret) == device.bin_key

    r = client.post(f"/accounts/totp/?next={page}", {"token": a_wrong_token(device)})
    assert r.status_code == 200 and "验证码不正确或已过期" in r.content.decode()
    assert client.get(page).status_code == 302
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED, object_repr=admin.username,
                                     note="动态验证码错误").count() == 1

    time.sleep(1.1)  # django-otp throttles: after one failure the next try must wait a second.
    device.refresh_from_db()
    r = client.post(f"/accounts/totp/?next={page}", {"token": token_for(device)})
    assert r.status_code == 302 and r["Location"] == page
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(page).status_code == 200
    assert client.get("/").status_code == 200


def test_confirmed_device_no_longer_shows_the_secret_and_refuses_replay(users, client):
    admin = users.audit_admin
    device = TOTPDevice.objects.create(user=admin, name="手机", confirmed=True)
    client.post("/accounts/login/", {"username": admin.username, "password": PASSWORD})
    r = client.get("/accounts/totp/")
    assert r.status_code == 200 and not r.context["qr"] and device.config_url not in r.content.decode()
    assert base32(device) not in r.content.decode()
    token = token_for(device)
    assert client.post("/accounts/totp/", {"token": token}).status_code == 302
    assert client.get("/audit/").status_code == 200
    # A new session cannot reuse the same token.
    client.logout()
    client.post("/accounts/login/", {"username": admin.username, "password": PASSWORD})
    r = client.post("/accounts/totp/", {"token": token})
    assert r.status_code == 200 and client.get("/audit/").status_code == 302


def base32(device):
    import base64
    return base64.b32encode(device.bin_key).decode()


def test_other_users_need_no_second_factor(users, client):
    client.post("/accounts/login/", {"username": users.org_admin.username, "password": PASSWORD})
    assert client.get("/members/").status_code == 200
    assert client.get("/accounts/totp/").status_code == 302
    assert not TOTPDevice.objects.filter(user=users.org_admin).exists()
