import pytest


@pytest.mark.django_db
class TestLanguage:
    def test_chinese_by_default_even_for_an_english_browser(self, client):
        r = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert '<html lang="zh-hans">' in r.content.decode()

    def test_switcher_sets_english(self, client):
        r = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
        assert r.status_code == 302
        assert '<html lang="en">' in client.get("/accounts/login/").content.decode()

    def test_unknown_language_cookie_falls_back_to_chinese(self, client, settings):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        assert '<html lang="zh-hans">' in client.get("/accounts/login/").content.decode()
