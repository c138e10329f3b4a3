"""Pagination: counts exact up to a limit, then open-ended pages that stay reachable (api/pagination.py)."""

import pytest

from api import pagination
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


@pytest.fixture(name="seven")
def seven_deployments(world):
    """Ten published deployments in all (three in the world, seven here), named so they sort."""
    for number in range(7):
        builders.deployment(f"extra-{number}", f"Extra {number}", world.rs)
    return world


def slugs(body) -> list[str]:
    return [row["slug"] for row in body["results"]]


def test_a_count_under_the_limit_is_exact(api, seven):
    body = api.get(f"{BASE}/deployments/?page_size=4").json()
    assert (body["count"], body["count_exact"]) == (10, True)
    assert body["next"].endswith("page=2&page_size=4") and body["previous"] is None


@pytest.mark.parametrize("endpoint", ["deployments", "camera-counts", "vendors", "changes"])
def test_every_list_says_whether_its_count_is_exact(api, seven, endpoint):
    assert api.get(f"{BASE}/{endpoint}/").json()["count_exact"] is True


def test_over_the_limit_the_count_is_a_lower_bound_and_every_page_is_reachable(api, seven, monkeypatch):
    everything = slugs(api.get(f"{BASE}/deployments/?page_size=500&ordering=name").json())
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    body = api.get(f"{BASE}/deployments/?page_size=500&ordering=name").json()
    assert (body["count"], body["count_exact"]) == (3, False)
    assert slugs(body) == everything and body["next"] is None  # the page itself is whole

    seen, url = [], f"{BASE}/deployments/?page_size=4&ordering=name"
    while url:
        body = api.get(url).json()
        assert (body["count"], body["count_exact"]) == (3, False)
        seen += slugs(body)
        url = body["next"]
    assert seen == everything  # pages past the counted rows, and the last one, by following next

    page3 = api.get(f"{BASE}/deployments/?page_size=4&ordering=name&page=3").json()
    assert slugs(page3) == everything[8:] and page3["next"] is None
    assert page3["previous"].endswith("page=2&page_size=4")
    assert api.get(f"{BASE}/deployments/?page_size=4&page=4").status_code == 404


def test_page_last_counts_exactly(api, seven, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    body = api.get(f"{BASE}/deployments/?page_size=4&ordering=name&page=last").json()
    assert (body["count"], body["count_exact"]) == (10, True)
    assert len(body["results"]) == 2 and body["next"] is None


def test_an_open_ended_page_costs_no_more_queries(api, seven, monkeypatch, django_assert_num_queries):
    """Capped count, the page (one row more), the summaries, Last-Modified."""
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    with django_assert_num_queries(4):
        assert api.get(f"{BASE}/deployments/?page_size=2&page=2").json()["count_exact"] is False


def test_the_count_query_stops_at_the_limit(api, seven, monkeypatch):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    reset_queries()
    with CaptureQueriesContext(connection) as capture:
        api.get(f"{BASE}/camera-counts/")
    count_sql = next(query["sql"] for query in capture.captured_queries if "COUNT(" in query["sql"])
    assert "LIMIT 4" in count_sql
