"""HTTP behaviour: OpenAPI schema and docs, conditional GET, caching headers, throttling, CORS,
and query counts that do not grow with the page size."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_schema_validator import OAS31Validator, oas31_format_checker, validate
from openapi_spec_validator import validate as validate_spec

from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


@pytest.fixture(name="schema")
def schema_fixture(api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    validate_spec(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_documents_filters_formats_and_errors(schema):
    operation = schema["paths"]["/api/v1/deployments/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    expected = {"country", "region", "vendor", "technology", "status", "operator", "data_location", "concern"}
    expected |= {
        "legal_framework",
        "started_after",
        "started_before",
        "search",
        "ordering",
        "page",
        "page_size",
    }
    assert expected <= set(parameters)
    # The browsable HTML stays out of the machine contract.
    assert set(parameters["format"]["schema"]["enum"]) == {"json", "csv", "geojson", "xlsx"}
    assert parameters["page_size"]["schema"]["maximum"] == 500
    assert set(operation["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/geo+json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert set(operation["responses"]) == {"200", "304", "400", "404", "406", "414", "429", "503"}
    assert "security" not in operation  # public: generated clients need no authenticated client
    started_after = next(p for p in operation["parameters"] if p["name"] == "started_after")
    assert started_after["schema"]["pattern"].startswith("^[0-9]{4}(-")
    detail = schema["paths"]["/api/v1/deployments/{slug}/"]["get"]
    assert set(detail["responses"]["200"]["content"]) == {"application/json"}
    slug = next(p for p in detail["parameters"] if p["in"] == "path")
    assert slug["schema"]["pattern"] == "^[-a-zA-Z0-9_]+$"
    assert "404" in detail["responses"]
    contracts = {p["name"] for p in schema["paths"]["/api/v1/contracts/"]["get"]["parameters"]}
    assert {
        "vendor",
        "buyer_country",
        "signed_after",
        "signed_before",
        "value_min",
        "value_max",
        "currency",
    } <= contracts
    assert "/api/v1/camera-counts/{public_id}/" in schema["paths"]
    assert "/api/v1/countries/{code}/" in schema["paths"]


LIST_COMPONENTS = {
    "countries": ("PaginatedCountryList", "Country", "RS"),
    "legal-frameworks": ("PaginatedLegalFrameworkList", "LegalFramework", "serbia-data-protection-law"),
    "vendors": ("PaginatedVendorList", "Vendor", "huawei"),
    "deployments": ("PaginatedDeploymentSummaryList", "Deployment", "safe-society"),
    "contracts": ("PaginatedContractList", "Contract", "safe-society-agreement"),
    "sources": ("PaginatedSourceList", "Source", "bird-report-2020"),
    "technologies": ("PaginatedTechnologyList", "Technology", "facial-recognition"),
    "places": ("PaginatedPlaceList", "Place", "belgrade"),
    "camera-counts": ("PaginatedCameraCountList", "CameraCount", None),
}


@pytest.mark.parametrize("endpoint", LIST_COMPONENTS)
def test_responses_match_the_schema(api, world, schema, endpoint):
    list_component, detail_component, key = LIST_COMPONENTS[endpoint]
    key = key or str(world.count_2019.public_id)

    def check(instance, component):
        reference = {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
        validate(instance, reference, cls=OAS31Validator, format_checker=oas31_format_checker)

    check(api.get(f"{BASE}/{endpoint}/").json(), list_component)
    check(api.get(f"{BASE}/{endpoint}/{key}/").json(), detail_component)


def test_swagger_ui_is_served_locally(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html and "googleapis" not in html
    script = api.get("/api/docs/?script=")  # the start-up script, served as a file for the CSP
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_swagger_ui_needs_no_inline_style(api):
    response = api.get("/api/docs/")
    html = response.content.decode()
    assert "<style" not in html and " style=" not in html
    assert "/static/api/swagger_ui.css" in html
    policy = response["Content-Security-Policy"]
    directives = [directive.strip() for directive in policy.split(";")]
    assert "style-src 'self'" in directives and "unsafe-inline" not in policy


def test_etag_and_304(api, world):
    url = f"{BASE}/deployments/?country=RS"
    first = api.get(url)
    assert first.status_code == 200
    assert first["Cache-Control"].startswith("public, max-age=60")
    assert first["ETag"]
    assert first["Last-Modified"]
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    # A change makes a new ETag.
    world.safe_society.name = "Safe Society (renamed)"
    world.safe_society.save()
    changed = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_last_modified_and_304_on_csv(api, world):
    first = api.get(f"{BASE}/deployments/?format=csv")
    b"".join(first.streaming_content)  # read to the end, as a client does
    assert first["Cache-Control"].startswith("public, max-age=60")
    again = api.get(f"{BASE}/deployments/?format=csv", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_an_unacceptable_accept_header_is_the_documented_406(api, world, schema):
    response = api.get(f"{BASE}/deployments/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert "406" in schema["paths"]["/api/v1/deployments/"]["get"]["responses"]


def test_errors_and_browsable_html_are_not_publicly_cached(api, world):
    assert "public" not in api.get(f"{BASE}/deployments/?country=XX").get("Cache-Control", "")
    assert "public" not in api.get(f"{BASE}/deployments/", HTTP_ACCEPT="text/html").get("Cache-Control", "")


def test_429_when_over_the_limit(api, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "export": "3/minute"},
    }
    cache.clear()
    for _ in range(3):
        assert api.get(f"{BASE}/countries/").status_code == 200
    response = api.get(f"{BASE}/countries/")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "throttled" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_exports_have_their_own_limit(api, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/minute", "export": "1/minute"},
    }
    cache.clear()
    first = api.get(f"{BASE}/deployments/?format=csv")
    assert first.status_code == 200
    b"".join(first.streaming_content)
    response = api.get(f"{BASE}/deployments/?format=csv")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert api.get(f"{BASE}/deployments/").status_code == 200


def test_cors_open_for_get(api, world):
    response = api.get(f"{BASE}/deployments/", HTTP_ORIGIN="https://newsroom.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = api.options(
        f"{BASE}/deployments/",
        HTTP_ORIGIN="https://newsroom.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    not_modified = api.get(
        f"{BASE}/deployments/", HTTP_ORIGIN="https://newsroom.example", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert not_modified.status_code == 304
    assert not_modified["Access-Control-Allow-Origin"] == "*"


def test_read_only(api, world):
    assert api.post(f"{BASE}/deployments/", {"name": "x"}).status_code == 405
    assert api.delete(f"{BASE}/deployments/safe-society/").status_code == 405


def more_of_everything(world):
    """More records, each with its relations, so N+1 queries would show; the first record of each
    list has every relation too, so page size 1 runs every prefetch."""
    world.ceiec.parent = world.huawei
    world.ceiec.save()
    for number in range(4):
        deployment = builders.deployment(
            f"more-{number}",
            f"More {number}",
            world.it,
            operator=world.cagliari_city,
            vendors=[(world.huawei, "supplier"), (world.ceiec, "integrator")],
            technologies=[world.video, world.face],
            places=[world.cagliari],
            legal_frameworks=[world.ai_act],
        )
        builders.camera_count(deployment, "2020", 10 + number, world.src, place=world.cagliari)
        builders.contract(
            f"more-contract-{number}",
            f"More contract {number}",
            world.cagliari_city,
            parties=[(world.huawei, "supplier")],
            deployments=[deployment, world.cagliari_system],
        )
        vendor = builders.vendor(
            f"more-vendor-{number}",
            f"More vendor {number}",
            headquarters_country=world.cn,
            parent=world.huawei,
        )
        builders.legal_framework(f"more-law-{number}", f"More law {number}", [world.it, world.eu])
        builders.place(f"more-place-{number}", f"More place {number}", world.it, parent=world.cagliari)
        builders.source(f"more-source-{number}")
        builders.technology(f"more-tech-{number}", f"More tech {number}")
        builders.country("FRDEESPT"[2 * number : 2 * number + 2], f"Country {number}").unions.add(world.eu)
        del vendor


QUERIES_PER_LIST = {
    # count, page, one per prefetch, and Last-Modified; deployments and camera counts: count, the
    # page's ids, their JSON built by PostgreSQL (api/json_rows.py), Last-Modified
    "countries": 6,  # ... and the published memberships of the page's countries, and their citations
    "legal-frameworks": 6,  # ... and the published laws that amend them (none here amends another)
    "vendors": 6,
    "deployments": 4,
    "contracts": 8,  # ... the published buyers, and the parties of every kind
    "camera-counts": 4,
    "sources": 3,
    "technologies": 3,
    "places": 5,  # ... the published parents, and the parent the filter names
}
# Pages whose rows all have what is prefetched (a prefetch with nothing to fetch runs no query): from
# China on (its Belt and Road membership), and places that have a parent.
LIST_QUERIES = {"countries": "&region=europe,asia", "places": "&parent=cagliari"}


@pytest.mark.parametrize("endpoint", QUERIES_PER_LIST)
def test_query_count_does_not_grow_with_page_size(api, world, endpoint, django_assert_num_queries):
    more_of_everything(world)
    for page_size in (1, 100):
        with django_assert_num_queries(QUERIES_PER_LIST[endpoint]):
            response = api.get(f"{BASE}/{endpoint}/?page_size={page_size}{LIST_QUERIES.get(endpoint, '')}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(page_size, response.json()["count"])


@pytest.mark.parametrize("endpoint", ["deployments", "contracts", "vendors"])
def test_csv_query_count_does_not_grow_with_rows(api, world, endpoint):
    with CaptureQueriesContext(connection) as few:
        api.get(f"{BASE}/{endpoint}/?format=csv").getvalue()
    more_of_everything(world)
    with CaptureQueriesContext(connection) as more:
        api.get(f"{BASE}/{endpoint}/?format=csv").getvalue()
    assert len(more) == len(few)
