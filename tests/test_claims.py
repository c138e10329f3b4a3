"""Claims per item: each technology, purpose and governance concern of a deployment with its own
sources and confidence (deployments/claims.py), in the API, its filters, the website, the admin and
import/export; and the seed's items as its sources have them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import override_settings

from deployments.models import DeploymentCitation
from deployments.resources import DeploymentCitationResource
from registry.curation.roles import ensure_curator_group
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture  # noqa: F401
from tests.test_admin import add_inline_row, all_errors, change_url, form_data

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


@pytest.fixture(name="claims")
def claims_fixture(db):
    """``brief`` claims facial recognition in ``cagliari``, a newspaper confirms its cameras; a draft
    source's "confirmation" counts for nothing; ``belgrade``'s facial recognition is confirmed."""
    w = builders.build_world()
    w.brief = builders.source("the-brief")
    w.paper = builders.source("the-paper")
    w.leak = builders.source("a-leak", "draft")
    w.cagliari_sc = builders.deployment(
        "cagliari-sc",
        country_obj=w.it,
        technologies=[w.face, w.video],
        purposes=["public-safety", "traffic"],
        governance_concerns=["political-misuse"],
    )
    w.belgrade_sc = builders.deployment("belgrade-sc", country_obj=w.rs, technologies=[w.face])
    w.quito_sc = builders.deployment("quito-sc", country_obj=w.ec, technologies=[w.face])

    def cite(record, source, field, item, confidence):
        DeploymentCitation.objects.create(
            record=record, source=source, field=field, item=item, confidence=confidence
        )

    cite(w.cagliari_sc, w.brief, "technologies", "facial-recognition", "claimed")
    cite(w.cagliari_sc, w.leak, "technologies", "facial-recognition", "confirmed")
    cite(w.cagliari_sc, w.paper, "technologies", "video-surveillance", "confirmed")
    cite(w.cagliari_sc, w.brief, "technologies", "video-surveillance", "reported")
    cite(w.cagliari_sc, w.paper, "technologies", "", "confirmed")  # the whole field: no item's confidence
    cite(w.cagliari_sc, w.brief, "purposes", "public-safety", "reported")
    cite(w.cagliari_sc, w.brief, "governance_concerns", "political-misuse", "claimed")
    cite(w.belgrade_sc, w.paper, "technologies", "facial-recognition", "confirmed")
    cite(w.belgrade_sc, w.brief, "technologies", "facial-recognition", "disputed")
    return w


def slugs(api, query):
    response = api.get(f"{BASE}/deployments/?{query}")
    assert response.status_code == 200, response.content
    return sorted(item["slug"] for item in response.json()["results"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("technology=facial-recognition&confidence=confirmed", ["belgrade-sc"]),
        ("technology=facial-recognition&confidence=claimed", ["cagliari-sc"]),
        ("technology=facial-recognition&confidence=unsourced", ["quito-sc", "safe-society"]),
        (
            "technology=facial-recognition&confidence=claimed,unsourced",
            ["cagliari-sc", "quito-sc", "safe-society"],
        ),
        (
            "technology=facial-recognition,video-surveillance&confidence=confirmed",
            ["belgrade-sc", "cagliari-sc"],
        ),
        ("technology=video-surveillance&confidence=confirmed&country=IT", ["cagliari-sc"]),
        ("purpose=public-safety&confidence=reported", ["cagliari-sc"]),
        ("purpose=public-safety&confidence=confirmed", []),
        ("purpose=traffic&confidence=unsourced", ["cagliari-sc"]),
        ("purpose=public-safety&purpose=traffic&confidence=reported", []),  # every purpose must be
        ("concern=political-misuse&confidence=claimed", ["cagliari-sc"]),
        ("concern=political-misuse&confidence=confirmed", []),
        ("technology=facial-recognition&purpose=public-safety&confidence=claimed,reported", ["cagliari-sc"]),
    ],
)
def test_confidence_qualifies_the_items_asked_for(api, claims, query, expected):
    assert slugs(api, query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("confidence=confirmed", "give technology, purpose or concern with it"),
        ("technology=facial-recognition&confidence=sure", "not one of the available choices"),
    ],
)
def test_a_bad_confidence_is_a_clear_400(api, claims, query, message):
    response = api.get(f"{BASE}/deployments/?{query}")
    assert response.status_code == 400
    assert message in str(response.json()["confidence"])


def test_an_unknown_technology_with_a_confidence_is_the_usual_404(api, claims):
    response = api.get(f"{BASE}/deployments/?technology=no-such-thing&confidence=confirmed")
    assert response.status_code == 404
    assert set(response.json()) == {"technology"}


EXPECTED_CLAIMS = {
    "technology_claims": [
        {"technology": "facial-recognition", "confidence": "claimed", "sources": ["the-brief"]},
        {
            "technology": "video-surveillance",
            "confidence": "confirmed",
            "sources": ["the-paper", "the-brief"],
        },
    ],
    "purpose_claims": [
        {"purpose": "public-safety", "confidence": "reported", "sources": ["the-brief"]},
        {"purpose": "traffic", "confidence": "unsourced", "sources": []},
    ],
    "concern_claims": [{"concern": "political-misuse", "confidence": "claimed", "sources": ["the-brief"]}],
}


@pytest.mark.parametrize("sql_json", [True, False])
def test_each_item_with_its_confidence_and_sources_in_the_api(api, claims, sql_json):
    with override_settings(API_JSON_SQL=sql_json):
        detail = api.get(f"{BASE}/deployments/cagliari-sc/").json()
        (listed,) = api.get(f"{BASE}/deployments/?country=IT&technology=facial-recognition").json()["results"]
    for body in (detail, listed):
        assert {key: body[key] for key in EXPECTED_CLAIMS} == EXPECTED_CLAIMS
        keys = list(body)
        assert keys.index("technology_claims") == keys.index("technologies") + 1  # beside the lists
        assert keys.index("purpose_claims") == keys.index("purposes") + 1
        assert keys.index("concern_claims") == keys.index("governance_concerns") + 1
        item_citations = [c for c in body["citations"] if c["item"]]
        assert {(c["field"], c["item"]) for c in item_citations} >= {("technologies", "facial-recognition")}
        assert "a-leak" not in str(body)  # a draft source is never shown, nor counted
    belgrade = api.get(f"{BASE}/deployments/belgrade-sc/").json()["technology_claims"]
    assert belgrade == [
        {"technology": "facial-recognition", "confidence": "confirmed", "sources": ["the-paper", "the-brief"]}
    ]


def test_the_public_citations_list_shows_the_item(api, claims):
    rows = api.get(f"{BASE}/citations/?record_kind=deployment&record=cagliari-sc&page_size=50").json()[
        "results"
    ]
    assert {(row["field"], row["item"], row["confidence"]) for row in rows} >= {
        ("technologies", "facial-recognition", "claimed"),
        ("technologies", "", "confirmed"),
    }


def test_the_website_marks_the_items_the_sources_do_not_confirm(client, claims):
    page = client.get("/deployments/cagliari-sc/").content.decode()
    assert 'Facial recognition <span class="confidence confidence-claimed"' in page
    assert 'Video surveillance <span class="confidence' not in page  # confirmed: no badge
    assert "confidence-unsourced" in page  # traffic
    listed = client.get("/deployments/?technology=facial-recognition&confidence=claimed")
    assert [d.slug for d in listed.context["deployments"]] == ["cagliari-sc"]
    (facet,) = [facet for facet in listed.context["facets"] if facet["name"] == "confidence"]
    assert [(o["value"], o["checked"]) for o in facet["options"]][:3] == [
        ("confirmed", False),
        ("reported", False),
        ("claimed", True),
    ]
    refused = client.get("/deployments/?confidence=claimed")
    assert refused.status_code == 400


def test_an_item_must_be_one_of_the_records_items(claims):
    citation = DeploymentCitation(
        record=claims.belgrade_sc,
        source=claims.brief,
        field="technologies",
        item="drones",
        confidence="claimed",
    )
    with pytest.raises(ValidationError, match="not one of this record's technologies"):
        citation.full_clean()
    citation.field = "summary"
    with pytest.raises(ValidationError, match="An item belongs to a list field"):
        citation.full_clean()
    citation.field, citation.item = "technologies", "facial-recognition"
    citation.clean()  # one of its technologies


def test_a_curator_cites_one_item_in_the_admin(client, claims):
    curator = get_user_model().objects.create_user("curator", password="a long test password", is_staff=True)
    curator.groups.add(ensure_curator_group())
    client.force_login(curator)
    curator_client = client
    # A draft: a published record's edits go through review (registry/curation/revisions.py).
    deployment = builders.deployment(
        "draft-sc", review="draft", country_obj=claims.rs, technologies=[claims.face]
    )
    data = form_data(curator_client.get(change_url(deployment)))
    add_inline_row(
        data, "citations", source=claims.brief.pk, field="technologies", item="drones", confidence="claimed"
    )
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 200
    assert any("'drones' is not one of this record's technologies" in error for error in all_errors(response))
    assert not deployment.citations.filter(item="drones").exists()

    # The technology added in the same edit can be cited at once.
    drones = builders.technology("drones", "Drones")
    data = form_data(curator_client.get(change_url(deployment)))
    data["technologies"] = [str(claims.face.pk), str(drones.pk)]
    add_inline_row(
        data, "citations", source=claims.brief.pk, field="technologies", item="drones", confidence="claimed"
    )
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 302, all_errors(response)
    assert deployment.citations.get(item="drones").confidence == "claimed"


def test_item_citations_go_through_export_and_import(claims):
    exported = DeploymentCitationResource().export()
    assert exported.headers[exported.headers.index("field") + 1] == "item"
    fields = ("record__slug", "source__slug", "field", "item", "confidence")
    before = sorted(DeploymentCitation.objects.values_list(*fields))
    DeploymentCitation.objects.all().delete()
    result = DeploymentCitationResource(diff=False).import_data(exported)
    assert not result.has_errors() and not result.has_validation_errors()
    assert sorted(DeploymentCitation.objects.values_list(*fields)) == before

    # A row citing an item the record does not have is refused, and nothing is written.
    bad = DeploymentCitationResource().export()
    bad.append(["belgrade-sc", "the-brief", "technologies", "drones", "", "", "claimed"])
    DeploymentCitation.objects.all().delete()
    refused = DeploymentCitationResource(diff=False).import_data(bad)
    assert refused.has_validation_errors()
    assert "'drones' is not one of this record's technologies" in str(refused.invalid_rows[0].error_dict)
    assert not DeploymentCitation.objects.exists()


def test_the_seed_says_what_its_sources_say(api, seed):
    claimed = slugs(api, "technology=facial-recognition&confidence=claimed")
    confirmed = slugs(api, "technology=facial-recognition&confidence=confirmed")
    assert "cagliari-safe-city" in claimed and "cagliari-safe-city" not in confirmed
    assert "belgrade-safe-society" in confirmed
    assert "cagliari-safe-city" in slugs(api, "technology=video-surveillance&confidence=confirmed")
    cagliari = api.get(f"{BASE}/deployments/cagliari-safe-city/").json()
    by_technology = {c["technology"]: c for c in cagliari["technology_claims"]}
    assert by_technology["facial-recognition"] == {
        "technology": "facial-recognition",
        "confidence": "claimed",
        "sources": ["stg-policy-brief-2024-17"],
    }
    assert by_technology["video-surveillance"]["confidence"] == "confirmed"
    serbia = {
        c["concern"]: c
        for c in api.get(f"{BASE}/deployments/belgrade-safe-society/").json()["concern_claims"]
    }
    for concern in ("political-misuse", "human-rights-abuses", "loss-of-sovereignty"):
        assert serbia[concern]["confidence"] == "claimed"
        assert serbia[concern]["sources"] == ["stg-policy-brief-2024-17"]
    assert serbia["confidential-contract"]["confidence"] == "confirmed"
    assert slugs(api, "concern=political-misuse&confidence=claimed") == ["belgrade-safe-society"]
    # Every seed citation of an item names one of its record's items.
    for citation in DeploymentCitation.objects.exclude(item="").select_related("record"):
        citation.full_clean()
