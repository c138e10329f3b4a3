"""The seed data (fixtures/*.yaml): the four cases of the policy brief, loaded as `make run` loads them
(``manage.py seed``).

The fixtures use natural keys only (no pk), so a second load must find every row again instead of
adding a copy, and every record must be valid by the models' own rules (fixtures skip full_clean).
"""

from decimal import Decimal

import pghistory.models
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Q

from deployments.models import (
    CameraCount,
    Contract,
    ContractCitation,
    ContractParty,
    Deployment,
    DeploymentCitation,
    DeploymentVendor,
    Organisation,
    Place,
    PublicBody,
    StatedCost,
    Technology,
)
from registry.choices import Confidence, ReviewStatus
from registry.curation.models import CuratedModel
from registry.fields import FuzzyDateField
from registry.models import Country, CountryMembership, LegalFramework, Source
from vendors.models import Designation, Vendor

pytestmark = pytest.mark.django_db

SEED_APPS = ("registry", "vendors", "deployments")
SEED_COUNTRIES = ("EU", "RS", "IT", "SE", "EC", "CO", "CN")
BRIEF = "stg-policy-brief-2024-17"


def seed_models():
    """The registry's own models, without the history tables pghistory generates beside them."""
    return [
        model
        for app in SEED_APPS
        for model in apps.get_app_config(app).get_models()
        if not issubclass(model, pghistory.models.Event) and model._meta.managed  # not the SQL views
    ]


def row_counts():
    counts = {model._meta.label: model._base_manager.count() for model in seed_models()}
    for model in seed_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            counts[through._meta.label] = through._base_manager.count()
    return counts


def project_root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def belgrade_counts():
    return CameraCount.objects.filter(deployment__slug="belgrade-safe-society").select_related("source")


# --- Loading --------------------------------------------------------------------------------------


def test_loading_the_seed_twice_changes_no_row(seed):
    before = row_counts()
    pks_before = {
        model._meta.label: set(model._base_manager.values_list("pk", flat=True)) for model in seed_models()
    }
    stamps_before = dict(Deployment.objects.values_list("slug", "updated_at"))
    history_before = pghistory.models.Events.objects.count()

    call_command("seed", *seed, verbosity=0)

    assert pghistory.models.Events.objects.count() == history_before  # a no-op reload is no change

    assert row_counts() == before
    assert {
        model._meta.label: set(model._base_manager.values_list("pk", flat=True)) for model in seed_models()
    } == pks_before
    assert dict(Deployment.objects.values_list("slug", "updated_at")) == stamps_before


def test_the_seed_fills_every_model(seed):
    counts = row_counts()
    empty = [label for label, count in counts.items() if count == 0]
    assert empty == []
    assert counts["deployments.Deployment"] == 11
    assert counts["vendors.Vendor"] == 7
    assert counts["registry.LegalFramework"] == 12
    assert counts["deployments.CameraCount"] == 20
    assert counts["deployments.Technology"] == 11


def test_the_seed_leaves_rows_entered_before_it_alone(db):
    """Rows curators entered before the seed keep their ids; the seed adds its own beside them."""
    country = Country.objects.get(code="FR")
    source = Source.objects.create(slug="curator-note", title="A curator's source", kind="other")
    place = Place.objects.create(slug="paris", name="Paris", kind="city", country=country)
    fixtures = sorted(str(path) for path in (project_root() / "fixtures").glob("*.yaml"))

    call_command("seed", *fixtures, verbosity=0)

    assert Source.objects.get(pk=source.pk).slug == "curator-note"
    assert Place.objects.get(pk=place.pk).slug == "paris"
    assert Country.objects.get(code="FR").name == "France"
    assert Source.objects.filter(slug=BRIEF).exclude(pk=source.pk).exists()


def test_every_loaded_object_passes_full_clean(seed):
    checked = 0
    for model in seed_models():
        for obj in model._base_manager.all():
            obj.full_clean()
            checked += 1
    assert checked == sum(model._base_manager.count() for model in seed_models())
    assert checked > 250


def test_no_fuzzy_date_is_padded_to_the_first_of_january(seed):
    padded = []
    for model in seed_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FuzzyDateField):
                padded += [
                    (model._meta.label, field.name, value)
                    for value in model._base_manager.filter(
                        **{f"{field.name}__endswith": "-01-01"}
                    ).values_list(field.name, flat=True)
                ]
    assert padded == []


# --- Curation: published, cited ------------------------------------------------------------------


def test_every_curated_record_is_published(seed):
    for model in seed_models():
        if issubclass(model, CuratedModel):
            statuses = set(model._base_manager.values_list("review_status", flat=True))
            assert statuses == {ReviewStatus.PUBLISHED}, model._meta.label


@pytest.mark.parametrize("model", [Deployment, Contract, Vendor, LegalFramework])
def test_every_published_record_has_a_citation(seed, model):
    uncited = model.objects.published().filter(citations__isnull=True).values_list("slug", flat=True)
    assert list(uncited) == []


def test_every_source_is_published_and_cited_somewhere(seed):
    assert not Source.objects.exclude(review_status=ReviewStatus.PUBLISHED).exists()
    cited = set()
    for model in seed_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Source:
                cited |= set(model._base_manager.values_list(f"{field.name}__slug", flat=True))
    assert set(Source.objects.values_list("slug", flat=True)) - cited == set()


def test_the_brief_and_its_bibliography(seed):
    brief = Source.objects.get(slug=BRIEF)
    assert brief.doi == "10.2870/097533"
    assert brief.published_on == "2024-07"
    assert "CC BY 4.0" in brief.notes
    assert "Sáenz Leandro" in brief.author
    assert (
        Source.objects.get(slug="ellis-2022-chinas-digital-advance-latin-america").doi
        == "10.56221/spt.v1i1.5"
    )
    assert Source.objects.get(slug="saura-garcia-2024-digital-expansionism-big-tech").url == (
        "https://doi.org/10.1057/s41599-024-02924-7"
    )
    assert (
        Source.objects.get(slug="ragazzi-2021-biometric-behavioural-mass-surveillance").published_on
        == "2021-10"
    )


def test_sources_keep_the_url_cases_md_gives_and_none_where_it_gives_none(seed):
    assert Source.objects.get(slug="n1-2019-02-09-1000-cameras").url == (
        "https://n1info.rs/english/news/a459043-1000-new-security-cameras-in-belgrade-by-2020/"
    )
    assert Source.objects.get(slug="n1-2019-02-09-1000-cameras").published_on == "2019-02-09"
    for slug in (
        "ilsole24ore-2018-12-08-cagliari-operation-center",
        "reuters-2023-12-italy-exits-belt-and-road",
        "foreignpolicy-2018-ecuador-all-seeing-eye",
        "semana-police-bodycam-tender",
    ):
        assert Source.objects.get(slug=slug).url == ""


# --- Countries and technologies --------------------------------------------------------------------


def test_countries_regions_unions_and_belt_and_road(seed):
    eu = Country.objects.get(code="EU")
    assert eu.kind == "union"
    italy = Country.objects.get(code="IT")
    assert list(italy.unions.values_list("code", flat=True)) == ["EU"]
    assert dict(Country.objects.filter(code__in=SEED_COUNTRIES).values_list("code", "region")) == {
        "EU": "europe",
        "RS": "europe",
        "IT": "europe",
        "SE": "europe",
        "EC": "latin-america",
        "CO": "latin-america",
        "CN": "asia",
    }
    # Belt and Road dates are published memberships, each with the source the seed gives for it.
    memberships = {
        (m.country.code, m.joined_on, m.left_on): {(c.source.slug, c.confidence) for c in m.citations.all()}
        for m in CountryMembership.objects.published().filter(organisation="belt-and-road")
    }
    assert memberships == {
        ("RS", "2015", ""): {(BRIEF, Confidence.CLAIMED)},
        ("IT", "2019-03-23", "2023-12"): {
            ("reuters-2023-12-italy-exits-belt-and-road", Confidence.CONFIRMED),
            (BRIEF, Confidence.REPORTED),
        },
    }


def test_technologies_and_which_are_biometric(seed):
    assert set(Technology.objects.filter(biometric=True).values_list("slug", flat=True)) == {
        "facial-recognition",
        "behavioural-analysis",
        "voice-identification",
    }
    assert (
        Technology.objects.filter(
            slug__in=[
                "video-surveillance",
                "licence-plate-recognition",
                "drones",
                "5g-elte-network",
                "command-centre",
            ]
        ).count()
        == 5
    )


def test_places_have_coordinates(seed):
    assert not Place.objects.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).exists()
    belgrade = Place.objects.get(slug="belgrade")
    assert (belgrade.latitude, belgrade.longitude) == (Decimal("44.81667"), Decimal("20.46667"))
    assert Place.objects.get(slug="cagliari").parent.slug == "sardinia"


# --- Serbia ---------------------------------------------------------------------------------------


def test_belgrade_keeps_every_conflicting_count_with_its_own_source(seed):
    observations = {(c.cameras, c.locations, c.kind, c.source.slug) for c in belgrade_counts()}
    assert {
        (100, 61, "installed", BRIEF),
        (1000, 800, "installed", BRIEF),
        (47, None, "installed", "poverenik-2018-video-nadzor-hronicno-neuredjena-oblast"),
        (9, 5, "installed", "share-2019-03-huawei-knows-everything-about-cameras"),
        (1000, 800, "planned", "n1-2019-02-09-1000-cameras"),
        (8000, None, "planned", "share-2020-09-mup-mora-da-obelezi-sve-kamere"),
        (1200, None, "installed", "euronews-2021-08-10-belgrade-smart-cameras"),
    } <= observations
    schedule = belgrade_counts().filter(phase="Phase 2 schedule").order_by("as_of")
    assert [(c.as_of, c.cameras) for c in schedule] == [
        ("2019-03", 10),
        ("2019-06", 50),
        ("2019-09", 200),
        ("2019-12", 400),
        ("2020", 800),
    ]
    # The brief's two phases and the other counts come from six different sources.
    non_schedule = belgrade_counts().exclude(phase="Phase 2 schedule")
    assert non_schedule.values("source").distinct().count() == 6


def test_belgrade_dpia_count_is_reported_because_its_year_is_inferred(seed):
    dpia = belgrade_counts().get(cameras=8000)
    assert dpia.as_of == "2020"
    assert dpia.confidence == Confidence.REPORTED
    assert "more than 8,000" in dpia.notes.lower()
    assert belgrade_counts().get(cameras=1200).confidence == Confidence.CONFIRMED


def test_belgrade_deployment_vendors_and_agreements(seed):
    belgrade = Deployment.objects.get(slug="belgrade-safe-society")
    assert belgrade.country.code == "RS"
    assert belgrade.operator.slug == "rs-ministry-of-interior"
    assert set(belgrade.vendor_roles.values_list("vendor__slug", "role")) == {
        ("huawei", "supplier"),
        ("huawei", "data-manager"),
        ("griffeye", "software-provider"),
    }
    assert Vendor.objects.get(slug="griffeye").headquarters_country is None
    assert "rs-law-on-personal-data-protection" in belgrade.legal_frameworks.values_list("slug", flat=True)
    agreement = Contract.objects.get(slug="rs-moi-huawei-strategic-partnership-2017")
    assert (agreement.signed_on, agreement.disclosure) == ("2017-02", "confidential")
    assert belgrade in agreement.deployments.all()
    assert Contract.objects.get(slug="rs-cn-infrastructure-cooperation-agreement-2009").signed_on == "2009-08"
    assert Contract.objects.get(slug="rs-huawei-safe-society-mou-2014").signed_on == "2014-12"


def test_brief_only_claims_are_claimed_not_settled(seed):
    bri = ContractCitation.objects.get(
        record__slug="rs-cn-belt-and-road-memoranda-2015", source__slug=BRIEF, field=""
    )
    assert bri.confidence == Confidence.CLAIMED
    cagliari_tech = DeploymentCitation.objects.filter(
        record__slug="cagliari-safe-city", source__slug=BRIEF, field="technologies"
    )
    # The whole field and each of its items the brief alone names (facial recognition among them).
    assert {(c.item, c.confidence) for c in cagliari_tech} >= {
        ("", Confidence.CLAIMED),
        ("facial-recognition", Confidence.CLAIMED),
    }
    assert {c.confidence for c in cagliari_tech} == {Confidence.CLAIMED}
    assert not DeploymentCitation.objects.filter(
        record__country__code="CO", source__slug=BRIEF, confidence=Confidence.CONFIRMED
    ).exists()
    assert (
        not DeploymentCitation.objects.filter(record__slug="colombia-brief-claims")
        .exclude(confidence=Confidence.CLAIMED)
        .exists()
    )


# --- Italy ----------------------------------------------------------------------------------------


def test_cagliari_operation_centre_has_25_cameras_from_two_sources(seed):
    counts = CameraCount.objects.filter(deployment__slug="cagliari-safe-city")
    assert {(c.cameras, c.as_of, c.source.slug) for c in counts} == {
        (25, "2018-12-07", "skytg24-2018-12-07-supercervellone-huawei"),
        (25, "2018-12-07", "ilsole24ore-2018-12-08-cagliari-operation-center"),
    }
    cagliari = Deployment.objects.get(slug="cagliari-safe-city")
    assert "92 traffic stations" in cagliari.summary
    assert "23 parking sensors" in cagliari.summary
    assert cagliari.started_on == "2018-12-07"


def test_sardinia_agreements_and_the_joint_innovation_center(seed):
    signed = dict(Contract.objects.filter(buyer__slug="it-regione-sardegna").values_list("slug", "signed_on"))
    assert signed == {
        "sardinia-huawei-hannover-agreement-2015": "2015",
        "sardinia-huawei-crs4-research-mou-2016": "2016-03-16",
        "sardinia-huawei-agreements-2016": "2016",
        "sardinia-huawei-crs4-phase-2-mou-2018": "2018-11-07",
    }
    center = Deployment.objects.get(slug="sardinia-joint-innovation-center-pula")
    assert center.started_on == "2016-12"
    assert "EUR" not in center.summary  # the contributions live in the research MoU's parties
    assert "crowd-detection" in center.technologies.values_list("slug", flat=True)
    assert Contract.objects.get(slug="it-cn-belt-and-road-mou-2019").signed_on == "2019-03-23"


def test_sardinia_contributions_each_with_its_source(seed):
    """Huawei EUR 20m and the Region EUR 3m (Sky TG24). The case notes' EUR 2.6m for the Region names no
    document (the brief does not give it): it is in no field (docs/data-model.md)."""
    funders = ContractParty.objects.filter(
        contract__slug="sardinia-huawei-crs4-research-mou-2016", roles__contains=["funder"]
    )
    assert {
        (p.party.slug, p.contribution_amount, p.contribution_currency, p.source.slug, p.confidence)
        for p in funders
    } == {
        (
            "huawei",
            Decimal("20000000"),
            "EUR",
            "skytg24-2018-12-07-supercervellone-huawei",
            Confidence.CONFIRMED,
        ),
        (
            "it-regione-sardegna",
            Decimal("3000000"),
            "EUR",
            "skytg24-2018-12-07-supercervellone-huawei",
            Confidence.CONFIRMED,
        ),
    }


def test_crs4_is_a_party_of_both_research_mous(seed):
    crs4 = ContractParty.objects.filter(public_body__slug="it-crs4")
    assert sorted(crs4.values_list("contract__slug", "roles")) == [
        ("sardinia-huawei-crs4-phase-2-mou-2018", ["interestedParty"]),
        ("sardinia-huawei-crs4-research-mou-2016", ["interestedParty"]),
    ]
    assert all(party.source is not None for party in crs4)


def test_italian_legal_frameworks(seed):
    moratorium = LegalFramework.objects.get(slug="it-facial-recognition-moratorium")
    assert moratorium.kind == "moratorium"
    assert moratorium.ended_on == "2025-12-31"
    assert moratorium.citations.get(field="ended_on").confidence == Confidence.REPORTED
    sari = LegalFramework.objects.get(slug="it-garante-sari-real-time-2021")
    assert (sari.kind, sari.adopted_on) == ("dpa-decision", "2021-04-16")
    ai_act = LegalFramework.objects.get(slug="eu-ai-act")
    assert (ai_act.adopted_on, ai_act.in_force_on) == ("2024-06-13", "2024-08-01")
    assert list(ai_act.jurisdictions.values_list("code", flat=True)) == ["EU"]
    assert LegalFramework.objects.get(slug="eu-law-enforcement-directive").citations.get().confidence == (
        Confidence.REPORTED
    )
    cagliari = Deployment.objects.get(slug="cagliari-safe-city")
    assert {"eu-gdpr", "eu-ai-act", "it-facial-recognition-moratorium"} <= set(
        cagliari.legal_frameworks.values_list("slug", flat=True)
    )


# --- Ecuador --------------------------------------------------------------------------------------


def test_ecu_911_contract_value_and_parties(seed):
    contract = Contract.objects.get(slug="ecu-911-contract-2011")
    assert contract.value_amount == Decimal("200000000")
    assert contract.value_currency == "USD"
    assert contract.value_note == "over (initial price)"
    assert contract.signed_on == "2011-02"
    assert contract.procurement_method == "direct-award"
    assert "oil" in contract.financing
    vendors = contract.parties.filter(vendor__isnull=False)
    assert sorted(vendors.values_list("vendor__slug", "roles")) == [
        ("ceiec", ["supplier", "payee"]),
        ("huawei", ["supplier", "payee"]),
    ]
    assert contract.deployments.get().slug == "ecu-911"
    assert contract.citations.get(field="value_amount").confidence == Confidence.CONFIRMED
    loan = Contract.objects.get(slug="ecu-911-chinese-loan-2012")
    assert (loan.value_amount, loan.value_currency, loan.signed_on) == (Decimal("240000000"), "USD", "2012")
    assert set(loan.citations.values_list("confidence", flat=True)) == {Confidence.REPORTED}


def test_ecu_911_lender_is_recorded_as_the_sources_give_it(seed):
    """The sources speak of Chinese loans and name no lender: one unnamed lender, funder of both."""
    lender = Organisation.objects.get(slug="cn-unnamed-lender")
    assert (lender.kind, lender.country.code, lender.review_status) == (
        "lender",
        "CN",
        ReviewStatus.PUBLISHED,
    )
    loan = ContractParty.objects.get(organisation=lender, contract__slug="ecu-911-chinese-loan-2012")
    assert (loan.roles, loan.contribution_amount, loan.contribution_currency) == (
        ["funder"],
        Decimal("240000000"),
        "USD",
    )
    assert (loan.source.slug, loan.confidence) == (
        "foreignpolicy-2018-ecuador-all-seeing-eye",
        Confidence.REPORTED,
    )
    oil = ContractParty.objects.get(organisation=lender, contract__slug="ecu-911-contract-2011")
    assert (oil.roles, oil.contribution_amount, oil.confidence) == (["funder"], None, Confidence.CONFIRMED)


def test_ecu_911_counts_and_legal_basis(seed):
    counts = {
        (c.as_of, c.cameras, c.confidence) for c in CameraCount.objects.filter(deployment__slug="ecu-911")
    }
    assert counts == {
        ("2019-04-24", 4300, Confidence.CONFIRMED),
        ("2014", 3000, Confidence.REPORTED),
        ("2018-12", 4500, Confidence.REPORTED),
    }
    ecu = Deployment.objects.get(slug="ecu-911")
    assert set(ecu.legal_frameworks.values_list("slug", flat=True)) == {
        "ec-lopdp",
        "ec-decreto-ejecutivo-988-2011",
    }
    assert LegalFramework.objects.get(slug="ec-decreto-ejecutivo-988-2011").adopted_on == "2011-12-29"
    assert ecu.citations.get(source__slug=BRIEF, field="started_on").confidence == Confidence.REPORTED


def test_ceiec_is_under_ofac_sanctions(seed):
    ceiec = Vendor.objects.get(slug="ceiec")
    ofac = ceiec.designations.get()
    assert (ofac.list_name, ofac.designated_on) == ("ofac-sdn", "2020-11-30")
    assert "13692" in ofac.authority_reference


# --- Colombia -------------------------------------------------------------------------------------


def test_no_colombian_deployment_or_contract_has_a_chinese_vendor(seed):
    colombian = Deployment.objects.filter(country__code="CO")
    assert colombian.count() == 6
    assert not DeploymentVendor.objects.filter(
        deployment__country__code="CO", vendor__headquarters_country__code="CN"
    ).exists()
    assert not Contract.objects.filter(
        buyer__country__code="CO", vendors__headquarters_country__code="CN"
    ).exists()
    vendor = DeploymentVendor.objects.get(deployment__country__code="CO")
    assert vendor.vendor.slug == "inversiones-tecnologicas-de-america"
    assert not Deployment.objects.get(slug="colombia-brief-claims").vendor_roles.exists()


def test_colombian_facts_with_their_sources(seed):
    bogota_fr = CameraCount.objects.get(deployment__slug="bogota-facial-recognition-cameras")
    assert (bogota_fr.cameras, bogota_fr.as_of) == (20, "2022-07")
    costs = {
        cost.deployment.slug: (
            cost.qualifier,
            cost.amount,
            cost.currency,
            cost.period_start,
            cost.period_end,
            cost.source.slug,
            cost.confidence,
        )
        for cost in StatedCost.objects.filter(deployment__country__code="CO")
    }
    assert costs == {
        "colombia-facial-recognition-identification-systems": (
            "at-least",
            Decimal("136000000000"),
            "COP",
            "2015",
            "",
            "karisma-ifex-2021-07-13-facial-recognition-spending",
            Confidence.CONFIRMED,
        ),
        "bogota-facial-recognition-cameras": (
            "exact",
            Decimal("7753000000"),
            "COP",
            "",
            "",
            "elespectador-2022-07-bogota-facial-recognition-cameras",
            Confidence.CONFIRMED,
        ),
    }
    # The amounts live in the stated costs, no longer in the summaries.
    for slug in costs:
        summary = Deployment.objects.get(slug=slug).summary
        assert "7,753m" not in summary and "136bn" not in summary
    medellin = CameraCount.objects.get(deployment__slug="medellin-video-surveillance")
    assert (medellin.cameras, medellin.as_of, medellin.kind) == (4200, "2027", "planned")
    bogota = CameraCount.objects.get(deployment__slug="bogota-video-surveillance")
    assert (bogota.cameras, bogota.as_of) == (13000, "2026")
    tender = Contract.objects.get(slug="co-police-bodycam-tender")
    assert (tender.value_amount, tender.value_currency, tender.kind) == (
        Decimal("200000000000"),
        "COP",
        "tender",
    )
    assert tender.buyer == PublicBody.objects.get(slug="co-policia-nacional")
    assert tender.citations.get(field="").confidence == Confidence.REPORTED
    assert set(
        Deployment.objects.filter(country__code="CO").values_list("legal_frameworks__slug", flat=True)
    ) == {"co-ley-1581-2012"}


# --- Vendors --------------------------------------------------------------------------------------


def test_huawei_designations(seed):
    huawei = Vendor.objects.get(slug="huawei")
    assert huawei.legal_name == "Huawei Technologies Co., Ltd."
    assert set(huawei.designations.values_list("list_name", "designated_on")) == {
        ("us-entity-list", "2019-05"),
        ("fcc-equipment-ban", "2022-11-25"),
    }
    assert "low confidence" in huawei.description


def test_hikvision_dahua_and_zte_designations(seed):
    listed = set(
        Designation.objects.filter(vendor__slug__in=["hikvision", "dahua", "zte"]).values_list(
            "vendor__slug", "list_name", "designated_on"
        )
    )
    assert listed == {
        ("hikvision", "us-entity-list", "2019-10-09"),
        ("hikvision", "fcc-equipment-ban", "2022-11"),
        ("dahua", "us-entity-list", "2019-10-09"),
        ("dahua", "fcc-equipment-ban", "2022-11"),
        ("zte", "fcc-equipment-ban", "2022-11"),
    }
    assert not DeploymentVendor.objects.filter(vendor__slug__in=["hikvision", "dahua", "zte"]).exists()


def test_fixture_files_use_natural_keys_and_say_what_they_hold():
    import yaml

    files = sorted((project_root() / "fixtures").glob("*.yaml"))
    assert [path.name for path in files] == [
        "01_countries.yaml",
        "02_technologies.yaml",
        "03_sources.yaml",
        "04_legal_frameworks.yaml",
        "05_vendors.yaml",
        "06_country_memberships.yaml",
        "10_serbia.yaml",
        "11_italy.yaml",
        "12_ecuador.yaml",
        "13_colombia.yaml",
        "20_bibliography.yaml",
    ]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# "), path.name
        entries = yaml.safe_load(text)
        assert entries and all("pk" not in entry for entry in entries), path.name
