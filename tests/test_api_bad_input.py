"""Input the database cannot hold, overlong URLs, unknown references and amounts without a currency:
a clear JSON 4xx, decided before an export sends its first byte, never an HTML 500."""

import pytest

from api.middleware import MAX_URL_LENGTH
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:200])
    assert response["Content-Type"] == "application/json"
    assert not response.streaming  # decided before any byte of an export
    return response.json()


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/deployments/?search=safe%00city",
        f"{BASE}/deployments/?vendor=hua%00wei",
        f"{BASE}/deployments/?started_after=2017%00",
        f"{BASE}/changes/?record=%00",
        f"{BASE}/changes/?since=2025-01-01%00",
        f"{BASE}/camera-counts/?ordering=as_of%00",
        f"{BASE}/deployments/?search=%00&format=csv",
        f"{BASE}/deployments/?search=%00&format=geojson",
        f"{BASE}/places/?search=%00&format=geojson",
        f"{BASE}/vendors/?search=%00&format=xlsx",
        f"{BASE}/changes/?record=%00&format=csv",
        f"{BASE}/deployments/?page=1%00",
        f"{BASE}/deployments/?sea%00rch=x",
    ],
)
def test_a_nul_byte_in_a_parameter_is_a_400(api, world, url):
    body = assert_json_error(api.get(url), 400)
    assert any("NUL" in message for messages in body.values() for message in messages)


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/deployments/safe%00society/",
        f"{BASE}/countries/R%00/",
        f"{BASE}/camera-counts/%00/",
        f"{BASE}/vendors/hua%00wei/?format=json",
    ],
)
def test_a_nul_byte_in_the_path_is_a_404(api, world, url):
    assert assert_json_error(api.get(url), 404) == {"detail": "Not found."}


def test_an_overlong_url_is_a_json_414(api, world):
    response = api.get(f"{BASE}/deployments/", {"search": "x" * MAX_URL_LENGTH})
    assert assert_json_error(response, 414)["detail"].startswith("The URL is longer")
    # A long but acceptable one is still answered (search has its own limit: a 400).
    response = api.get(f"{BASE}/deployments/", {"search": "x" * 201})
    assert assert_json_error(response, 400) == {"search": ["At most 200 characters."]}


def test_a_filter_naming_no_published_record_is_a_404_naming_it(api, world):
    body = assert_json_error(api.get(f"{BASE}/deployments/", {"vendor": "shadowcorp"}), 404)
    assert list(body) == ["vendor"]
    # Every ISO country is reference data: one with no deployment is an empty list, not an unknown one.
    assert api.get(f"{BASE}/deployments/", {"country": "AQ"}).json()["count"] == 0
    # A malformed value is still a 400, and so is a mix of the two.
    assert list(assert_json_error(api.get(f"{BASE}/deployments/", {"status": "dormant"}), 400)) == ["status"]
    mixed = assert_json_error(api.get(f"{BASE}/deployments/", {"vendor": "nope", "status": "dormant"}), 400)
    assert set(mixed) == {"vendor", "status"}
    assert_json_error(api.get(f"{BASE}/deployments/", {"vendor": "nope", "format": "csv"}), 404)


def test_amount_bounds_need_exactly_one_currency(api, world):
    for params in ({"value_min": "10000000"}, {"value_max": "1"}, {"value_min": "1", "currency": "USD,EUR"}):
        body = assert_json_error(api.get(f"{BASE}/contracts/", params), 400)
        assert "one currency" in body["currency"][0]
    assert_json_error(api.get(f"{BASE}/contracts/", {"value_min": "1", "format": "xlsx"}), 400)
    usd = api.get(f"{BASE}/contracts/", {"value_min": "10000000", "currency": "USD"}).json()["results"]
    assert [row["slug"] for row in usd] == ["ecu-911-loan"]  # the EUR 150m agreement is not compared
    eur = api.get(f"{BASE}/contracts/", {"value_max": "200000000", "currency": "EUR"}).json()["results"]
    assert [row["slug"] for row in eur] == ["safe-society-agreement"]
    assert api.get(f"{BASE}/contracts/", {"currency": "EUR"}).status_code == 200  # alone, a filter


def test_an_unexpected_failure_of_the_api_is_json(api, world, monkeypatch):
    from api.views.deployments import DeploymentViewSet

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(DeploymentViewSet, "retrieve", broken)
    api.raise_request_exception = False
    response = api.get(f"{BASE}/deployments/safe-society/")
    assert assert_json_error(response, 500) == {"detail": "Server error."}
