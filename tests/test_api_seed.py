"""The API over the seed data of the four cases (fixtures/*.yaml)."""

import csv
import io
import json

from openapi_schema_validator import OAS31Validator, oas31_format_checker, validate

from deployments.models import CameraCount, Contract, Deployment, Measurement
from registry.models import LegalFramework, Source
from tests.api_support import api_fixture, generous_throttling_fixture  # noqa: F401
from vendors.models import Vendor

BASE = "/api/v1"
PUBLISHED_MODELS = {
    "deployments": Deployment,
    "vendors": Vendor,
    "contracts": Contract,
    "camera-counts": CameraCount,
    "measurements": Measurement,
    "legal-frameworks": LegalFramework,
    "sources": Source,
}


def csv_rows(response):
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8"))))


def test_every_published_seed_record_is_listed(api, seed):
    for endpoint, model in PUBLISHED_MODELS.items():
        body = api.get(f"{BASE}/{endpoint}/?page_size=500").json()
        assert body["count"] == model.objects.filter(review_status="published").count() > 0, endpoint


def test_deployments_csv_of_the_seed(api, seed):
    rows = csv_rows(api.get(f"{BASE}/deployments/?format=csv"))
    assert len(rows) == Deployment.objects.filter(review_status="published").count()
    assert rows[0].keys() >= {"slug", "url", "name", "country_code", "vendor_slugs", "started_on", "summary"}
    belgrade = next(row for row in rows if row["slug"] == "belgrade-safe-society")
    assert belgrade["country_code"] == "RS"
    assert belgrade["started_on"] == "2017"
    assert "huawei" in belgrade["vendor_slugs"].split("; ")
    assert len(belgrade["vendor_slugs"].split("; ")) == len(belgrade["vendor_roles"].split("; "))
    assert {row["country_code"] for row in rows} == {"RS", "IT", "EC", "CO"}


def test_huawei_in_europe_as_csv(api, seed):
    rows = csv_rows(api.get(f"{BASE}/deployments/?vendor=huawei&region=europe&format=csv"))
    assert {row["slug"] for row in rows} == {
        "belgrade-safe-society",
        "sardinia-intelligent-region",
        "sardinia-joint-innovation-center-pula",
        "cagliari-safe-city",
    }


def test_every_seed_csv_opens(api, seed):
    for endpoint in [
        "countries",
        "legal-frameworks",
        "vendors",
        "contracts",
        "camera-counts",
        "sources",
        "places",
    ]:
        rows = csv_rows(api.get(f"{BASE}/{endpoint}/?format=csv"))
        assert rows, endpoint
        for row in rows:
            for value in row.values():
                if value.startswith(("=", "+", "-", "@")):
                    float(value)  # only a negative number may start so (e.g. a longitude)


def test_safe_society_detail_says_who_says_so(api, seed):
    body = api.get(f"{BASE}/deployments/belgrade-safe-society/").json()
    assert body["citations"]
    assert all(
        citation["source"]["url"].startswith("http://testserver/api/v1/sources/")
        for citation in body["citations"]
    )
    assert {vendor["slug"] for vendor in body["vendors"]} >= {"huawei"}
    assert body["contracts"]
    for count in body["camera_counts"]:
        assert count["as_of_display"] and count["source"]["slug"]


def test_seed_geojson_opens_as_a_map(api, seed):
    collection = json.loads(api.get(f"{BASE}/deployments/?format=geojson").getvalue())
    assert collection["type"] == "FeatureCollection"
    located = [feature for feature in collection["features"] if feature["geometry"]]
    assert located
    for feature in located:
        for longitude, latitude in feature["geometry"]["coordinates"]:
            assert -180 <= longitude <= 180 and -90 <= latitude <= 90


def test_seed_responses_match_the_schema(api, seed):
    schema = api.get("/api/schema/?format=json").json()
    components = {
        "deployments": "PaginatedDeploymentSummaryList",
        "vendors": "PaginatedVendorList",
        "contracts": "PaginatedContractList",
        "camera-counts": "PaginatedCameraCountList",
        "measurements": "PaginatedMeasurementList",
        "legal-frameworks": "PaginatedLegalFrameworkList",
        "sources": "PaginatedSourceList",
        "countries": "PaginatedCountryList",
        "places": "PaginatedPlaceList",
        "technologies": "PaginatedTechnologyList",
    }
    for endpoint, component in components.items():
        reference = {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
        instance = api.get(f"{BASE}/{endpoint}/?page_size=500").json()
        validate(instance, reference, cls=OAS31Validator, format_checker=oas31_format_checker)
