"""The camera-count list's JSON built by PostgreSQL (api/json_rows.py) equals the serializers' JSON
byte for byte (details: tests/test_api_json_sql.py), keeps non-public counts out, and pages by id;
?kind= is counted within the public index. Speed itself is measured by bench/."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict

from api.views.deployments import CameraCountViewSet
from deployments.models import CameraCount, Deployment
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401
from tests.test_api_json_sql import assert_same_json

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?country=RS",
        "?deployment=belgrade-safe-society",
        "?kind=installed&as_of_after=2015&country=RS,EC",
        "?as_of_before=2018-06",
        "?search=safe",
        "?ordering=-cameras",
        "?ordering=as_of,-updated_at",
        "?page_size=2&page=2",
    ],
)
def test_sql_json_equals_serializer_json_on_the_seed(api, settings, seed, query):
    assert_same_json(api, settings, f"{BASE}/camera-counts/{query}", min_rows=1)


def test_sql_json_lists_public_counts_only(api, settings, world):
    """Draft counts, counts of unpublished deployments and unsourced counts stay out of both paths."""
    body = assert_same_json(api, settings, f"{BASE}/camera-counts/?page_size=500")
    listed = {row["public_id"] for row in body["results"]}
    public = {
        str(world.count_2019.public_id),
        str(world.count_2021.public_id),
        str(world.count_ecu.public_id),
    }
    assert listed == public
    assert (body["count"], body["count_exact"]) == (3, True)


def test_sql_json_on_edge_values(api, settings, world):
    """A place with and without coordinates, no place, no locations, each date precision, whole
    seconds, text that JSON must escape."""
    awkward = 'quote " backslash \\ new\nline 华为 <b>=1+1</b>'
    builders.camera_count(
        world.ecu,
        "2018-02-07",
        12,
        world.src_es,
        place=world.quito,
        locations=3,
        notes=awkward,
        phase=awkward,
    )
    whole = builders.camera_count(world.ecu, "2017-11", 0, world.src_es, place=world.serbia, kind="announced")
    CameraCount.objects.filter(pk=whole.pk).update(updated_at="2025-01-02T03:04:05+00:00")
    body = assert_same_json(api, settings, f"{BASE}/camera-counts/?deployment=ecu-911")
    rows = {row["as_of"]: row for row in body["results"]}
    assert rows["2018-02-07"]["as_of_display"] == "7 Feb 2018" and rows["2018-02-07"]["notes"] == awkward
    assert rows["2018-02-07"]["place"]["latitude"] == -0.1807 and rows["2018-02-07"]["locations"] == 3
    assert rows["2017-11"]["updated_at"] == "2025-01-02T03:04:05Z" and rows["2017-11"]["locations"] is None
    assert rows["2016"]["place"] is None and rows["2016"]["as_of_precision"] == "year"


def test_sql_json_on_synthetic_data(api, settings):
    """Deployments sharing a name, many counts each: pages past an offset equal the serializers'."""
    call_command("generate_synthetic", deployments=200, camera_counts=1500, seed=5, verbosity=0)
    for url in (
        f"{BASE}/camera-counts/?page_size=100&page=3",
        f"{BASE}/camera-counts/?page_size=500",
        f"{BASE}/camera-counts/?kind=installed&as_of_after=2014&page_size=200",
        f"{BASE}/camera-counts/?ordering=-as_of&page_size=100&page=2",
    ):
        assert_same_json(api, settings, url)


def test_sql_json_takes_four_queries_whatever_the_page(api, world, django_assert_num_queries):
    """Count, the page's ids, their objects, Last-Modified."""
    for query in ("page_size=1", "page_size=100", "page_size=1&page=2"):
        with django_assert_num_queries(4):
            assert api.get(f"{BASE}/camera-counts/?{query}").status_code == 200


def test_browsable_api_keeps_the_serializers(api, world, django_assert_num_queries):
    html = api.get(f"{BASE}/camera-counts/?format=api")
    assert html.status_code == 200 and b"Safe Society" in html.content
    with django_assert_num_queries(3):  # the id, the detail (the list's object), Last-Modified
        detail = api.get(f"{BASE}/camera-counts/{world.count_2019.public_id}/").json()
    assert detail["place"]["slug"] == "belgrade"


def count_plan(view, query: str) -> str:
    """The plan of the paginator's capped count for the list ``view`` with the filters ``query``."""
    filterset = view.filterset_class(QueryDict(query), queryset=view.published())
    assert filterset.is_valid(), filterset.errors
    ids = filterset.qs.values("pk").order_by()[:10_001]
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) AS counted", params)  # noqa: S608
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture(name="synthetic")
def synthetic_registry(db):
    call_command("generate_synthetic", deployments=2000, camera_counts=6000, seed=3, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_camera_counts_of_a_kind_are_counted_from_their_index(synthetic):
    country = Deployment.objects.values_list("country__code", flat=True).first()
    plan = count_plan(CameraCountViewSet, f"kind=installed&as_of_after=2015&country={country}")
    assert "using cameracount_public_kind" in plan, plan
    assert (
        "Index Cond: ((deployment_id = deployments_deployment.id) AND (kind = 'installed'::text)" in plan
    ), plan
