"""Number filters take whole numbers within the database's range: anything else is a 400, never a 500."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/visit-problems/?visit=-1.1492306815909423e%2B59",
    "/api/visit-problems/?visit=1.5",
    "/api/branch-opinions/?matter=99999999999999999999999",
    "/api/honors/?year=1e59",
    "/api/model-branches/?batch=-3",
])
def test_out_of_range_numbers_are_refused_with_400(login, users, url):
    c = login(users.org_admin)
    response = c.get(url)
    assert response.status_code == 400, response.content[:300]


def test_a_valid_id_still_filters(login, users):
    c = login(users.org_admin)
    assert c.get("/api/visit-problems/?visit=1").status_code == 200
    assert c.get("/ledgers/?year=2020").status_code in (200, 302)
