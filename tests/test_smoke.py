import pytest


@pytest.mark.django_db
def test_pages_render_for_org_admin(users, login):
    c = login(users.org_admin)
    for url in ["/", "/orgs/", f"/orgs/{users.ca.pk}/", f"/orgs/{users.ca.pk}/?tab=members",
                f"/orgs/{users.ca_b1.pk}/?tab=committee", f"/orgs/{users.ca.pk}/?tab=history", "/members/",
                f"/members/{users.zhang.pk}/", "/members/memberships/", "/orgs/tree/", "/members/add/",
                "/orgs/add/", f"/orgs/{users.ca.pk}/edit/", f"/members/{users.zhang.pk}/transfer/"]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
