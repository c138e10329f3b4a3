"""The deployment list's and detail's JSON built by PostgreSQL (api/json_rows.py) equals the
serializers' JSON byte for byte, on the seed, on synthetic data and on awkward values, with each
list's items in the serializer's order, empty lists, hidden related records, deep and empty pages;
the statement is prepared once per database session. Speed is measured by bench/."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from deployments.models import CameraCount, Contract, Deployment, DeploymentCitation
from registry.choices import ReviewStatus
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def both_jsons(api, settings, url, status=200):
    """The JSON of ``url`` built by PostgreSQL and by the serializers."""
    settings.API_JSON_SQL = True
    reset_queries()  # each request empties the log: read the capture before the next one
    with CaptureQueriesContext(connection) as capture:
        fast = api.get(url)
    queries = capture.captured_queries
    settings.API_JSON_SQL = False
    slow = api.get(url)
    assert fast.status_code == slow.status_code == status, (fast.content[:300], slow.content[:300])
    if status != 200:
        return fast.content, slow.content
    # The page's statement is prepared once per session (api/json_rows.py), then executed by name.
    assert any("EXECUTE json_page_" in query["sql"] for query in queries), "the SQL path was not taken"
    return fast.content, slow.content


def assert_same_json(api, settings, url, min_rows=1):
    fast, slow = both_jsons(api, settings, url)
    assert fast == slow, first_difference(fast, slow)
    body = api.get(url).json()
    assert len(body["results"]) >= min_rows, url
    return body


def assert_same_detail(api, settings, url) -> dict:
    fast, slow = both_jsons(api, settings, url)
    assert fast == slow, first_difference(fast, slow)
    return json.loads(fast)


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
    deployment = builders.deployment(
        "awkward", payload, world.rs, summary=payload, data_managed_by=payload, places=[world.belgrade]
    )
    DeploymentCitation.objects.create(record=deployment, source=world.src, quote=payload, locator=payload)
    body = assert_same_json(api, settings, f"{BASE}/deployments/?search=awkward&country=RS", min_rows=0)
    assert body is not None
    body = assert_same_json(api, settings, f"{BASE}/deployments/?country=RS")
    assert payload in [row["name"] for row in body["results"]]


def test_sql_json_on_edge_values(api, settings, world):
    """No operator, unknown dates, dates of each precision, no amount, no coordinates, whole seconds."""
    bare = builders.deployment(
        "bare", "Bare", world.rs, started_on="", ended_on="2021-12-31", places=[world.serbia]
    )
    builders.contract(
        "no-amount",
        "No amount",
        world.mup,
        signed_on="2020-01",
        deployments=[bare],
        parties=[(world.huawei, "supplier")],
    )
    builders.contract(
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


@pytest.mark.parametrize(
    ("latitude", "longitude", "amount"),
    [
        ("0.00001", "-0.00009", "0.10"),  # Python writes floats under 10^-4 as 1e-05
        ("12.00000", "0", "100.00"),  # whole numbers: "12.0"
        ("-90", "179.99999", "9999999999999999.99"),  # 10^16 and up: exponent form in both
        ("0.0001", "-0.00012", "1000000000000000.00"),  # 10^15: exponent form in PostgreSQL only
        ("44.81234", "20.46", "0.01"),
    ],
)
def test_sql_json_writes_decimals_as_python_writes_floats(api, settings, world, latitude, longitude, amount):
    """Coordinates and amounts are JSON numbers, written by DRF as ``float(value)``: the SQL path
    gives the same text for each of them (PythonFloat in api/json_rows.py)."""
    place = builders.place(
        "edge-place", "Edge", world.rs, latitude=Decimal(latitude), longitude=Decimal(longitude)
    )
    edge = builders.deployment("edge", "Edge numbers", world.rs, places=[place])
    builders.contract(
        "edge-amount",
        "Edge amount",
        world.mup,
        value_amount=Decimal(amount),
        value_currency="EUR",
        deployments=[edge],
    )
    body = assert_same_json(api, settings, f"{BASE}/deployments/?country=RS")
    row = next(row for row in body["results"] if row["slug"] == "edge")
    assert row["places"][0]["latitude"] == float(Decimal(latitude))
    assert row["contracts"][0]["value_amount"] == float(Decimal(amount))


def test_sql_json_escapes_line_separators_as_drf(api, settings, world):
    """DRF writes U+2028 and U+2029 escaped (so that the JSON is JavaScript too); PostgreSQL does not."""
    builders.deployment("separators", "line\u2028paragraph\u2029end", world.rs, summary="\u2028")
    fast, slow = both_jsons(api, settings, f"{BASE}/deployments/?country=RS")
    assert fast == slow, first_difference(fast, slow)
    assert b"line\\u2028paragraph\\u2029end" in fast


def test_sql_json_indented_on_request(api, settings, world):
    """``Accept: application/json; indent=2`` gets the serializers' indented JSON from the SQL path."""
    url = f"{BASE}/deployments/?country=RS"
    settings.API_JSON_SQL = True
    fast = api.get(url, HTTP_ACCEPT="application/json; indent=2")
    settings.API_JSON_SQL = False
    slow = api.get(url, HTTP_ACCEPT="application/json; indent=2")
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content, first_difference(fast.content, slow.content)
    assert b'\n  "results": [\n    {\n' in fast.content


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


def test_browsable_api_keeps_the_serializers(api, world, django_assert_num_queries):
    html = api.get(f"{BASE}/deployments/?format=api")
    assert html.status_code == 200 and b"Safe Society" in html.content
    with django_assert_num_queries(3):  # the id, the detail, Last-Modified
        detail = api.get(f"{BASE}/deployments/safe-society/").json()
    assert "camera_counts" in detail and "camera_counts_url" in detail
    listed = api.get(f"{BASE}/deployments/?country=RS").json()["results"][0]
    assert "camera_counts" not in listed
    assert listed["camera_counts_url"] == f"http://testserver{BASE}/camera-counts/?deployment=safe-society"
    assert api.get(listed["camera_counts_url"]).json()["count"] == len(detail["camera_counts"])


LISTS = ("places", "technologies", "vendors", "legal_frameworks", "contracts", "citations")


def test_sql_json_orders_each_list_as_the_serializer(api, settings, world):
    """Several rows on one page, each with its own number of items in every list, inserted in an
    order that is neither the list's nor the name's; ties broken by id."""
    twin_first = builders.place("zz-twin", "Twin", world.rs)
    twin_second = builders.place("aa-twin", "Twin", world.rs)
    alpha = builders.technology("zz-alpha", "Alpha tech")
    law_a = builders.legal_framework("zz-law", "A law", [world.rs])
    places = [world.serbia, twin_second, twin_first, world.belgrade]
    technologies = [world.video, alpha, world.face]
    for n in range(3):
        deployment = builders.deployment(
            f"ordered-{n}",
            f"Ordered {n}",
            world.rs,
            vendors=[(world.huawei, "supplier"), (world.ceiec, "integrator"), (world.ceiec, "supplier")][
                : n + 1
            ],
            technologies=technologies[: n + 1],
            places=places[: n + 2],
            legal_frameworks=[world.pdp_law, law_a][: n + 1],
        )
        for index, (signed_on, name) in enumerate(
            [("2020", "B"), ("", "Z"), ("2019-05", "A"), ("2019-05", "A")]
        ):
            builders.contract(
                f"ordered-{n}-contract-{index}",
                name,
                world.mup,
                signed_on=signed_on,
                parties=[
                    (world.huawei, "subcontractor"),
                    (world.ceiec, "supplier"),
                    (world.huawei, "supplier", world.src),  # once per source
                ],
                deployments=[deployment],
            )
        for source, field in ((world.src_es, "status"), (world.src, "started_on"), (world.src_es, "name")):
            DeploymentCitation.objects.create(record=deployment, source=source, field=field, locator=f"{n}")
    body = assert_same_json(api, settings, f"{BASE}/deployments/?country=RS&search=ordered")
    rows = {row["slug"]: row for row in body["results"]}
    assert [len(rows[f"ordered-{n}"]["places"]) for n in range(3)] == [2, 3, 4]
    row = rows["ordered-2"]
    assert [p["slug"] for p in row["places"]] == ["belgrade", "serbia", "zz-twin", "aa-twin"]
    assert [t["slug"] for t in row["technologies"]] == [
        "zz-alpha",
        "facial-recognition",
        "video-surveillance",
    ]
    assert [(v["slug"], v["role"]) for v in row["vendors"]] == [
        ("huawei", "supplier"),
        ("ceiec", "integrator"),
        ("ceiec", "supplier"),
    ]
    assert [law["slug"] for law in row["legal_frameworks"]] == ["zz-law", "serbia-data-protection-law"]
    assert [c["slug"] for c in row["contracts"]] == [f"ordered-2-contract-{i}" for i in (1, 2, 3, 0)]
    assert [(v["slug"], v["role"]) for v in row["contracts"][0]["vendors"]] == [
        ("huawei", "subcontractor"),
        ("ceiec", "supplier"),
        ("huawei", "supplier"),
    ]
    assert [(c["source"]["slug"], c["field"]) for c in row["citations"]] == [
        ("el-comercio-2019", "status"),
        ("bird-report-2020", "started_on"),
        ("el-comercio-2019", "name"),
    ]


def test_sql_json_lists_no_items_as_empty_lists(api, settings, world):
    """Rows with no related records, or only draft and retracted ones, have [] (not null) in every
    list, as a contract whose parties are all hidden has no vendors."""
    builders.deployment("bare-lists", "Bare lists", world.ec)
    hidden = builders.deployment(
        "only-hidden",
        "Only hidden",
        world.ec,
        vendors=[(world.shadow, "supplier"), (world.retracted_vendor, "financier")],
        legal_frameworks=[world.draft_law],
    )
    world.draft_contract.deployments.add(hidden)
    builders.contract(
        "hidden-parties",
        "Hidden parties",
        world.ecu911,
        parties=[(world.shadow, "supplier")],
        deployments=[hidden],
    )
    DeploymentCitation.objects.create(record=hidden, source=world.src_draft)
    DeploymentCitation.objects.create(record=hidden, source=world.src_retracted)
    body = assert_same_json(api, settings, f"{BASE}/deployments/?country=EC")
    rows = {row["slug"]: row for row in body["results"]}
    assert all(rows["bare-lists"][key] == [] for key in LISTS)
    assert all(rows["only-hidden"][key] == [] for key in LISTS if key != "contracts")
    assert [(c["slug"], c["vendors"]) for c in rows["only-hidden"]["contracts"]] == [("hidden-parties", [])]
    for hidden_slug in ("shadowcorp", "gone-vendor", "serbia-internal-affairs-bill", "draft-contract"):
        assert hidden_slug not in str(body)
    assert rows["ecu-911"]["vendors"][0]["slug"] == "ceiec"


@pytest.mark.parametrize(
    "query",
    [
        "?country=IT&page_size=5&page=2",
        "?country=IT&page_size=5&page=3",
        "?country=IT&page_size=5&page=last",
        "?ordering=-name&page_size=4&page=3",
        "?ordering=-updated_at&page_size=1&page=7",
    ],
)
def test_sql_json_on_deep_pages(api, settings, world, query):
    for n in range(12):
        builders.deployment(
            f"deep-{n:02}",
            f"Deep {n:02}",
            world.it,
            places=[world.cagliari] if n % 2 else [],
            technologies=[world.video, world.face][: n % 3],
            vendors=[(world.huawei, "supplier")] if n % 4 else [],
        )
    body = assert_same_json(api, settings, f"{BASE}/deployments/{query}")
    assert body["results"] and body["previous"]


def test_sql_json_on_an_empty_page(api, settings, world):
    body = assert_same_json(api, settings, f"{BASE}/deployments/?country=CN", min_rows=0)
    assert body["results"] == [] and body["count"] == 0


def prepared_pages() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE starts_with(name, 'json_page_')")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_sql_json_prepares_its_statement_once_per_session(api, world):
    """A page executes its statement by name; a new session (a reconnect) prepares it again."""
    url = f"{BASE}/deployments/?country=RS"
    first = api.get(url).content
    prepared = prepared_pages()
    assert prepared >= 1
    with CaptureQueriesContext(connection) as capture:
        assert api.get(url).content == first
    assert not any("PREPARE" in query["sql"] for query in capture.captured_queries)
    assert prepared_pages() == prepared
    connection.close()
    assert api.get(url).content == first
    assert prepared_pages() == 1


@pytest.mark.django_db(transaction=True)
def test_sql_json_pages_use_one_generic_plan(api, world):
    """No page of a session plans the statement for its ids (PostgreSQL's default for the first five
    executions of a prepared statement, each slower than the page it planned)."""
    connection.close()  # a new session, as a worker's after a reconnect
    for country in ("RS", "IT") * 3:
        assert api.get(f"{BASE}/deployments/?country={country}").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE starts_with(name, 'json_page_')"
        )
        assert cursor.fetchall() == [(6, 0)]


# --- Details -----------------------------------------------------------------------------------


def test_sql_detail_equals_serializer_detail_on_the_seed(api, settings, seed):
    slugs = [row["slug"] for row in api.get(f"{BASE}/deployments/?page_size=100").json()["results"]]
    assert len(slugs) >= 4
    for slug in slugs:
        detail = assert_same_detail(api, settings, f"{BASE}/deployments/{slug}/")
        assert detail["slug"] == slug and "camera_counts" in detail
        for count in detail["camera_counts"]:
            assert_same_detail(api, settings, count["url"])


def test_sql_detail_timeline_is_public_and_ordered(api, settings, world):
    """Draft counts, counts from unpublished sources, in date and kind order, ties (conflicting
    counts of one date) by id; a deployment without counts has []."""
    tie_later = builders.camera_count(world.safe_society, "2019", 1200, world.src_es)
    tie_earlier = builders.camera_count(world.safe_society, "2019", 900, world.src_es)
    CameraCount.objects.filter(pk=tie_later.pk).update(id=tie_earlier.pk + 1000)
    builders.camera_count(world.safe_society, "2019", 5, world.src_retracted)
    detail = assert_same_detail(api, settings, f"{BASE}/deployments/safe-society/")
    assert [(c["as_of"], c["kind"], c["cameras"]) for c in detail["camera_counts"]] == [
        ("2019", "installed", 1000),
        ("2019", "installed", 900),
        ("2019", "installed", 1200),
        ("2021-03", "planned", 8100),
    ]
    assert detail["camera_counts"][0]["place"]["slug"] == "belgrade"
    bare = builders.deployment("no-counts", "No counts", world.rs)
    assert assert_same_detail(api, settings, f"{BASE}/deployments/{bare.slug}/")["camera_counts"] == []


@pytest.mark.parametrize(
    "path",
    [
        "deployments/secret-pilot/",  # draft
        "deployments/under-review/",
        "deployments/no-such-thing/",
        "camera-counts/00000000-0000-4000-8000-000000000000/",
        "camera-counts/not-a-uuid/",
    ],
)
def test_sql_detail_of_a_hidden_or_unknown_record_is_the_same_404(api, settings, world, path):
    fast, slow = both_jsons(api, settings, f"{BASE}/{path}", status=404)
    assert fast == slow


def test_sql_detail_of_a_retracted_record_is_the_same_410(api, settings, world):
    fast, slow = both_jsons(api, settings, f"{BASE}/deployments/retracted-system/", status=410)
    assert fast == slow
    assert json.loads(fast)["kind"] == "deployment"


def test_sql_detail_of_hidden_camera_counts_is_a_404(api, settings, world):
    for count in (world.count_draft, world.count_unsourced, world.count_of_draft, world.count_of_retracted):
        fast, slow = both_jsons(api, settings, f"{BASE}/camera-counts/{count.public_id}/", status=404)
        assert fast == slow


def test_sql_detail_escapes_text_and_indents_as_the_serializer(api, settings, world):
    awkward = 'quote " \\ new\nline 华为 \u2028 <b>=1+1</b>'
    deployment = builders.deployment("awkward-detail", awkward, world.rs, summary=awkward)
    builders.camera_count(deployment, "2020-02-29", 7, world.src, notes=awkward, phase=awkward)
    url = f"{BASE}/deployments/awkward-detail/"
    detail = assert_same_detail(api, settings, url)
    assert detail["name"] == detail["camera_counts"][0]["notes"] == awkward
    settings.API_JSON_SQL = True
    fast = api.get(url, HTTP_ACCEPT="application/json; indent=2")
    settings.API_JSON_SQL = False
    slow = api.get(url, HTTP_ACCEPT="application/json; indent=2")
    assert fast.content == slow.content, first_difference(fast.content, slow.content)
    assert b'\n  "slug": "awkward-detail",\n' in fast.content


def test_sql_detail_on_synthetic_data(api, settings):
    call_command("generate_synthetic", deployments=120, camera_counts=900, seed=13, verbosity=0)
    rows = api.get(f"{BASE}/deployments/?page_size=40&ordering=-updated_at").json()["results"]
    timelines = 0
    for row in rows:
        detail = assert_same_detail(api, settings, row["url"])
        timelines += len(detail["camera_counts"])
    assert timelines > 40
    for count in api.get(f"{BASE}/camera-counts/?page_size=20&page=2").json()["results"]:
        assert_same_detail(api, settings, count["url"])
