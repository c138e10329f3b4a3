"""The seed says exactly what its sources say (issue: a structured, cited home for every fact): each
correction of the fact-check asserted by query, and laws dated over their life and linked to what
they amend, through the admin, the import/export files, the API and the website."""

import csv
import io

from django.core.management import call_command

from deployments.models import Contract, Deployment, DeploymentCitation, Place
from registry.choices import Confidence, ReviewStatus
from registry.models import LegalFramework, LegalFrameworkCitation, Source
from tests.api_support import api_fixture  # noqa: F401
from vendors.models import Designation, Vendor


def citation(record, field: str):
    return record.citations.get(field=field)


# --- Laws over time ------------------------------------------------------------------------------


def test_serbias_data_protection_law_applies_from_its_cited_date_and_states_no_entry_into_force(seed):
    law = LegalFramework.objects.get(slug="rs-law-on-personal-data-protection")
    assert (law.adopted_on, law.in_force_on, law.applies_from) == ("2018-11", "", "2019-08-21")
    assert citation(law, "applies_from").source.slug == "rs-official-gazette-87-2018"
    assert not law.citations.filter(field="in_force_on").exists()


def test_the_serbian_drafts_are_dated_when_proposed(seed):
    drafts = LegalFramework.objects.filter(slug__startswith="rs-draft-law-on-internal-affairs")
    assert dict(drafts.values_list("slug", "proposed_on")) == {
        "rs-draft-law-on-internal-affairs-2021": "2021-09",
        "rs-draft-law-on-internal-affairs-2022": "2022-12",
    }
    for draft in drafts:
        assert citation(draft, "proposed_on").confidence == Confidence.CONFIRMED
        assert draft.adopted_on == ""


def test_the_moratorium_extension_amends_the_moratorium_and_its_expiry_is_an_inference(seed):
    moratorium = LegalFramework.objects.get(slug="it-facial-recognition-moratorium")
    extension = LegalFramework.objects.get(slug="it-decreto-legge-51-2023")
    assert extension.amends == moratorium
    assert list(moratorium.amendments.all()) == [extension]
    assert moratorium.legal_status == "expired"
    assert citation(moratorium, "legal_status").confidence == Confidence.REPORTED
    assert "Inferred" in citation(moratorium, "legal_status").locator


def test_ecuadors_data_protection_law_is_dated_by_its_publication(seed):
    law = LegalFramework.objects.get(slug="ec-lopdp")
    assert (law.adopted_on, law.published_on) == ("", "2021-05-26")
    assert citation(law, "published_on").source.slug == "ec-registro-oficial-459-2021-lopdp"


def test_the_api_shows_a_laws_dates_and_its_published_amendments_only(seed, api):
    moratorium = LegalFramework.objects.get(slug="it-facial-recognition-moratorium")
    body = api.get("/api/v1/legal-frameworks/it-decreto-legge-51-2023/").json()
    assert body["amends"]["slug"] == moratorium.slug
    body = api.get(f"/api/v1/legal-frameworks/{moratorium.slug}/").json()
    assert [law["slug"] for law in body["amendments"]] == ["it-decreto-legge-51-2023"]

    LegalFramework.objects.filter(slug="it-decreto-legge-51-2023").update(review_status=ReviewStatus.DRAFT)
    assert api.get(f"/api/v1/legal-frameworks/{moratorium.slug}/").json()["amendments"] == []

    serbian = api.get("/api/v1/legal-frameworks/rs-law-on-personal-data-protection/").json()
    assert (serbian["applies_from"], serbian["applies_from_display"]) == ("2019-08-21", "21 Aug 2019")
    assert serbian["in_force_on"] == "" and serbian["amends"] is None


def test_a_draft_amended_law_is_no_amends_of_a_published_one(seed, api):
    LegalFramework.objects.filter(slug="it-facial-recognition-moratorium").update(
        review_status=ReviewStatus.DRAFT
    )
    body = api.get("/api/v1/legal-frameworks/it-decreto-legge-51-2023/").json()
    assert body["amends"] is None
    response = api.get("/api/v1/legal-frameworks/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    extension = next(row for row in rows if row["slug"] == "it-decreto-legge-51-2023")
    assert extension["amends_slug"] == ""
    assert "applies_from" in extension and "proposed_on" in extension


def test_the_law_page_shows_its_dates_and_links_its_amendments(seed, client):
    page = client.get("/legal-frameworks/it-facial-recognition-moratorium/").content.decode()
    assert "Amended by" in page and "/legal-frameworks/it-decreto-legge-51-2023/" in page
    page = client.get("/legal-frameworks/rs-law-on-personal-data-protection/").content.decode()
    assert "Applies from" in page and "21 Aug 2019" in page


def test_laws_dates_and_amends_round_trip_through_the_export_and_import_files(seed, tmp_path):
    path = tmp_path / "laws.csv"
    call_command("export_records", "registry.LegalFramework", output=str(path), verbosity=0)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    extension = next(row for row in rows if row["slug"] == "it-decreto-legge-51-2023")
    assert extension["amends"] == "it-facial-recognition-moratorium"

    # A draft takes the file's values at once (a published record's change would be a proposal).
    LegalFramework.objects.filter(slug="it-decreto-legge-51-2023").update(
        amends=None, review_status=ReviewStatus.DRAFT
    )
    rows = [row for row in rows if row["slug"] == "it-decreto-legge-51-2023"]
    rows[0]["review_status"] = ReviewStatus.DRAFT
    rows[0]["version"] = str(LegalFramework.objects.get(slug="it-decreto-legge-51-2023").version)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    call_command("import_records", "registry.LegalFramework", str(path), verbosity=0)
    assert LegalFramework.objects.get(slug="it-decreto-legge-51-2023").amends.slug == (
        "it-facial-recognition-moratorium"
    )


# --- Corrections of the fact-check -----------------------------------------------------------------


def test_no_vendor_fact_without_a_source(seed):
    huawei = Vendor.objects.get(slug="huawei")
    assert (huawei.website, huawei.wikidata_qid) == ("", "")
    assert Vendor.objects.get(slug="griffeye").headquarters_country is None
    assert Vendor.objects.get(slug="inversiones-tecnologicas-de-america").headquarters_country is None
    ceiec = Vendor.objects.get(slug="ceiec")
    assert (ceiec.parent, ceiec.ownership) == (None, "unknown")
    assert not Vendor.objects.filter(slug="cec").exists()
    # The OFAC list is cited for CEIEC's designation only, not for a parent company.
    ofac = Source.objects.get(slug="us-ofac-sdn-list")
    assert not ceiec.citations.filter(source=ofac, field="parent").exists()


def test_the_fcc_designations_are_the_nov_2022_equipment_ban_with_its_source(seed):
    fcc = Designation.objects.filter(list_name__startswith="fcc")
    assert set(fcc.values_list("vendor__slug", "list_name", "designated_on")) == {
        ("huawei", "fcc-equipment-ban", "2022-11-25"),
        ("hikvision", "fcc-equipment-ban", "2022-11"),
        ("dahua", "fcc-equipment-ban", "2022-11"),
        ("zte", "fcc-equipment-ban", "2022-11"),
    }
    assert set(fcc.values_list("source__slug", flat=True)) == {"us-fcc-2022-11-equipment-authorization-ban"}


def test_statuses_and_dates_no_source_gives_are_unknown(seed):
    pula = Deployment.objects.get(slug="sardinia-joint-innovation-center-pula")
    assert pula.status == "unknown"
    assert "Operation Center used in Cagliari was developed here" not in pula.summary
    colombia = Deployment.objects.get(slug="colombia-facial-recognition-identification-systems")
    assert (colombia.status, colombia.started_on) == ("unknown", "")
    assert not colombia.citations.filter(field="started_on").exists()
    belgrade = Deployment.objects.get(slug="belgrade-safe-society")
    assert "withdrawn in 2021" not in belgrade.summary


def test_the_colombian_police_as_buyer_is_cited_as_an_inference(seed):
    tender = Contract.objects.get(slug="co-police-bodycam-tender")
    assert tender.buyer.slug == "co-policia-nacional"
    assert citation(tender, "buyer").confidence == Confidence.REPORTED
    cameras = Deployment.objects.get(slug="colombia-police-body-cameras")
    assert citation(cameras, "operator").confidence == Confidence.REPORTED


def test_no_unsourced_unused_place(seed):
    assert not Place.objects.filter(slug="quito").exists()


def test_the_brief_bibliography_is_cited_and_marked_as_claimed(seed):
    bibliography = Source.objects.filter(notes__contains="complementary bibliography")
    assert bibliography.count() == 4
    for source in bibliography:
        uses = [
            *DeploymentCitation.objects.filter(source=source),
            *LegalFrameworkCitation.objects.filter(source=source),
        ]
        assert uses, source.slug
        assert {use.confidence for use in uses} == {Confidence.CLAIMED}
