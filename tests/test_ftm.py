"""The FollowTheMoney export (api/ftm.py): ``manage.py export_ftm`` and ``/api/v1/export/ftm``."""

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from followthemoney import model
from followthemoney.types import registry

from api.ftm import KEY_PREFIX, UncleanValue, make, put
from deployments.models import ContractParty, Organisation
from registry.choices import ReviewStatus
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/api/v1/export/ftm"


def export() -> list[dict]:
    out = io.StringIO()
    call_command("export_ftm", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def expected_id(*key: str) -> str:
    """make_id's sha1 of the key prefix and the natural key, computed here without followthemoney."""
    return hashlib.sha1("".join((KEY_PREFIX, *key)).encode(), usedforsecurity=False).hexdigest()


def by_name(entities: list[dict], schema: str, name: str) -> dict:
    (found,) = [e for e in entities if e["schema"] == schema and name in e["properties"].get("name", ())]
    return found


def of_schema(entities: list[dict], schema: str) -> list[dict]:
    return [e for e in entities if e["schema"] == schema]


def assert_valid(entities: list[dict]) -> None:
    """Every property belongs to its schema, every value survives FtM's cleaning unchanged (nothing
    dropped, nothing rewritten), ids are unique and every link points at an exported entity."""
    ids = [e["id"] for e in entities]
    assert len(ids) == len(set(ids))
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract, data
        assert data["properties"], data
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.id == data["id"]
        for name, values in data["properties"].items():
            prop = schema.get(name)
            assert prop is not None, (data["schema"], name)
            assert values, (data["id"], name)
            assert sorted(proxy.get(name)) == sorted(values), (data["schema"], name, values)
            if prop.type == registry.entity:
                assert set(values) <= set(ids), (data["schema"], name, values)
        for name in schema.required:
            assert proxy.get(name), (data["schema"], name)


@pytest.fixture(name="ftm_world")
def ftm_world_fixture(world):
    world.holding = builders.vendor(
        "huawei-holding", "Huawei Investment & Holding", headquarters_country=world.cn
    )
    world.huawei.parent = world.holding
    world.huawei.save()
    return world


def test_every_entity_is_valid_for_its_schema(ftm_world):
    entities = export()
    assert_valid(entities)
    assert {e["schema"] for e in entities} == {
        "Document",
        "PublicBody",
        "Company",
        "Ownership",
        "Sanction",
        "Project",
        "ProjectParticipant",
        "Contract",
        "ContractAward",
    }


def test_the_seed_exports_valid_entities(seed):
    entities = export()
    assert_valid(entities)
    schemata = {e["schema"] for e in entities}
    assert {"Document", "PublicBody", "Company", "Project", "Contract", "ContractAward"} <= schemata
    belgrade = by_name(entities, "Project", "Safe Society (Belgrade)")
    assert belgrade["properties"]["country"] == ["rs"]
    huawei = by_name(entities, "Company", "Huawei")
    assert any(
        e["properties"]["entity"] == [huawei["id"]]
        and e["properties"]["authority"] == ["US Entity List (Commerce BIS)"]
        for e in of_schema(entities, "Sanction")
    )


def test_ids_are_the_natural_keys_made_ids_on_every_run(ftm_world):
    first = export()
    builders.vendor("hikvision", "Hikvision")  # another record changes no existing id
    second = export()
    assert {e["id"] for e in first} < {e["id"] for e in second}
    assert [e for e in second if e["id"] in {f["id"] for f in first}] == first
    assert by_name(first, "Company", "Huawei")["id"] == expected_id("vendor", "huawei")
    assert by_name(first, "Project", "Safe Society")["id"] == expected_id("deployment", "safe-society")
    assert by_name(first, "PublicBody", "Ministry of Interior of Serbia")["id"] == expected_id(
        "public-body", "mup-serbia"
    )


def test_contract_awards_link_the_contract_its_buyer_and_its_suppliers(ftm_world):
    entities = export()
    contract = by_name(entities, "Contract", "Strategic partnership agreement")
    buyer = by_name(entities, "PublicBody", "Ministry of Interior of Serbia")
    huawei = by_name(entities, "Company", "Huawei")
    props = contract["properties"]
    assert props["authority"] == [buyer["id"]]
    assert props["contractDate"] == ["2017-02"]
    assert props["amount"] == ["150000000.00"] and props["currency"] == ["EUR"]
    # The draft deployment it also funds is not its project.
    assert props["project"] == [by_name(entities, "Project", "Safe Society")["id"]]
    awards = [
        e for e in of_schema(entities, "ContractAward") if e["properties"]["contract"] == [contract["id"]]
    ]
    # ShadowCorp, a draft, is a party too: it has no award.
    assert [award["properties"]["supplier"] for award in awards] == [[huawei["id"]]]
    assert awards[0]["properties"]["role"] == ["Supplier"]


def test_a_vendor_with_a_published_parent_is_owned_by_it(ftm_world):
    entities = export()
    huawei = by_name(entities, "Company", "Huawei")
    holding = by_name(entities, "Company", "Huawei Investment & Holding")
    (ownership,) = of_schema(entities, "Ownership")  # huawei-sub's parent is a draft: no Ownership
    assert ownership["properties"]["owner"] == [holding["id"]]
    assert ownership["properties"]["asset"] == [huawei["id"]]
    assert ownership["id"] == expected_id("ownership", "huawei-holding", "huawei")


def test_a_designated_vendor_has_its_sanction(ftm_world):
    entities = export()
    huawei = by_name(entities, "Company", "Huawei")
    (sanction,) = of_schema(entities, "Sanction")  # the FCC listing's source is a draft; ShadowCorp is one
    props = sanction["properties"]
    assert props["entity"] == [huawei["id"]]
    assert props["authority"] == ["US Entity List (Commerce BIS)"]
    assert props["listingDate"] == ["2019-05"]
    assert props["proof"] == [expected_id("source", "bird-report-2020")]


def test_sources_are_documents_and_the_proof_of_what_cites_them(ftm_world):
    entities = export()
    documents = {e["properties"]["title"][0]: e for e in of_schema(entities, "Document")}
    assert set(documents) == {"Safe Society in Serbia", "ECU 911 cámaras"}  # not the draft or retracted
    report = documents["Safe Society in Serbia"]["properties"]
    assert report["publishedAt"] == ["2020-03"] and report["language"] == ["eng"]
    assert documents["ECU 911 cámaras"]["properties"]["publishedAt"] == ["2019"]
    huawei = by_name(entities, "Company", "Huawei")
    assert huawei["properties"]["proof"] == [documents["Safe Society in Serbia"]["id"]]  # not the draft leak
    assert huawei["properties"]["country"] == ["cn"]
    assert sorted(huawei["properties"]["alias"]) == sorted(["华为", "Huawei Technologies"])


def test_deployments_are_projects_with_their_participants(ftm_world):
    entities = export()
    project = by_name(entities, "Project", "Safe Society")
    assert project["properties"]["startDate"] == ["2017-02"]
    assert sorted(project["properties"]["keywords"]) == ["Facial recognition", "Video surveillance"]
    roles = {
        (e["properties"]["participant"][0], e["properties"]["role"][0])
        for e in of_schema(entities, "ProjectParticipant")
        if e["properties"]["project"] == [project["id"]]
    }
    mup = by_name(entities, "PublicBody", "Ministry of Interior of Serbia")
    huawei = by_name(entities, "Company", "Huawei")
    assert roles == {(mup["id"], "Operator"), (huawei["id"], "Supplier")}  # not the draft or retracted vendor


def test_drafts_and_retracted_records_are_absent(ftm_world):
    text = json.dumps(export())
    for absent in ("ShadowCorp", "Gone Vendor", "Secret pilot", "Under review", "Retracted system"):
        assert absent not in text
    for slug in ("shadowcorp", "gone-vendor"):
        assert expected_id("vendor", slug) not in text
    assert expected_id("source", "draft-leak") not in text
    assert expected_id("deployment", "secret-pilot") not in text


def test_the_api_streams_the_same_entities_as_the_command(api, ftm_world):
    response = api.get(URL)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"].endswith('.ftm.json"')
    assert response["Cache-Control"].startswith("public")
    assert "Last-Modified" in response
    body = response.getvalue().decode()
    assert [json.loads(line) for line in body.splitlines()] == export()
    again = api.get(URL, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    head = api.head(URL)
    assert head.status_code == 200 and head["ETag"] == response["ETag"] and not head.content


def test_the_api_refuses_parameters_with_a_json_error(api, ftm_world):
    response = api.get(f"{URL}?vendor=huawei")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "vendor" in response.json()
    response = api.get(f"{URL}?format=csv")
    assert response.status_code == 400
    assert "format" in response.json()


def test_the_api_is_throttled_as_an_export(api, ftm_world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/minute", "export": "1/minute"},
    }
    first = api.get(URL)
    # Read to the end: a streamed export left unread would close its server-side cursor whenever it is
    # garbage-collected, in a later test's transaction.
    assert first.status_code == 200 and first.getvalue()
    throttled = api.get(URL)
    assert throttled.status_code == 429 and "Retry-After" in throttled


def test_the_command_writes_a_file(ftm_world, tmp_path):
    path = tmp_path / "registry.ftm.json"
    errors = io.StringIO()
    call_command("export_ftm", "--output", str(path), stderr=errors)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines == export()
    assert f"Wrote {len(lines):,} entities" in errors.getvalue()
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_ftm", "--output", str(tmp_path / "missing" / "x.json"))


def test_a_value_ftm_would_drop_is_an_error_not_a_silent_gap():
    company = make("Company", "vendor", "example")
    put(company, "country", "RS")
    assert company.get("country") == ["rs"]
    with pytest.raises(UncleanValue, match="country"):
        put(company, "country", "Atlantis")
    with pytest.raises(UncleanValue, match="startDate"):
        put(make("Project", "deployment", "example"), "startDate", "sometime in 2019")
    with pytest.raises(UncleanValue, match="no property"):
        put(company, "cameras", "10")


def test_a_lender_is_an_organization_funding_the_contract_once_per_source(ftm_world, world):
    lender = Organisation.objects.create(
        slug="state-bank", name="State bank", kind="lender", review_status=ReviewStatus.PUBLISHED
    )
    other = builders.source("loan-report", title="Loan report")
    for source, amount in ((world.src, "240000000"), (other, "200000000")):
        ContractParty.objects.create(
            contract=world.ecu_loan,
            organisation=lender,
            roles=["funder"],
            contribution_amount=amount,
            contribution_currency="USD",
            source=source,
        )
    secret = Organisation.objects.create(slug="secret-lender", name="Secret lender", kind="lender")
    ContractParty.objects.create(contract=world.ecu_loan, organisation=secret, roles=["funder"])

    entities = export()
    assert_valid(entities)
    bank = by_name(entities, "Organization", "State bank")
    assert bank["id"] == expected_id("organisation", "state-bank")
    assert not [e for e in entities if e["properties"].get("name") == ["Secret lender"]]
    awards = [e for e in of_schema(entities, "ContractAward") if e["properties"]["supplier"] == [bank["id"]]]
    assert sorted((a["properties"]["amount"][0], a["properties"]["role"][0]) for a in awards) == [
        ("200000000.00", "funder"),
        ("240000000.00", "funder"),
    ]
    assert {a["properties"]["proof"][0] for a in awards} == {
        expected_id("source", world.src.slug),
        expected_id("source", "loan-report"),
    }
