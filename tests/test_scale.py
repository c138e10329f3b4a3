"""Scale paths: the COPY CSV export equals the serializer CSV byte for byte; search starts from the
GIN indexes and finds exactly what the plain document finds. Speed itself is measured by bench/."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.db.models.functions import Length
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api import copy_export
from api.filters import fallback_words
from api.renderers import CSVRenderer
from api.serializers.exports import DeploymentExportSerializer
from deployments.models import CameraCount, Deployment, Technology
from deployments.selectors import public_deployments
from registry.choices import ReviewStatus
from registry.search import Matches, WebSearchQuery
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
COPY_ENDPOINTS = ["deployments", "camera-counts"]


def both_csvs(api, settings, url):
    """The CSV of ``url`` by COPY and by the serializers."""
    settings.API_CSV_COPY = True
    fast = api.get(url)
    settings.API_CSV_COPY = False
    slow = api.get(url)
    assert fast.status_code == slow.status_code == 200
    assert fast["Content-Type"] == slow["Content-Type"]
    assert fast["Content-Disposition"] == slow["Content-Disposition"]
    return fast.getvalue(), slow.getvalue()


def assert_same_csv(api, settings, url, min_rows=1):
    fast, slow = both_csvs(api, settings, url)
    assert fast == slow, first_difference(fast, slow)
    rows = list(csv.reader(io.StringIO(fast.decode("utf-8"))))
    assert len(rows) - 1 >= min_rows, url
    return rows


def first_difference(fast: bytes, slow: bytes) -> str:
    for number, (a, b) in enumerate(zip(fast.split(b"\r\n"), slow.split(b"\r\n"), strict=False)):
        if a != b:
            return f"line {number}:\n copy: {a!r}\n  csv: {b!r}"
    return f"lengths {len(fast)} != {len(slow)}"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?country=RS",
        "?search=safe",
        "?ordering=-started_on",
        "?vendor=huawei",
        "?technology=facial-recognition&status=active",
        "?started_after=2015",
    ],
)
def test_copy_csv_equals_serializer_csv_on_the_seed(api, settings, seed, query):
    assert_same_csv(
        api,
        settings,
        f"{BASE}/deployments/?format=csv{'&' if query else '?'}{query[1:]}".replace(
            "?format=csv?", "?format=csv&"
        ),
        min_rows=0,
    )


def test_copy_csv_equals_serializer_csv_on_seed_camera_counts(api, settings, seed):
    rows = assert_same_csv(api, settings, f"{BASE}/camera-counts/?format=csv")
    assert rows[0][0] == "public_id"
    assert_same_csv(api, settings, f"{BASE}/camera-counts/?format=csv&country=RS", min_rows=0)


@pytest.mark.parametrize(
    "payload",
    ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", 'quote " and, comma', "new\nline", "华为 ünïcode"],
)
def test_copy_csv_escapes_exactly_as_the_serializer(api, settings, world, payload):
    builders.deployment("formula", payload, world.rs, summary=payload, data_managed_by=payload)
    rows = assert_same_csv(api, settings, f"{BASE}/deployments/?format=csv")
    row = next(row for row in rows if row[0] == "formula")
    header = rows[0]
    name = row[header.index("name")]
    assert name == ("'" + payload if payload[0] in "=+-@\t\r" else payload)


def test_copy_csv_leaves_out_drafts_and_their_links(api, settings, world):
    draft = builders.deployment("draft-one", "Draft one", world.rs)
    Deployment.objects.filter(pk=draft.pk).update(review_status=ReviewStatus.DRAFT)
    fast, slow = both_csvs(api, settings, f"{BASE}/deployments/?format=csv")
    assert fast == slow
    assert b"draft-one" not in fast
    fast, slow = both_csvs(api, settings, f"{BASE}/camera-counts/?format=csv")
    assert fast == slow


def test_copy_csv_on_synthetic_data(api, settings):
    call_command("generate_synthetic", deployments=300, camera_counts=1500, seed=7, verbosity=0)
    for url in (
        f"{BASE}/deployments/?format=csv",
        f"{BASE}/deployments/?format=csv&ordering=-updated_at,name",
        f"{BASE}/deployments/?format=csv&search=safe city",
        f"{BASE}/deployments/?format=csv&concern=no-legal-basis&purpose=traffic",
        f"{BASE}/camera-counts/?format=csv",
        f"{BASE}/camera-counts/?format=csv&kind=installed&as_of_after=2018",
    ):
        rows = assert_same_csv(api, settings, url)
        assert len(rows) > 5, url
    text = api.get(f"{BASE}/deployments/?format=csv").getvalue().decode()
    assert ",'=" in text or ",'+" in text or ",'@" in text  # formula payloads of the generator, escaped
    assert "; " in text  # multi-valued columns


def test_copy_csv_joins_only_published_relations_and_leaves_unlinked_cells_empty(api, settings, world):
    builders.deployment("bare", "Bare deployment", world.rs)  # no place, vendor, law, contract or citation
    for query in ("&country=RS", "&search=society"):
        assert_same_csv(api, settings, f"{BASE}/deployments/?format=csv{query}")
    rows = assert_same_csv(api, settings, f"{BASE}/deployments/?format=csv")
    by_slug = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    safe_society = by_slug["safe-society"]
    # Its draft and retracted vendors, draft law, draft contract and draft source stay out.
    assert safe_society["vendor_slugs"] == "huawei"
    assert safe_society["vendor_roles"] == "supplier"
    assert safe_society["legal_framework_slugs"] == "serbia-data-protection-law"
    assert safe_society["contract_slugs"] == "safe-society-agreement"
    assert safe_society["citation_sources"] == "bird-report-2020"
    assert safe_society["place_slugs"] == "belgrade; serbia"
    joined = [name for name in rows[0] if name.endswith(("_slugs", "_names", "_roles", "_sources"))]
    assert len(joined) == 11
    assert all(by_slug["bare"][name] == "" for name in joined)


def both_exports(settings, queryset) -> tuple[bytes, bytes]:
    """The CSV of ``queryset`` (not from a URL: any ordering) by COPY and by the serializers."""
    request = Request(APIRequestFactory().get(f"{BASE}/deployments/?format=csv"))
    serializer = DeploymentExportSerializer(context={"request": request})
    assert copy_export.supports(serializer)
    settings.API_CSV_COPY = True
    fast = b"".join(CSVRenderer().chunks(queryset, serializer))
    settings.API_CSV_COPY = False
    slow = b"".join(CSVRenderer().chunks(queryset, serializer))
    return fast, slow


@pytest.mark.parametrize(
    "ordering",
    [
        ("country", "-name", "pk"),  # a relation: sorted by the country's own ordering (its name)
        ("-country__region", "operator__name", "pk"),  # a joined table's column, NULLs included
        ("-started_on", "pk"),
        (Length("summary").desc(nulls_last=True), "name", "pk"),  # an expression
        ("-pk",),
    ],
)
def test_copy_csv_keeps_the_querysets_order(settings, world, ordering):
    call_command("generate_synthetic", deployments=200, camera_counts=200, seed=11, force=True, verbosity=0)
    builders.deployment("bare", "Bare deployment", world.rs)
    queryset = public_deployments().order_by(*ordering)
    fast, slow = both_exports(settings, queryset)
    assert fast == slow, first_difference(fast, slow)
    assert fast.count(b"\r\n") > 150


def test_copy_csv_of_a_distinct_queryset(settings):
    """A to-many filter with DISTINCT: each deployment once, in the queryset's order."""
    call_command("generate_synthetic", deployments=200, camera_counts=200, seed=5, verbosity=0)
    queryset = (
        public_deployments()
        .filter(technologies__in=Technology.objects.order_by("pk")[:3])
        .distinct()
        .order_by("-name", "pk")
    )
    fast, slow = both_exports(settings, queryset)
    assert fast == slow, first_difference(fast, slow)
    slugs = [row[0] for row in csv.reader(io.StringIO(fast.decode()))][1:]
    assert len(slugs) == len(set(slugs)) == queryset.count() > 10


# --- search ---------------------------------------------------------------------------------------

SEARCHES = [
    "safe",
    "safe city",
    '"smart city"',
    "serbia",
    "ecuador",
    "society -belgrade",
    "-huawei",
    "belgrade or quito",
    "it's",
    "safe-society",
    "-5",
    "a\\b",
    "华为",
    "nothing-like-this",
    "or",
    '""',
]


@pytest.mark.parametrize(
    ("endpoint", "model", "key"),
    [("deployments", Deployment, "slug"), ("camera-counts", CameraCount, "public_id")],
)
def test_stored_search_finds_what_the_plain_document_finds(api, seed, endpoint, model, key):
    """The stored search vector (deployments/derived.py) never loses or adds a match."""
    from api.urls import router

    view = next(entry[1] for entry in router.registry if entry[0] == endpoint)
    for terms in SEARCHES:
        assert_search_matches_plain_document(api, view, model, endpoint, key, terms)


def assert_search_matches_plain_document(api, view, model, endpoint, key, terms):
    """The API finds exactly the published rows whose stored document matches the query (the stored
    documents themselves are checked against their triggers by tests/test_derived_columns.py)."""
    expected_query = view.queryset.filter(Matches(F("search_vector"), WebSearchQuery(terms)))
    expected = sorted(str(value) for value in expected_query.values_list(key, flat=True))
    response = api.get(f"{BASE}/{endpoint}/", {"search": terms, "page_size": 500})
    assert response.status_code == 200
    found = sorted(str(row[key]) for row in response.json()["results"])
    if expected or not fallback_words(terms) or len(fallback_words(terms)) < 3:
        assert found == expected, terms
    # else: nothing matched, and the trigram fallback may find look-alike names (tests/test_api_search.py)


def test_search_uses_the_gin_index():
    call_command("generate_synthetic", deployments=3000, camera_counts=3000, seed=3, verbosity=0)
    from api.filters import FullTextSearchFilter
    from api.views.deployments import DeploymentViewSet

    class Request:
        query_params = {"search": "sigurni grad"}

    queryset = FullTextSearchFilter().filter_queryset(
        Request(), DeploymentViewSet.queryset, DeploymentViewSet
    )
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE deployments_deployment")
        # COPY left the new entries in the GIN pending list, which the planner rightly counts as slow;
        # VACUUM (or autovacuum) would merge it.
        cursor.execute("SELECT gin_clean_pending_list('deployment_search'::regclass)")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "deployment_search" in plan, plan
    assert "Seq Scan on deployments_deployment" not in plan, plan
    assert len(queryset) > 0
