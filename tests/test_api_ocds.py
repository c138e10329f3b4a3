"""?format=ocds on contracts: OCDS 1.1 release packages, checked against what the standard requires.

``OCDS_1_1`` is the part of the OCDS 1.1 release package and release schemas
(https://standard.open-contracting.org/1.1/en/schema/) the registry's packages use, written from the
standard's documentation: the required fields, the date-time and URI formats, and the codelists
whose codes the export uses (releaseTag, initiationType, partyRole, method, currency: ISO 4217).
"""

import json
from decimal import Decimal
from urllib.parse import urlparse

import pycountry
import pytest
from jsonschema import Draft4Validator, FormatChecker
from openapi_schema_validator import OAS31Validator, oas31_format_checker, validate

from deployments.models import ContractCitation, ContractParty, Organisation
from registry.choices import ReviewStatus
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1/contracts"
MEDIA_TYPE = "application/vnd.ocds+json"

DATE_TIME = {"type": "string", "format": "date-time"}
URI = {"type": "string", "format": "uri"}
RELEASE_TAGS = [
    "planning",
    "planningUpdate",
    "tender",
    "tenderAmendment",
    "tenderUpdate",
    "tenderCancellation",
    "award",
    "awardUpdate",
    "awardCancellation",
    "contract",
    "contractUpdate",
    "contractAmendment",
    "implementation",
    "implementationUpdate",
    "contractTermination",
    "compiled",
]
PARTY_ROLES = [
    "buyer",
    "procuringEntity",
    "supplier",
    "tenderer",
    "funder",
    "enquirer",
    "payer",
    "payee",
    "reviewBody",
    "interestedParty",
]
VALUE = {
    "type": "object",
    "properties": {
        "amount": {"type": "number"},
        "currency": {"enum": sorted(currency.alpha_3 for currency in pycountry.currencies)},
    },
}
ORGANIZATION_REFERENCE = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}
DOCUMENT = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "title": {"type": "string"},
        "url": URI,
        "datePublished": DATE_TIME,
        "dateModified": DATE_TIME,
    },
}
ITEM = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "minLength": 1}}}
OCDS_1_1 = {
    "type": "object",
    "required": ["uri", "publisher", "publishedDate", "releases", "version"],
    "properties": {
        "uri": URI,
        "version": {"type": "string", "pattern": r"^(\d+\.)(\d+)$"},
        "publishedDate": DATE_TIME,
        "publisher": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        "license": URI,
        "publicationPolicy": URI,
        "releases": {
            "type": "array",
            "minItems": 0,
            "items": {
                "type": "object",
                "required": ["ocid", "id", "date", "tag", "initiationType"],
                "properties": {
                    "ocid": {"type": "string", "minLength": 1},
                    "id": {"type": "string", "minLength": 1, "not": {"pattern": "#"}},
                    "date": DATE_TIME,
                    "tag": {"type": "array", "minItems": 1, "items": {"enum": RELEASE_TAGS}},
                    "initiationType": {"enum": ["tender"]},
                    "parties": {
                        "type": "array",
                        "uniqueItems": True,
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "string"},
                                "name": {"type": "string"},
                                "roles": {"type": "array", "items": {"enum": PARTY_ROLES}},
                            },
                        },
                    },
                    "buyer": ORGANIZATION_REFERENCE,
                    "tender": {
                        "type": "object",
                        "required": ["id"],
                        "properties": {
                            "procurementMethod": {"enum": ["open", "selective", "limited", "direct"]},
                            "value": VALUE,
                            "items": {"type": "array", "minItems": 1, "items": ITEM},
                            "documents": {"type": "array", "items": DOCUMENT},
                        },
                    },
                    "awards": {
                        "type": "array",
                        "uniqueItems": True,
                        "items": {
                            "type": "object",
                            "required": ["id"],
                            "properties": {
                                "date": DATE_TIME,
                                "value": VALUE,
                                "suppliers": {"type": "array", "items": ORGANIZATION_REFERENCE},
                                "items": {"type": "array", "minItems": 1, "items": ITEM},
                            },
                        },
                    },
                    "contracts": {
                        "type": "array",
                        "uniqueItems": True,
                        "items": {
                            "type": "object",
                            "required": ["id", "awardID"],
                            "properties": {
                                "dateSigned": DATE_TIME,
                                "value": VALUE,
                                "documents": {"type": "array", "items": DOCUMENT},
                            },
                        },
                    },
                },
            },
        },
    },
}

FORMATS = FormatChecker(["date-time"])


@FORMATS.checks("uri")
def is_absolute_uri(value) -> bool:
    parsed = urlparse(value)
    return bool(parsed.scheme and parsed.netloc)


def package(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == f"{MEDIA_TYPE}; charset=utf-8"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    data = json.loads(body)
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator().iter_errors(data)]
    assert errors == []
    for release in data["releases"]:
        assert release["date"] <= data["publishedDate"]
    return data


def validator() -> Draft4Validator:
    return Draft4Validator(OCDS_1_1, format_checker=FORMATS)


def releases_by_slug(data: dict) -> dict:
    return {release["ocid"].removeprefix("ocds-unregistered-"): release for release in data["releases"]}


def party(release: dict, party_id: str) -> dict:
    (found,) = [entry for entry in release["parties"] if entry["id"] == party_id]
    return found


def test_the_schema_fragment_refuses_what_ocds_refuses():
    """The test's own schema catches the mistakes it is there for."""
    good = {
        "uri": "http://testserver/x",
        "publisher": {"name": "R"},
        "publishedDate": "2024-01-01T00:00:00Z",
        "version": "1.1",
        "releases": [
            {
                "ocid": "o",
                "id": "1",
                "date": "2024-01-01T00:00:00Z",
                "tag": ["contract"],
                "initiationType": "tender",
            }
        ],
    }
    assert validator().is_valid(good)
    for path, bad in [
        (("releases", 0, "date"), "2017"),
        (("releases", 0, "tag"), ["signed"]),
        (("releases", 0, "parties"), [{"id": "v", "roles": ["subcontractor"]}]),
        (
            ("releases", 0, "contracts"),
            [{"id": "c", "awardID": "a", "value": {"amount": 1, "currency": "XYZ"}}],
        ),
        (("releases", 0, "contracts"), [{"id": "c", "awardID": "a", "dateSigned": "2017-02"}]),
    ]:
        broken = json.loads(json.dumps(good))
        broken[path[0]][path[1]][path[2]] = bad
        assert not validator().is_valid(broken), bad
    assert not validator().is_valid({key: value for key, value in good.items() if key != "publishedDate"})


def test_a_contract_with_its_buyer_supplier_and_value(api, world):
    data = package(api.get(f"{BASE}/safe-society-agreement/?format=ocds"))
    assert data["version"] == "1.1"
    assert data["uri"] == "http://testserver/api/v1/contracts/safe-society-agreement/?format=ocds"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["publisher"]["name"] == "Surveillance Deployment Registry"
    (release,) = data["releases"]
    assert release["ocid"] == "ocds-unregistered-safe-society-agreement"
    assert release["tag"] == ["contract"]
    assert release["buyer"] == {"id": "public-body-mup-serbia", "name": "Ministry of Interior of Serbia"}
    buyer = party(release, "public-body-mup-serbia")
    assert buyer["roles"] == ["buyer"]
    assert buyer["address"] == {"countryName": "Serbia"}
    assert buyer["details"]["url"] == "http://testserver/api/v1/public-bodies/mup-serbia/"
    supplier = party(release, "vendor-huawei")
    assert supplier["roles"] == ["supplier"]
    assert supplier["details"] == {
        "url": "http://testserver/api/v1/vendors/huawei/",
        "registryRoles": ["supplier"],
    }
    # ShadowCorp, a subcontractor, is a draft vendor: no party at all.
    assert [entry["id"] for entry in release["parties"]] == ["public-body-mup-serbia", "vendor-huawei"]
    (award,) = release["awards"]
    assert award["suppliers"] == [{"id": "vendor-huawei", "name": "Huawei"}]
    assert award["value"] == {"amount": 150000000.0, "currency": "EUR"}
    # The draft deployment (secret-pilot) is no item.
    assert award["items"] == [{"id": "deployment-safe-society", "description": "Safe Society"}]
    (contract,) = release["contracts"]
    assert contract["awardID"] == award["id"]
    assert contract["value"] == {"amount": 150000000.0, "currency": "EUR"}
    # The source has no URL: a document without one.
    assert contract["documents"] == [
        {
            "id": "bird-report-2020",
            "title": "Safe Society in Serbia",
            "datePublishedAsGiven": "2020-03",
            "language": "en",
        }
    ]


def test_a_signing_date_is_as_precise_as_its_source(api, world):
    builders.contract("day-contract", "Day contract", world.mup, signed_on="2019-05-07")
    releases = releases_by_slug(package(api.get(f"{BASE}/?format=ocds")))
    year = releases["ecu-911-loan"]["contracts"][0]
    assert "dateSigned" not in year  # 2011: never presented as 1 January 2011
    assert year["dateSignedAsGiven"] == "2011"
    month = releases["safe-society-agreement"]["contracts"][0]
    assert "dateSigned" not in month
    assert month["dateSignedAsGiven"] == "2017-02"
    day = releases["day-contract"]["contracts"][0]
    assert day["dateSigned"] == "2019-05-07T00:00:00Z"
    assert day["dateSignedAsGiven"] == "2019-05-07"


def test_draft_and_retracted_contracts_are_absent(api, world):
    builders.contract("retracted-contract", "Retracted contract", world.mup, builders.RETRACTED)
    data = package(api.get(f"{BASE}/?format=ocds"))
    assert sorted(releases_by_slug(data)) == ["ecu-911-loan", "safe-society-agreement"]
    assert api.get(f"{BASE}/draft-contract/?format=ocds").status_code == 404
    gone = api.get(f"{BASE}/retracted-contract/?format=ocds")
    assert gone.status_code == 410
    assert gone["Content-Type"] == "application/json"


def test_draft_and_retracted_sources_are_no_documents(api, world):
    ContractCitation.objects.create(record=world.contract, source=world.src_draft, field="name")
    ContractCitation.objects.create(record=world.contract, source=world.src_retracted, field="value_amount")
    ContractCitation.objects.create(record=world.contract, source=world.src, field="signed_on")
    data = package(api.get(f"{BASE}/safe-society-agreement/?format=ocds"))
    # Cited twice, listed once; the draft and the retracted source not at all.
    assert [document["id"] for document in data["releases"][0]["contracts"][0]["documents"]] == [
        "bird-report-2020"
    ]


def test_a_source_published_on_a_known_day_has_its_date_published(api, world):
    dated = builders.source(
        "decree-2017", title="Decree", published_on="2017-02-07", url="https://example.org/d"
    )
    ContractCitation.objects.create(record=world.ecu_loan, source=dated)
    release = package(api.get(f"{BASE}/ecu-911-loan/?format=ocds"))["releases"][0]
    (document,) = release["contracts"][0]["documents"]
    assert document["datePublished"] == "2017-02-07T00:00:00Z"
    assert document["url"] == "https://example.org/d"


def test_a_party_appears_once_with_all_its_roles_and_each_sources_contribution(api, world):
    contract = builders.contract(
        "financed", "Financed contract", world.ecu911, parties=[(world.huawei, "subcontractor")]
    )
    other = builders.source("loan-report", title="Loan report")
    for source, amount in ((None, None), (world.src, "240000000"), (other, "200000000")):
        ContractParty.objects.create(
            contract=contract,
            vendor=world.ceiec,
            role="financier" if source is None else "",
            roles=["supplier", "funder"] if source is None else ["funder"],
            contribution_amount=amount,
            contribution_currency="USD" if amount else "",
            source=source,
        )
    release = package(api.get(f"{BASE}/financed/?format=ocds"))["releases"][0]
    ceiec = party(release, "vendor-ceiec")
    assert ceiec["roles"] == ["supplier", "funder"]
    assert ceiec["details"]["registryRoles"] == ["financier"]
    assert [(c["amount"], c["currency"], c["source"]) for c in ceiec["details"]["contributions"]] == [
        (240000000.0, "USD", world.src.slug),
        (200000000.0, "USD", "loan-report"),
    ]
    # A subcontractor has no OCDS role of its own: interestedParty, its registry role in the details.
    huawei = party(release, "vendor-huawei")
    assert huawei["roles"] == ["interestedParty"]
    assert huawei["details"]["registryRoles"] == ["subcontractor"]
    assert release["awards"][0]["suppliers"] == [{"id": "vendor-ceiec", "name": "CEIEC"}]
    assert "value" not in release["awards"][0]
    assert "dateSigned" not in release["contracts"][0]


def test_a_public_body_or_organisation_party_keeps_its_roles(api, world):
    lender = Organisation.objects.create(
        slug="state-bank", name="State bank", kind="lender", review_status=ReviewStatus.PUBLISHED
    )
    ContractParty.objects.create(contract=world.ecu_loan, organisation=lender, roles=["funder"])
    secret = Organisation.objects.create(slug="secret-lender", name="Secret lender", kind="lender")
    ContractParty.objects.create(contract=world.ecu_loan, organisation=secret, roles=["funder"])
    release = package(api.get(f"{BASE}/ecu-911-loan/?format=ocds"))["releases"][0]
    lender_entry = party(release, "organisation-state-bank")
    assert lender_entry["roles"] == ["funder"]
    assert lender_entry["details"] == {"url": "http://testserver/api/v1/organisations/state-bank/"}
    assert "organisation-secret-lender" not in [entry["id"] for entry in release["parties"]]


def test_a_call_for_bids_is_a_tender_release(api, world):
    builders.contract(
        "camera-tender",
        "Camera tender",
        world.cagliari_city,
        kind="tender",
        procurement_method="tender",
        value_amount=Decimal("1000.00"),
        value_currency="EUR",
        deployments=[world.cagliari_system],
    )
    release = package(api.get(f"{BASE}/camera-tender/?format=ocds"))["releases"][0]
    assert release["tag"] == ["tender"]
    assert "awards" not in release and "contracts" not in release
    assert release["tender"]["procurementMethod"] == "open"
    assert release["tender"]["value"] == {"amount": 1000.0, "currency": "EUR"}
    assert release["tender"]["items"] == [
        {"id": "deployment-cagliari-smart-city", "description": "Cagliari smart city"}
    ]


def test_the_list_is_streamed_and_filtered_as_the_json_list(api, world):
    response = api.get(f"{BASE}/?format=ocds&vendor=ceiec")
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="contracts-')
    assert response["Content-Disposition"].endswith('.json"')
    assert list(releases_by_slug(package(response))) == ["ecu-911-loan"]
    by_country = package(api.get(f"{BASE}/?format=ocds&buyer_country=RS"))
    json_list = api.get(f"{BASE}/?buyer_country=RS").json()["results"]
    assert (
        list(releases_by_slug(by_country)) == [row["slug"] for row in json_list] == ["safe-society-agreement"]
    )
    searched = package(api.get(f"{BASE}/?format=ocds&search=loan"))
    assert list(releases_by_slug(searched)) == ["ecu-911-loan"]


@pytest.mark.parametrize(
    "query", ["vendor=no-such-vendor", "kind=bribe", "signed_after=2017-13", "page_size=0", "colour=red"]
)
def test_a_bad_filter_is_the_json_lists_error(api, world, query):
    as_json = api.get(f"{BASE}/?{query}")
    as_ocds = api.get(f"{BASE}/?format=ocds&{query}")
    assert 400 <= as_ocds.status_code < 500
    assert as_ocds.status_code == as_json.status_code
    assert as_ocds["Content-Type"] == "application/json"
    assert as_ocds.json() == as_json.json()


def test_ocids_are_stable_and_release_ids_follow_changes(api, world, settings):
    first = releases_by_slug(package(api.get(f"{BASE}/?format=ocds")))
    second = releases_by_slug(package(api.get(f"{BASE}/?format=ocds")))
    assert {slug: (r["ocid"], r["id"], r["date"]) for slug, r in first.items()} == {
        slug: (r["ocid"], r["id"], r["date"]) for slug, r in second.items()
    }
    world.contract.summary = "Amended summary."
    world.contract.save()
    changed = releases_by_slug(package(api.get(f"{BASE}/?format=ocds")))["safe-society-agreement"]
    assert changed["ocid"] == first["safe-society-agreement"]["ocid"]
    assert changed["id"] != first["safe-society-agreement"]["id"]
    assert changed["date"] > first["safe-society-agreement"]["date"]
    settings.OCDS_OCID_PREFIX = "ocds-a1b2c3"
    settings.OCDS_PUBLICATION_POLICY_URL = "https://registry.example.org/publication-policy"
    data = package(api.get(f"{BASE}/ecu-911-loan/?format=ocds"))
    assert data["releases"][0]["ocid"] == "ocds-a1b2c3-ecu-911-loan"
    assert data["publicationPolicy"] == "https://registry.example.org/publication-policy"


def test_an_empty_list_is_a_valid_package(api, world):
    data = package(api.get(f"{BASE}/?format=ocds&kind=mou"))
    assert data["releases"] == []


def test_other_lists_do_not_offer_ocds(api, world):
    response = api.get("/api/v1/deployments/?format=ocds")
    assert response.status_code == 400
    assert "Unknown format 'ocds'" in response.json()["format"][0]


def test_the_api_schema_describes_the_package(api, world):
    schema = api.get("/api/schema/?format=json").json()
    for path in ("/api/v1/contracts/", "/api/v1/contracts/{slug}/"):
        operation = schema["paths"][path]["get"]
        formats = next(p for p in operation["parameters"] if p["name"] == "format")["schema"]["enum"]
        assert "ocds" in formats
        described = operation["responses"]["200"]["content"][MEDIA_TYPE]["schema"]
        url = f"{BASE}/?format=ocds" if path.endswith("contracts/") else f"{BASE}/ecu-911-loan/?format=ocds"
        validate(package(api.get(url)), described, cls=OAS31Validator, format_checker=oas31_format_checker)
    deployments = schema["paths"]["/api/v1/deployments/"]["get"]
    assert MEDIA_TYPE not in deployments["responses"]["200"]["content"]


def test_the_seed_contracts_are_a_valid_package(api, seed, tmp_path):
    """The four cases as `make run` loads them: every published contract has a release, valid OCDS."""
    data = package(api.get(f"{BASE}/?format=ocds"))
    json_slugs = [row["slug"] for row in api.get(f"{BASE}/?page_size=500").json()["results"]]
    assert list(releases_by_slug(data)) == json_slugs
    strategic = releases_by_slug(data)["rs-moi-huawei-strategic-partnership-2017"]
    assert strategic["contracts"][0]["dateSignedAsGiven"] == "2017-02"
    assert "dateSigned" not in strategic["contracts"][0]
    assert {"id": "vendor-huawei", "name": "Huawei"} in strategic["awards"][0]["suppliers"]
