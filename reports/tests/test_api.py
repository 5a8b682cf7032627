"""GET /api/reports/annual/: the figures in the caller's scope; another college's organisation is 404;
bad parameters are 400; the values equal build()'s."""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.figures import SYSTEM_USER
from reports import annual
from reports.tests.test_annual import records_fixture  # noqa: F401  (the `records` fixture)

URL = "/api/reports/annual/"


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_scoped_figures(records):
    t = records
    response = api(t.sec_a).get(URL, {"org": t.ca.pk, "year": 2024})
    assert response.status_code == 200
    data = response.json()
    assert data["organization"] == t.ca.pk and data["organization_name"] == "甲学院党委"
    assert data["year"] == 2024 and data["as_of"] == "2024-12-31"
    assert data["figures"]["meetings.first_topic.branches"] == 4
    assert data["figures"]["volunteering.volunteers"] is None
    assert data["figures"] == {k: v for k, v in annual.build(t.sec_a, t.ca, 2024).values().items()}


def test_root_values_equal_build(records):
    t = records
    data = api(t.org_admin).get(URL, {"org": t.root.pk, "year": 2024, "as_of": "2024-03-04"}).json()
    assert data["figures"] == annual.build(SYSTEM_USER, t.root, 2024, annual.parse_as_of("2024-03-04")).values()
    assert data["figures"]["ledgers.directive.done"] == 0


def test_another_colleges_organisation_is_404(records):
    t = records
    client = api(t.sec_b)
    for org in (t.ca, t.ca_b1, t.root):
        response = client.get(URL, {"org": org.pk, "year": 2024})
        assert response.status_code == 404
        assert "甲学院" not in response.content.decode()
    assert client.get(URL, {"org": 10**12}).status_code == 404
    # Without org: their own top organisation.
    assert client.get(URL, {"year": 2024}).json()["organization"] == t.cb.pk


@pytest.mark.parametrize("params", [{"org": "x"}, {"year": "20x4"}, {"as_of": "2024-02-30"}, {"year": 1200}])
def test_bad_parameters_are_400(records, params):
    response = api(records.sec_a).get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) <= {"org", "year", "as_of"}


def test_anonymous_is_401(records):
    assert APIClient().get(URL).status_code == 401


def test_a_user_with_no_organisation_gets_404(records):
    response = api(records.nobody).get(URL)
    assert response.status_code == 404, response.content
