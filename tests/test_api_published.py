"""A draft, in-review or retracted record is invisible on every public surface: lists, details
(404), search, filters, CSV, GeoJSON, and embedded in published records."""

import csv
import io
import json

import pytest

from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401
from tests.builders import HIDDEN_SLUGS

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
HIDDEN_TEXT = [
    "draft-leak",
    "Unverified leak",
    "retracted-story",
    "shadowcorp",
    "ShadowCorp",
    "gone-vendor",
    "serbia-internal-affairs-bill",
    "secret-pilot",
    "Secret pilot",
    "under-review",
    "retracted-system",
    "draft-contract",
    "fcc-covered-list",
    "ofac-sdn",
    '"cameras": 4000',
    '"cameras": 9999',
    '"cameras": 77',
    '"cameras": 66',
]
ENDPOINTS = [
    "countries",
    "legal-frameworks",
    "vendors",
    "deployments",
    "contracts",
    "camera-counts",
    "measurements",
    "sources",
    "technologies",
    "places",
]


def assert_hidden(text: str):
    for needle in HIDDEN_TEXT:
        assert needle not in text, needle


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_lists_and_embedded_relations_show_published_only(api, world, endpoint):
    response = api.get(f"{BASE}/{endpoint}/?page_size=500")
    assert response.status_code == 200
    assert_hidden(response.content.decode())
    for item in response.json()["results"]:
        assert_hidden(api.get(item["url"]).content.decode())


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_csv_and_geojson_show_published_only(api, world, endpoint):
    text = api.get(f"{BASE}/{endpoint}/?format=csv").getvalue().decode()
    assert_hidden(text.replace('"', ""))
    for row in csv.DictReader(io.StringIO(text)):
        assert row.get("slug", "") not in HIDDEN_SLUGS.get(endpoint, ())
        assert row.get("cameras") not in {"4000", "9999", "77", "66"}
    if endpoint in ("deployments", "places"):
        geojson = api.get(f"{BASE}/{endpoint}/?format=geojson").getvalue().decode()
        assert_hidden(json.dumps(json.loads(geojson), ensure_ascii=False))


@pytest.mark.parametrize(("endpoint", "slugs"), HIDDEN_SLUGS.items())
def test_unpublished_details_are_404(api, world, endpoint, slugs):
    made_up = api.get(f"{BASE}/{endpoint}/never-existed/")
    for slug in slugs:
        response = api.get(f"{BASE}/{endpoint}/{slug}/")
        if "retracted" in slug or slug.startswith("gone"):  # once published: its tombstone
            assert response.status_code == 410, slug
            assert response.json()["identifier"] == slug
            continue
        assert response.status_code == 404, slug
        assert response.json() == made_up.json()  # no hint that it exists


def test_unpublished_camera_counts_are_404(api, world):
    for count in (world.count_draft, world.count_unsourced, world.count_of_draft, world.count_of_retracted):
        assert api.get(f"{BASE}/camera-counts/{count.public_id}/").status_code == 404


def test_search_never_finds_unpublished(api, world):
    for endpoint, query in [
        ("deployments", "secret"),
        ("deployments", "retracted"),
        ("deployments", "review"),
        ("vendors", "shadowcorp"),
        ("sources", "leak"),
        ("contracts", "draft"),
        ("legal-frameworks", "internal affairs"),
    ]:
        assert api.get(f"{BASE}/{endpoint}/?search={query}").json()["count"] == 0, (endpoint, query)


def test_a_record_disappears_when_retracted(api, world):
    assert api.get(f"{BASE}/vendors/huawei/").status_code == 200
    world.huawei.review_status = "retracted"
    world.huawei.save()
    assert api.get(f"{BASE}/vendors/huawei/").status_code == 410
    body = api.get(f"{BASE}/deployments/safe-society/").json()
    assert body["vendors"] == []
    assert body["contracts"][0]["vendors"] == []
    assert "huawei" not in api.get(f"{BASE}/deployments/?format=csv").getvalue().decode()
    assert api.get(f"{BASE}/deployments/?vendor=huawei").status_code == 404  # names no public record


def test_draft_parent_is_null(api, world):
    assert api.get(f"{BASE}/vendors/huawei-sub/").json()["parent"] is None
