"""The deployment list's JSON built by PostgreSQL (api/json_rows.py) equals the serializers' JSON
byte for byte, on the seed, on synthetic data and on awkward values; speed is measured by bench/."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from deployments.models import Contract, Deployment, DeploymentCitation
from registry.choices import ReviewStatus
from tests import factories
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def both_jsons(api, settings, url):
    """The JSON of ``url`` built by PostgreSQL and by the serializers."""
    settings.API_LIST_SQL = True
    reset_queries()  # each request empties the log: read the capture before the next one
    with CaptureQueriesContext(connection) as capture:
        fast = api.get(url)
    queries = capture.captured_queries
    settings.API_LIST_SQL = False
    slow = api.get(url)
    assert fast.status_code == slow.status_code == 200, (fast.content[:300], slow.content[:300])
    assert any("json_build_object" in query["sql"] for query in queries), "the SQL path was not taken"
    return fast.content, slow.content


def assert_same_json(api, settings, url, min_rows=1):
    fast, slow = both_jsons(api, settings, url)
    assert fast == slow, first_difference(fast, slow)
    body = api.get(url).json()
    assert len(body["results"]) >= min_rows, url
    return body


def first_difference(fast: bytes, slow: bytes) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(fast, slow, strict=False)) if a != b), min(len(fast), len(slow))
    )
    return f"at byte {at}:\n  sql: {fast[at - 200 : at + 200]!r}\n  drf: {slow[at - 200 : at + 200]!r}"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?country=RS",
        "?search=safe",
        "?ordering=-started_on",
        "?ordering=status,-name",
        "?vendor=huawei",
        "?technology=facial-recognition&status=active",
        "?started_after=2015",
        "?page_size=2&page=2",
    ],
)
def test_sql_json_equals_serializer_json_on_the_seed(api, settings, seed, query):
    assert_same_json(api, settings, f"{BASE}/deployments/{query}", min_rows=1)


def test_sql_json_keeps_unpublished_relations_out(api, settings, world):
    """Draft and retracted vendors, laws, contracts and sources stay out of both paths alike."""
    body = assert_same_json(api, settings, f"{BASE}/deployments/?country=RS")
    text = str(body)
    for hidden in (
        "shadowcorp",
        "gone-vendor",
        "serbia-internal-affairs-bill",
        "draft-leak",
        "retracted-story",
    ):
        assert hidden not in text


@pytest.mark.parametrize(
    "payload",
    [
        'quote " backslash \\ slash /',
        "new\nline\ttab\r",
        "华为 ünïcode ☃",
        "<script>x</script>",
        "=1+1",
        "\x01",
    ],
)
def test_sql_json_escapes_text_as_the_serializer(api, settings, world, payload):
    deployment = factories.deployment(
        "awkward", payload, world.rs, summary=payload, data_managed_by=payload, places=[world.belgrade]
    )
    DeploymentCitation.objects.create(record=deployment, source=world.src, quote=payload, locator=payload)
    body = assert_same_json(api, settings, f"{BASE}/deployments/?search=awkward&country=RS", min_rows=0)
    assert body is not None
    body = assert_same_json(api, settings, f"{BASE}/deployments/?country=RS")
    assert payload in [row["name"] for row in body["results"]]


def test_sql_json_on_edge_values(api, settings, world):
    """No operator, unknown dates, dates of each precision, no amount, no coordinates, whole seconds."""
    bare = factories.deployment(
        "bare", "Bare", world.rs, started_on="", ended_on="2021-12-31", places=[world.serbia]
    )
    factories.contract(
        "no-amount",
        "No amount",
        world.mup,
        signed_on="2020-01",
        deployments=[bare],
        parties=[(world.huawei, "supplier")],
    )
    factories.contract(
        "big-amount",
        "Big amount",
        world.mup,
        signed_on="",
        value_amount=Decimal("1234567890123456.70"),
        value_currency="EUR",
        deployments=[bare],
    )
    Deployment.objects.filter(pk=bare.pk).update(updated_at="2025-01-02T03:04:05+00:00")
    body = assert_same_json(api, settings, f"{BASE}/deployments/?country=RS")
    row = next(row for row in body["results"] if row["slug"] == "bare")
    assert row["operator"] is None and row["started_on_precision"] is None
    assert row["ended_on_display"] == "31 Dec 2021"
    assert row["updated_at"] == "2025-01-02T03:04:05Z"
    assert [c["slug"] for c in row["contracts"]] == ["big-amount", "no-amount"]


def test_sql_json_on_synthetic_data(api, settings):
    call_command("generate_synthetic", deployments=300, camera_counts=600, seed=11, verbosity=0)
    for url in (
        f"{BASE}/deployments/?page_size=500",
        f"{BASE}/deployments/?ordering=-updated_at,name&page_size=100&page=2",
        f"{BASE}/deployments/?search=safe city",
        f"{BASE}/deployments/?concern=no-legal-basis&purpose=traffic",
    ):
        assert_same_json(api, settings, url)
    assert Contract.objects.filter(review_status=ReviewStatus.PUBLISHED).exists()


def test_sql_json_takes_four_queries_whatever_the_page(api, world, django_assert_num_queries):
    """Count, the page's ids, their summaries, Last-Modified."""
    for page_size in (1, 100):
        with django_assert_num_queries(4):
            assert api.get(f"{BASE}/deployments/?page_size={page_size}").status_code == 200


def test_browsable_api_and_detail_keep_the_serializers(api, world):
    html = api.get(f"{BASE}/deployments/?format=api")
    assert html.status_code == 200 and b"Safe Society" in html.content
    detail = api.get(f"{BASE}/deployments/safe-society/").json()
    assert "camera_counts" in detail and "camera_counts_url" in detail
    listed = api.get(f"{BASE}/deployments/?country=RS").json()["results"][0]
    assert "camera_counts" not in listed
    assert listed["camera_counts_url"] == f"http://testserver{BASE}/camera-counts/?deployment=safe-society"
    assert api.get(listed["camera_counts_url"]).json()["count"] == len(detail["camera_counts"])
