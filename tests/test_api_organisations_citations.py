"""/api/v1/public-bodies/ (every kind of buyer and operator) and /api/v1/citations/ (facts with
sources: one row per citation of a published record by a published source)."""

import io

import pandas
import pytest

from deployments.choices import PublicBodyKind
from deployments.models import PublicBody
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def results(api, url: str, **params) -> list[dict]:
    response = api.get(url, {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_every_kind_of_public_body_is_listed_and_filterable(api, world):
    for kind in PublicBodyKind.values:
        PublicBody.objects.create(
            slug=f"body-{kind}", name=f"A {kind}", country=world.rs, kind=kind, review_status="published"
        )
    listed = results(api, f"{BASE}/public-bodies/")
    assert {row["kind"] for row in listed} == set(PublicBodyKind.values)
    police = results(api, f"{BASE}/public-bodies/", kind="police")
    assert [row["slug"] for row in police] == ["body-police"]
    assert [row["slug"] for row in results(api, f"{BASE}/public-bodies/", country="EC")] == [
        "ecu-911-service"
    ]
    assert api.get(f"{BASE}/public-bodies/", {"kind": "army"}).status_code == 400


def test_a_public_body_links_its_deployments_and_contracts(api, world):
    body = api.get(f"{BASE}/public-bodies/mup-serbia/").json()
    assert body["name"] == "Ministry of Interior of Serbia"
    assert body["country"]["code"] == "RS"
    operated = api.get(body["deployments"]).json()["results"]
    assert [row["slug"] for row in operated] == ["safe-society"]  # not the draft it also operates
    bought = api.get(body["contracts"]).json()["results"]
    assert [row["slug"] for row in bought] == ["safe-society-agreement"]
    # Deployments and contracts link their operator and buyer.
    deployment = api.get(f"{BASE}/deployments/safe-society/").json()
    assert deployment["operator"]["url"].endswith("/api/v1/public-bodies/mup-serbia/")
    contract = api.get(f"{BASE}/contracts/ecu-911-loan/").json()
    assert contract["buyer"]["url"].endswith("/api/v1/public-bodies/ecu-911-service/")


def test_a_retracted_public_body_leaves_a_tombstone(api, world):
    world.mup.review_status = "retracted"
    world.mup.retraction_reason = "Merged into another record."
    world.mup.save()
    gone = api.get(f"{BASE}/public-bodies/mup-serbia/")
    assert gone.status_code == 410
    assert gone.json()["detail"] == "This public body was retracted."
    assert (gone.json()["name"], gone.json()["reason"]) == (
        "Ministry of Interior of Serbia",
        "Merged into another record.",
    )
    assert api.get(f"{BASE}/public-bodies/never-existed/").status_code == 404


def test_citations_list_every_published_fact_with_its_source(api, world):
    world.src.publisher = "BIRN"
    world.src.url = "https://birn.example/safe-society"
    world.src.archived_url = "https://archive.example/birn"
    world.src.save()
    rows = results(api, f"{BASE}/citations/")
    cited = {(row["record"]["kind"], row["record"]["slug"], row["field"]) for row in rows}
    assert cited == {
        ("deployment", "safe-society", "started_on"),
        ("contract", "safe-society-agreement", ""),
        ("vendor", "huawei", ""),
        ("legal-framework", "serbia-data-protection-law", ""),
    }  # not the citations by a draft or retracted source
    row = next(row for row in rows if row["record"]["kind"] == "deployment")
    assert row["record"]["name"] == "Safe Society"
    assert row["record"]["url"].endswith("/api/v1/deployments/safe-society/")
    assert row["locator"] == "p. 12"
    assert row["confidence"] == "reported"
    assert row["source"]["title"] == "Safe Society in Serbia"
    assert row["source"]["publisher"] == "BIRN"
    assert row["source"]["published_on"] == "2020-03"
    assert row["source"]["original_url"] == "https://birn.example/safe-society"
    assert row["source"]["archived_url"] == "https://archive.example/birn"


def test_citations_of_unpublished_records_never_show(api, world):
    from deployments.models import DeploymentCitation

    DeploymentCitation.objects.create(record=world.secret, source=world.src, field="name")
    rows = results(api, f"{BASE}/citations/", record_kind="deployment")
    assert {row["record"]["slug"] for row in rows} == {"safe-society"}


def test_citations_filter_and_export(api, world):
    vendors = results(api, f"{BASE}/citations/", record_kind="vendor", record="huawei")
    assert len(vendors) == 1
    assert (
        results(api, f"{BASE}/citations/", source="bird-report-2020", field="started_on")[0]["locator"]
        == "p. 12"
    )
    assert api.get(f"{BASE}/citations/", {"source": "draft-leak"}).status_code == 404
    assert api.get(f"{BASE}/citations/", {"search": "x"}).status_code == 400  # no search here
    response = api.get(f"{BASE}/citations/", {"format": "csv"})
    table = pandas.read_csv(
        io.BytesIO(b"".join(response.streaming_content)), dtype=str, keep_default_na=False
    )
    assert list(table.columns) == [
        "record_kind",
        "record_slug",
        "record_name",
        "record_url",
        "field",
        "item",
        "confidence",
        "locator",
        "quote",
        "source_slug",
        "source_title",
        "source_publisher",
        "source_published_on",
        "source_url",
        "source_archived_url",
    ]
    assert len(table) == 4
    row = table.set_index("record_slug").loc["safe-society"]
    assert (row["record_kind"], row["field"], row["source_title"]) == (
        "deployment",
        "started_on",
        "Safe Society in Serbia",
    )
