"""CSV and GeoJSON: every matching row (not a page), streamed, flat, formula-safe."""

import csv
import io
import json

import pytest
from django.utils import timezone

from registry.imports.csv_safety import escape_formula
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401
from tests.formula_payloads import FORMULA_PAYLOADS

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def read_csv(response):
    assert response.status_code == 200
    assert response.streaming
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8"))))


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_escape_formula_prefixes_a_quote(payload):
    assert escape_formula(payload) == "'" + payload


@pytest.mark.parametrize(
    "value", ["Huawei", "", "not = at start", "1-2", "a =b", "a@b.c", -5, -1.5, 0, None, True]
)
def test_escape_formula_leaves_the_rest(value):
    assert escape_formula(value) is value or escape_formula(value) == value


def test_deployments_csv(api, world):
    response = api.get(f"{BASE}/deployments/?format=csv")
    today = timezone.now().strftime("%Y%m%d")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="deployments-{today}.csv"'
    rows = read_csv(response)
    assert [row["slug"] for row in rows] == ["cagliari-smart-city", "ecu-911", "safe-society"]
    safe = rows[2]
    assert safe["url"] == "http://testserver/api/v1/deployments/safe-society/"
    assert safe["country_code"] == "RS"
    assert safe["started_on"] == "2017-02"
    assert safe["vendor_slugs"] == "huawei"
    assert safe["vendor_roles"] == "supplier"
    assert safe["technology_slugs"] == "video-surveillance; facial-recognition" or safe[
        "technology_slugs"
    ] == ("facial-recognition; video-surveillance")
    assert safe["place_names"] == "Belgrade; Serbia"
    assert safe["governance_concerns"] == "confidential-contract; no-legal-basis"
    assert safe["legal_framework_slugs"] == "serbia-data-protection-law"
    assert safe["contract_slugs"] == "safe-society-agreement"
    assert safe["citation_sources"] == "bird-report-2020"
    assert safe["operator_slug"] == "mup-serbia"
    assert rows[1]["ended_on"] == ""


def test_csv_has_every_row_not_a_page_and_follows_filters(api, world):
    for number in range(60):
        builders.deployment(f"bulk-{number:02}", f"Bulk {number}", world.rs, started_on="2020")
    rows = read_csv(api.get(f"{BASE}/deployments/?format=csv&country=RS"))
    assert len(rows) == 61
    rows = read_csv(api.get(f"{BASE}/deployments/?format=csv&country=RS&search=bulk&ordering=-name"))
    assert len(rows) == 60 and rows[0]["name"] == "Bulk 9"


@pytest.mark.parametrize(
    ("endpoint", "columns"),
    [
        ("countries", ["code", "url", "name", "kind", "region", "subregion", "union_codes"]),
        ("legal-frameworks", ["slug", "url", "name", "jurisdiction_codes", "adopted_on", "status"]),
        ("vendors", ["slug", "url", "name", "aliases", "headquarters_country_code", "designations"]),
        ("contracts", ["slug", "url", "buyer_slug", "signed_on", "value_amount", "vendor_slugs"]),
        ("camera-counts", ["public_id", "url", "deployment_slug", "as_of", "cameras", "source_slug"]),
        ("sources", ["slug", "url", "title", "original_url", "published_on", "language"]),
        ("technologies", ["slug", "url", "name", "biometric"]),
        ("places", ["slug", "url", "name", "country_code", "latitude", "longitude"]),
    ],
)
def test_every_list_exports_csv(api, world, endpoint, columns):
    response = api.get(f"{BASE}/{endpoint}/?format=csv")
    assert response["Content-Disposition"].startswith(f'attachment; filename="{endpoint}-')
    rows = read_csv(response)
    assert rows
    assert set(columns) <= set(rows[0])


def test_csv_values(api, world):
    vendors = {row["slug"]: row for row in read_csv(api.get(f"{BASE}/vendors/?format=csv"))}
    assert vendors["huawei"]["aliases"] == "华为; Huawei Technologies"
    assert vendors["huawei"]["designations"] == "us-entity-list"
    assert vendors["huawei"]["designated_on"] == "2019-05"
    assert vendors["huawei-sub"]["parent_slug"] == ""
    contracts = {row["slug"]: row for row in read_csv(api.get(f"{BASE}/contracts/?format=csv"))}
    assert contracts["ecu-911-loan"]["value_amount"] == "240000000.00"
    assert contracts["safe-society-agreement"]["deployment_slugs"] == "safe-society"
    assert contracts["safe-society-agreement"]["vendor_slugs"] == "huawei"
    places = {row["slug"]: row for row in read_csv(api.get(f"{BASE}/places/?format=csv"))}
    assert places["quito"]["latitude"] == "-0.18070"  # a negative number is not escaped
    assert places["serbia"]["latitude"] == ""
    technologies = {row["slug"]: row for row in read_csv(api.get(f"{BASE}/technologies/?format=csv"))}
    assert technologies["facial-recognition"]["biometric"] == "true"


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_csv_escapes_formulas(api, world, payload):
    builders.deployment("formula", payload, world.rs, summary=payload, data_managed_by="@evil")
    row = next(
        row for row in read_csv(api.get(f"{BASE}/deployments/?format=csv")) if row["slug"] == "formula"
    )
    assert row["name"] == "'" + payload
    assert row["summary"] == "'" + payload
    assert row["data_managed_by"] == "'@evil"
    # JSON is data, not a spreadsheet: unchanged.
    assert api.get(f"{BASE}/deployments/formula/").json()["name"] == payload


def test_csv_is_not_offered_on_details(api, world):
    # A format an endpoint does not offer is a bad parameter: 400 naming it, like any other.
    detail = api.get(f"{BASE}/deployments/safe-society/?format=csv")
    assert detail.status_code == 400
    assert detail.json() == {"format": ["Unknown format 'csv': use one of json."]}
    countries = api.get(f"{BASE}/countries/?format=geojson")
    assert countries.status_code == 400
    assert countries.json() == {"format": ["Unknown format 'geojson': use one of json, csv, xlsx."]}


def test_deployments_geojson(api, world):
    response = api.get(f"{BASE}/deployments/?format=geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    assert response["Content-Disposition"].endswith('.geojson"')
    collection = json.loads(response.getvalue())
    assert collection["type"] == "FeatureCollection"
    features = {feature["id"]: feature for feature in collection["features"]}
    assert set(features) == {"cagliari-smart-city", "ecu-911", "safe-society"}
    safe = features["safe-society"]
    assert safe["type"] == "Feature"
    assert safe["geometry"] == {"type": "MultiPoint", "coordinates": [[20.4569, 44.8178]]}  # [lon, lat]
    assert safe["properties"]["name"] == "Safe Society"
    assert safe["properties"]["vendor_slugs"] == "huawei"
    assert features["ecu-911"]["geometry"]["coordinates"] == [[-78.4678, -0.1807]]


def test_deployment_without_coordinates_has_null_geometry(api, world):
    builders.deployment("nowhere", "Nowhere", world.rs, places=[world.serbia])
    features = json.loads(api.get(f"{BASE}/deployments/?format=geojson&search=nowhere").getvalue())[
        "features"
    ]
    assert [(f["id"], f["geometry"]) for f in features] == [("nowhere", None)]


def test_places_geojson_follows_filters(api, world):
    collection = json.loads(api.get(f"{BASE}/places/?format=geojson&country=EC").getvalue())
    assert collection["features"] == [
        {
            "type": "Feature",
            "id": "quito",
            "geometry": {"type": "Point", "coordinates": [-78.4678, -0.1807]},
            "properties": {
                "slug": "quito",
                "url": "http://testserver/api/v1/places/quito/",
                "name": "Quito",
                "kind": "city",
                "country_code": "EC",
                "country_name": "Ecuador",
                "parent_slug": None,
                "parent_name": None,
                "latitude": -0.1807,
                "longitude": -78.4678,
            },
        }
    ]


@pytest.mark.parametrize(
    "path",
    [
        "deployments/?format=csv",  # COPY export
        "camera-counts/?format=csv",
        "vendors/?format=csv",  # the serializer's export
        "deployments/?format=geojson",
        "deployments/",
        "deployments/safe-society/",
        "deployments/?unknown=1",  # an error names the licence too
    ],
)
def test_every_api_response_links_the_data_licence(api, world, path):
    response = api.get(f"{BASE}/{path}")
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
