"""Parties of any kind (vendor, public body, organisation) in OCDS roles with cited contributions, and
the stated costs of deployments: constraints, admin, import/export, API (JSON and CSV), website."""

import csv
import importlib
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from deployments.models import ContractParty, Deployment, Organisation, StatedCost
from registry.choices import ReviewStatus
from registry.curation.roles import ensure_curator_group
from registry.models import PublicChange
from registry.publication import latest_changes
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


@pytest.fixture
def lender(world):
    return Organisation.objects.create(
        slug="china-exim",
        name="Export-Import Bank of China",
        kind="lender",
        country=world.cn,
        review_status="published",
    )


@pytest.fixture
def funded(world, lender):
    """The world's contract, funded by a lender (USD 240m, one source) and by the ministry in two
    conflicting amounts from two sources."""
    other = builders.source("other-report", title="Another report")
    ContractParty.objects.create(
        contract=world.contract,
        organisation=lender,
        roles=["funder"],
        contribution_amount=Decimal("240000000"),
        contribution_currency="USD",
        source=world.src,
        locator="p. 4",
        confidence="confirmed",
    )
    for source, amount in ((world.src, "2600000"), (other, "3000000")):
        ContractParty.objects.create(
            contract=world.contract,
            public_body=world.mup,
            roles=["funder", "payer"],
            contribution_amount=Decimal(amount),
            contribution_currency="EUR",
            source=source,
        )
    return world.contract


# --- Constraints ------------------------------------------------------------------------------------


def test_a_party_with_two_kinds_is_refused_by_the_database(world, lender):
    before = ContractParty.objects.count()
    with pytest.raises(IntegrityError, match="contract_party_is_one_organisation"), transaction.atomic():
        ContractParty.objects.create(
            contract=world.contract, vendor=world.huawei, organisation=lender, roles=["supplier"]
        )
    with pytest.raises(IntegrityError, match="contract_party_is_one_organisation"), transaction.atomic():
        ContractParty.objects.create(contract=world.contract, roles=["supplier"])
    assert ContractParty.objects.count() == before


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"roles": []}, "contract_party_has_a_role"),
        ({"roles": ["funder"], "role": "supplier"}, "contract_party_vendor_role_of_vendor"),
        (
            {"roles": ["funder"], "contribution_amount": Decimal("5")},
            "contract_party_contribution_has_currency",
        ),
        (
            {"roles": ["funder"], "contribution_amount": Decimal("-5"), "contribution_currency": "EUR"},
            "contract_party_contribution_not_negative",
        ),
        ({"roles": ["lender"]}, "contract_party_roles"),
    ],
)
def test_bad_parties_are_refused_and_nothing_is_saved(world, lender, fields, constraint):
    before = ContractParty.objects.count()
    party = ContractParty(contract=world.contract, organisation=lender, **fields)
    if constraint == "contract_party_roles":  # not an OCDS role: the model's validation refuses it
        with pytest.raises(ValidationError, match="lender"):
            party.full_clean()
        return
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        party.save()
    assert ContractParty.objects.count() == before


def test_admin_refuses_the_same_party_twice_from_one_source(curator_client, world, funded, lender):
    url, data = change_form_data(curator_client, funded)
    before = ContractParty.objects.count()
    add_party(data, organisation=lender.pk, roles="payer", source=world.src.pk, confidence="reported")
    response = curator_client.post(url, data)
    assert response.status_code == 200
    assert "This party is already recorded for this contract from this source." in inline_errors(response)
    assert ContractParty.objects.count() == before


def test_one_row_per_party_and_source_but_two_sources_coexist(world, funded):
    assert ContractParty.objects.filter(contract=funded, public_body=world.mup).count() == 2
    with pytest.raises(IntegrityError, match="contract_party_once_per_source"), transaction.atomic():
        ContractParty.objects.create(
            contract=funded, public_body=world.mup, roles=["payer"], source=world.src
        )


def test_a_stated_cost_needs_a_currency_and_an_ordered_period(world):
    with pytest.raises(IntegrityError, match="stated_cost_has_currency"), transaction.atomic():
        StatedCost.objects.create(deployment=world.safe_society, description="x", amount=1, source=world.src)
    with pytest.raises(IntegrityError, match="stated_cost_period_in_order"), transaction.atomic():
        StatedCost.objects.create(
            deployment=world.safe_society,
            description="x",
            amount=1,
            currency="EUR",
            period_start="2020",
            period_end="2019",
            source=world.src,
        )
    assert not StatedCost.objects.exists()


def test_the_data_migration_maps_vendor_roles_to_ocds_roles(world):
    """Rows as they were before 0019 (one vendor role each, no OCDS role): each gets the OCDS role its
    vendor role stands for; a vendor in two roles of a contract becomes one party with both."""
    migration = importlib.import_module("deployments.migrations.0019_contract_parties_any_organisation")
    ContractParty.objects.all().delete()
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire the deferred triggers pending on the table
        cursor.execute(
            "ALTER TABLE deployments_contractparty DROP CONSTRAINT contract_party_has_a_role, "
            "DROP CONSTRAINT contract_party_once_per_source"
        )
    for vendor, role in (
        (world.huawei, "integrator"),
        (world.huawei, "financier"),
        (world.ceiec, "subcontractor"),
    ):
        ContractParty.objects.create(contract=world.contract, vendor=vendor, role=role, roles=[])
    migration.vendor_roles_to_ocds_roles(apps, None)
    assert sorted(ContractParty.objects.values_list("vendor__slug", "role", "roles")) == [
        ("ceiec", "subcontractor", ["interestedParty"]),
        ("huawei", "integrator", ["supplier", "funder"]),
    ]


# --- Admin ------------------------------------------------------------------------------------------


@pytest.fixture
def curator_client(client, db):
    user = get_user_model().objects.create_user("curator", password="a long test password", is_staff=True)
    user.groups.add(ensure_curator_group())
    client.force_login(user)
    return client


def change_form_data(client, obj) -> tuple[str, dict]:
    from tests.test_admin import change_url, form_data  # noqa: PLC0415 (the admin tests' helpers)

    url = change_url(obj)
    return url, form_data(client.get(url))


def inline_errors(response) -> list[str]:
    from tests.test_admin import all_errors  # noqa: PLC0415

    return all_errors(response)


def add_party(data: dict, **fields) -> dict:
    from tests.test_admin import add_inline_row  # noqa: PLC0415

    return add_inline_row(data, "parties", **fields)


def test_admin_adds_a_public_body_and_an_organisation_as_parties(curator_client, world, lender):
    contract = world.draft_contract  # a published one's change would be a proposal
    url, data = change_form_data(curator_client, contract)
    add_party(
        data,
        public_body=world.mup.pk,
        roles="funder",
        contribution_amount="2600000",
        contribution_currency="EUR",
        source=world.src.pk,
        confidence="reported",
    )
    add_party(
        data,
        organisation=lender.pk,
        roles="funder",
        source=world.src.pk,
        locator="p. 4",
        confidence="reported",
    )
    response = curator_client.post(url, data)
    assert response.status_code == 302, inline_errors(response)
    body = ContractParty.objects.get(contract=contract, public_body=world.mup)
    assert (body.kind, body.roles, body.contribution_amount, body.source) == (
        "public-body",
        ["funder"],
        Decimal("2600000"),
        world.src,
    )
    assert ContractParty.objects.get(contract=contract, organisation=lender).locator == "p. 4"


def test_admin_refuses_a_party_with_two_kinds_and_saves_nothing(curator_client, world, lender):
    url, data = change_form_data(curator_client, world.contract)
    before = list(ContractParty.objects.order_by("pk").values())
    add_party(data, vendor=world.ceiec.pk, organisation=lender.pk, roles="supplier")
    response = curator_client.post(url, data)
    assert response.status_code == 200
    assert (
        "A party is exactly one of: a vendor, a public body or an organisation. "
        "Choose one and leave the other two empty."
    ) in inline_errors(response)
    assert list(ContractParty.objects.order_by("pk").values()) == before


def test_admin_refuses_a_contribution_without_currency(curator_client, world, lender):
    url, data = change_form_data(curator_client, world.contract)
    add_party(data, organisation=lender.pk, roles="funder", contribution_amount="10")
    response = curator_client.post(url, data)
    assert response.status_code == 200
    assert "A contribution needs its ISO 4217 currency, and a currency needs an amount." in inline_errors(
        response
    )
    assert not ContractParty.objects.filter(organisation=lender).exists()


def test_organisation_added_from_the_popup_is_a_draft(curator_client, world):
    response = curator_client.post(
        reverse("admin:deployments_organisation_add") + "?_to_field=id&_popup=1",
        {
            "name": "China Development Bank",
            "slug": "cdb",
            "kind": "lender",
            "country": world.cn.pk,
            "_popup": "1",
        },
    )
    assert response.status_code == 200, response.content  # the pop-up's "close and select" page
    assert Organisation.objects.get(slug="cdb").review_status == ReviewStatus.DRAFT


def test_admin_adds_a_stated_cost_to_a_deployment(curator_client, world):
    from tests.test_admin import add_inline_row  # noqa: PLC0415

    url, data = change_form_data(curator_client, world.secret)  # a draft: saved as it is
    add_inline_row(
        data,
        "stated_costs",
        description="20 cameras",
        qualifier="at-least",
        amount="7753000000",
        currency="COP",
        period_start="2015",
        source=world.src.pk,
        confidence="confirmed",
    )
    response = curator_client.post(url, data)
    assert response.status_code == 302, inline_errors(response)
    cost = world.secret.stated_costs.get()
    assert (cost.qualifier, cost.amount, cost.currency, cost.period_start) == (
        "at-least",
        Decimal("7753000000"),
        "COP",
        "2015",
    )


# --- Import and export ------------------------------------------------------------------------------


def test_parties_and_costs_round_trip_by_natural_keys(world, funded, tmp_path):
    StatedCost.objects.create(
        deployment=world.safe_society,
        description="Cameras",
        qualifier="about",
        amount=Decimal("1000000"),
        currency="EUR",
        period_start="2019",
        source=world.src,
    )
    parties, costs = tmp_path / "parties.csv", tmp_path / "costs.csv"
    call_command("export_records", "deployments.ContractParty", output=str(parties), verbosity=0)
    call_command("export_records", "deployments.StatedCost", output=str(costs), verbosity=0)
    rows = list(csv.DictReader(io.StringIO(parties.read_text(encoding="utf-8"))))
    lender_row = next(row for row in rows if row["organisation"])
    assert (lender_row["organisation"], lender_row["vendor"], lender_row["source"], lender_row["roles"]) == (
        "china-exim",
        "",
        "bird-report-2020",
        "funder",
    )
    columns = ("contract", "vendor", "public_body", "organisation", "source", "roles", "contribution_amount")
    before = sorted(ContractParty.objects.values_list(*columns), key=repr)
    ContractParty.objects.all().delete()
    StatedCost.objects.all().delete()
    call_command("import_records", "deployments.ContractParty", str(parties), verbosity=0)
    call_command("import_records", "deployments.StatedCost", str(costs), verbosity=0)
    assert sorted(ContractParty.objects.values_list(*columns), key=repr) == before
    assert StatedCost.objects.get().qualifier == "about"
    # Imported again, each row finds its party by contract, party and source: nothing is added.
    call_command("import_records", "deployments.ContractParty", str(parties), verbosity=0)
    assert ContractParty.objects.count() == len(before)


# --- API ---------------------------------------------------------------------------------------------


def test_contract_detail_lists_every_kind_of_party_with_its_source(api, world, funded):
    body = api.get(f"{BASE}/contracts/{funded.slug}/").json()
    # The vendors list keeps its shape: published vendors only, with their vendor role.
    assert [(v["slug"], v["role"]) for v in body["vendors"]] == [("huawei", "supplier")]
    parties = body["parties"]
    assert [(p["kind"], p["slug"], p["roles"]) for p in parties] == [
        ("vendor", "huawei", ["supplier"]),
        ("organisation", "china-exim", ["funder"]),
        ("public-body", "mup-serbia", ["funder", "payer"]),
        ("public-body", "mup-serbia", ["funder", "payer"]),
    ]
    vendor, lender, first, second = parties
    assert vendor["url"].endswith("/api/v1/vendors/huawei/") and vendor["vendor_role"] == "supplier"
    assert vendor["source"] is None and vendor["contribution_amount"] is None
    assert lender["url"] == "http://testserver/api/v1/organisations/china-exim/"
    assert api.get(lender["url"]).json()["name"] == lender["name"]
    assert (lender["contribution_amount"], lender["contribution_currency"], lender["confidence"]) == (
        240000000.0,
        "USD",
        "confirmed",
    )
    assert (lender["source"]["slug"], lender["locator"]) == ("bird-report-2020", "p. 4")
    assert first["url"].endswith("/api/v1/public-bodies/mup-serbia/")
    assert {(p["contribution_amount"], p["source"]["slug"]) for p in (first, second)} == {
        (2600000.0, "bird-report-2020"),
        (3000000.0, "other-report"),
    }
    listed = api.get(f"{BASE}/contracts/", {"search": funded.name}).json()["results"]
    assert listed[0]["parties"] == parties


def test_draft_parties_and_parties_from_draft_sources_are_never_public(api, world, funded, lender):
    draft = Organisation.objects.create(slug="secret-fund", name="Secret Fund", kind="lender")
    ContractParty.objects.create(contract=funded, organisation=draft, roles=["funder"])
    ContractParty.objects.create(
        contract=funded, organisation=lender, roles=["payer"], source=world.src_draft
    )
    ContractParty.objects.create(contract=funded, vendor=world.shadow, roles=["supplier"], source=world.src)
    ContractParty.objects.create(
        contract=funded, vendor=world.huawei, roles=["payee"], source=world.src_draft
    )
    body = api.get(f"{BASE}/contracts/{funded.slug}/").json()
    assert [(v["slug"], v["role"]) for v in body["vendors"]] == [("huawei", "supplier")]
    shown = {(p["slug"], tuple(p["roles"])) for p in body["parties"]}
    assert ("secret-fund", ("funder",)) not in shown
    assert ("china-exim", ("payer",)) not in shown
    assert not any(p["slug"] == "shadowcorp" for p in body["parties"])
    text = api.get(f"{BASE}/contracts/?format=csv").getvalue().decode()
    assert "secret-fund" not in text and "Secret Fund" not in text and "draft-leak" not in text


def test_contracts_csv_has_aligned_party_columns(api, world, funded):
    rows = list(csv.DictReader(io.StringIO(api.get(f"{BASE}/contracts/?format=csv").getvalue().decode())))
    row = next(r for r in rows if r["slug"] == funded.slug)
    assert row["vendor_slugs"] == "huawei"  # as before: vendors only
    assert row["party_kinds"] == "vendor; organisation; public-body; public-body"
    assert row["party_slugs"] == "huawei; china-exim; mup-serbia; mup-serbia"
    assert row["party_roles"] == "supplier; funder; funder,payer; funder,payer"
    assert row["party_contribution_amounts"] == "; 240000000.00; 2600000.00; 3000000.00"
    assert row["party_contribution_currencies"] == "; USD; EUR; EUR"
    assert row["party_sources"] == "; bird-report-2020; bird-report-2020; other-report"


def test_deployment_detail_shows_its_stated_costs_in_both_renderings(api, world, settings):
    StatedCost.objects.create(
        deployment=world.safe_society,
        description="Facial recognition",
        qualifier="at-least",
        amount=Decimal("136000000000"),
        currency="COP",
        period_start="2015",
        source=world.src,
        confidence="confirmed",
    )
    StatedCost.objects.create(
        deployment=world.safe_society, description="Hidden", amount=1, currency="EUR", source=world.src_draft
    )
    bodies = []
    for sql in (True, False):
        settings.API_JSON_SQL = sql
        bodies.append(api.get(f"{BASE}/deployments/{world.safe_society.slug}/").content)
    assert bodies[0] == bodies[1]
    costs = json.loads(bodies[0])["stated_costs"]
    assert [
        (c["description"], c["qualifier"], c["amount"], c["currency"], c["period_start_display"])
        for c in costs
    ] == [("Facial recognition", "at-least", 136000000000.0, "COP", "2015")]
    assert costs[0]["source"]["slug"] == "bird-report-2020" and costs[0]["confidence"] == "confirmed"


def test_a_place_reached_through_a_draft_deployment_does_not_match_a_contract(api, world):
    """The contract's public page lists only its published deployments: its place filter goes
    through those alone."""
    world.secret.places.add(world.quito)

    def found():
        return [row["slug"] for row in api.get(f"{BASE}/contracts/", {"place": "quito"}).json()["results"]]

    assert world.contract.slug not in found()
    Deployment.objects.filter(pk=world.secret.pk).update(review_status=ReviewStatus.PUBLISHED)
    assert world.contract.slug in found()


def test_stated_costs_are_listed_filtered_and_exported_when_public(api, world):
    """``/stated-costs/``: the stated costs of published deployments from published sources, each at
    its own URL, filtered, and in CSV; a draft source's figure or a draft deployment's is nowhere."""
    shown = StatedCost.objects.create(
        deployment=world.safe_society,
        description="Facial recognition",
        qualifier="at-least",
        amount=Decimal("136000000000"),
        currency="COP",
        period_start="2015",
        source=world.src,
        locator="p. 2",
        confidence="confirmed",
    )
    in_ecuador = StatedCost.objects.create(
        deployment=world.ecu,
        description="ECU 911",
        amount=Decimal("240000000"),
        currency="USD",
        source=world.src_es,
    )
    of_a_draft_source = StatedCost.objects.create(
        deployment=world.safe_society, description="Hidden", amount=1, currency="EUR", source=world.src_draft
    )
    of_a_draft_deployment = StatedCost.objects.create(
        deployment=world.secret, description="Secret", amount=2, currency="EUR", source=world.src
    )

    listed = api.get(f"{BASE}/stated-costs/").json()["results"]
    assert [row["public_id"] for row in listed] == [str(in_ecuador.public_id), str(shown.public_id)]
    row = listed[1]
    assert row["url"] == f"http://testserver{BASE}/stated-costs/{shown.public_id}/"
    assert (row["deployment"]["slug"], row["country"]["code"]) == (world.safe_society.slug, "RS")
    assert (row["qualifier"], row["amount"], row["currency"], row["period_start"]) == (
        "at-least",
        136000000000.0,
        "COP",
        "2015",
    )
    assert (row["source"]["slug"], row["locator"], row["confidence"]) == (
        "bird-report-2020",
        "p. 2",
        "confirmed",
    )
    assert api.get(row["url"]).json() == row
    for hidden in (of_a_draft_source, of_a_draft_deployment):
        assert api.get(f"{BASE}/stated-costs/{hidden.public_id}/").status_code == 404

    def slugs(**params):
        return [r["description"] for r in api.get(f"{BASE}/stated-costs/", params).json()["results"]]

    assert slugs(country="ec") == ["ECU 911"]
    assert slugs(currency="COP", qualifier="at-least") == ["Facial recognition"]
    assert slugs(deployment=world.safe_society.slug) == ["Facial recognition"]
    assert slugs(confidence="confirmed") == ["Facial recognition"]
    assert slugs(search="ECU") == ["ECU 911"]
    assert api.get(f"{BASE}/stated-costs/", {"currency": "XXX1"}).status_code == 400
    assert api.get(f"{BASE}/stated-costs/", {"deployment": world.secret.slug}).status_code == 404

    exported = api.get(f"{BASE}/stated-costs/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert [(r["deployment_slug"], r["amount"], r["currency"], r["source_slug"]) for r in rows] == [
        (world.ecu.slug, "240000000.00", "USD", world.src_es.slug),
        (world.safe_society.slug, "136000000000.00", "COP", "bird-report-2020"),
    ]
    assert "Hidden" not in str(rows) and "Secret" not in str(rows)


# --- Website ----------------------------------------------------------------------------------------


def test_deployment_page_shows_parties_contributions_and_stated_costs(client, world, funded):
    StatedCost.objects.create(
        deployment=world.safe_society,
        description="20 facial-recognition cameras",
        amount=Decimal("7753000000"),
        currency="COP",
        source=world.src,
    )
    draft = Organisation.objects.create(slug="secret-fund", name="Secret Fund", kind="lender")
    ContractParty.objects.create(contract=funded, organisation=draft, roles=["funder"])
    page = client.get(f"/deployments/{world.safe_society.slug}/").content.decode()
    assert "Export-Import Bank of China (Funder)" in page
    assert "Ministry of Interior of Serbia (Funder, Payer)" in page
    assert '<data value="2600000.00">EUR' in page and '<data value="3000000.00">EUR' in page
    assert "Stated costs" in page and "20 facial-recognition cameras" in page
    assert "Secret Fund" not in page


def test_a_public_party_moves_the_public_changes_and_a_draft_one_does_not(world, lender):
    """Publication tracking (registry/publication.py): an empty optional relation hides nothing, a
    draft organisation hides its party."""
    table = ContractParty._meta.db_table
    draft = Organisation.objects.create(slug="secret-fund", name="Secret Fund", kind="lender")
    PublicChange.objects.filter(table_name=table).delete()
    ContractParty.objects.create(contract=world.contract, organisation=draft, roles=["funder"])
    assert table not in latest_changes([table])
    ContractParty.objects.create(contract=world.contract, public_body=world.mup, roles=["funder"])
    assert table in latest_changes([table])


def test_organisations_are_listed_filtered_and_exported_when_published(api, world, lender):
    Organisation.objects.create(slug="secret-fund", name="Secret Fund", kind="lender")
    Organisation.objects.create(
        slug="crs4",
        name="CRS4",
        kind="research-centre",
        country=world.it,
        review_status="published",
        notes="Named by one source only.",
    )
    listed = api.get(f"{BASE}/organisations/").json()["results"]
    assert [row["slug"] for row in listed] == ["crs4", "china-exim"]  # by name; never the draft
    crs4 = listed[0]
    assert (crs4["kind"], crs4["country"]["code"], crs4["notes"]) == (
        "research-centre",
        "IT",
        "Named by one source only.",
    )
    assert crs4["url"] == "http://testserver/api/v1/organisations/crs4/"
    assert [
        row["slug"] for row in api.get(f"{BASE}/organisations/", {"kind": "lender"}).json()["results"]
    ] == ["china-exim"]
    assert [
        row["slug"] for row in api.get(f"{BASE}/organisations/", {"country": "it"}).json()["results"]
    ] == ["crs4"]
    refused = api.get(f"{BASE}/organisations/", {"kind": "bank"})
    assert refused.status_code == 400 and "kind" in refused.json()
    assert api.get(f"{BASE}/organisations/secret-fund/").status_code == 404
    rows = list(csv.DictReader(io.StringIO(api.get(f"{BASE}/organisations/?format=csv").getvalue().decode())))
    assert [(row["slug"], row["kind"], row["country_code"]) for row in rows] == [
        ("crs4", "research-centre", "IT"),
        ("china-exim", "lender", "CN"),
    ]


def test_a_retracted_organisation_leaves_a_tombstone(api, lender):
    lender.review_status = ReviewStatus.RETRACTED
    lender.retraction_reason = "Not a party: misread source."
    lender.save()
    gone = api.get(f"{BASE}/organisations/china-exim/")
    assert gone.status_code == 410
    assert (gone.json()["kind"], gone.json()["reason"]) == ("organisation", "Not a party: misread source.")
    assert api.get(f"{BASE}/organisations/").json()["count"] == 0


def test_contracts_are_filtered_by_an_organisation_party(api, world, funded, lender):
    body = api.get(f"{BASE}/organisations/china-exim/").json()
    financed = api.get(body["contracts"]).json()["results"]
    assert [row["slug"] for row in financed] == [funded.slug]
    assert api.get(f"{BASE}/contracts/", {"organisation": "crs4"}).status_code == 404  # names no record
    Organisation.objects.create(slug="secret-fund", name="Secret Fund", kind="lender")
    assert api.get(f"{BASE}/contracts/", {"organisation": "secret-fund"}).status_code == 404  # a draft
    assert api.get(f"{BASE}/contracts/", {"organisation": "not a slug"}).status_code == 400


def test_a_party_only_a_draft_source_names_does_not_match_a_contract_filter(api, world, lender):
    """A vendor or organisation that the contract's public ``parties`` do not show (its one party row
    cites a draft source) does not find the contract through ``vendor=`` or ``organisation=`` either:
    the filter would otherwise disclose what the draft says."""
    ContractParty.objects.create(
        contract=world.contract, vendor=world.ceiec, roles=["supplier"], source=world.src_draft
    )
    ContractParty.objects.create(
        contract=world.contract, organisation=lender, roles=["funder"], source=world.src_draft
    )
    shown = api.get(f"{BASE}/contracts/{world.contract.slug}/").json()["parties"]
    assert {party["name"] for party in shown}.isdisjoint({"CEIEC", "Export-Import Bank of China"})
    for parameter, slug in (("vendor", "ceiec"), ("organisation", "china-exim")):
        found = api.get(f"{BASE}/contracts/", {parameter: slug}).json()["results"]
        assert world.contract.slug not in [row["slug"] for row in found], parameter

    # Once the source is published, the parties are public and the filters find the contract.
    world.src_draft.review_status = ReviewStatus.PUBLISHED
    world.src_draft.save()
    for parameter, slug in (("vendor", "ceiec"), ("organisation", "china-exim")):
        found = api.get(f"{BASE}/contracts/", {parameter: slug}).json()["results"]
        assert world.contract.slug in [row["slug"] for row in found], parameter
