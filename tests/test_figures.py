"""Figures as sources state them: a camera count's qualifier ("at least 1,200") and its reported-on
date (an undated count dated by its source), and measurements (locations, centres, staff, sensors),
on every surface: API JSON (both paths) and CSV, the website, imports, the seed."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deployments.choices import MeasuredThing, Qualifier
from deployments.models import CameraCount, Measurement
from registry.choices import Confidence, ReviewStatus
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture  # noqa: F401
from tests.test_api_json_sql import assert_same_detail, assert_same_json
from tests.test_import_export import csv_bytes, snapshot

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def csv_of(response) -> list[dict]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


@pytest.fixture
def figures(db):
    """A published deployment with an undated "at least" count dated by its source, a dated exact
    count, a published measurement and a draft one."""
    deployment = builders.deployment()
    dated_source = builders.source(published_on="2021-08-10")
    undated = builders.camera_count(
        deployment, as_of="", cameras=1200, qualifier=Qualifier.AT_LEAST, source_obj=dated_source
    )
    earlier = builders.camera_count(deployment, as_of="2019", cameras=100, source_obj=dated_source)
    later = builders.camera_count(deployment, as_of="2022", cameras=1500, source_obj=dated_source)
    staff = Measurement.objects.create(
        deployment=deployment,
        what=MeasuredThing.STAFF,
        as_of="2019-04-24",
        qualifier=Qualifier.AT_LEAST,
        quantity=3000,
        source=dated_source,
        confidence=Confidence.CONFIRMED,
        review_status=ReviewStatus.PUBLISHED,
    )
    draft = Measurement.objects.create(
        deployment=deployment,
        what=MeasuredThing.CONTROL_CENTRES,
        as_of="2019",
        quantity=16,
        source=dated_source,
    )
    return deployment, (earlier, undated, later), staff, draft


# --- Camera counts: qualifier and reported-on date ----------------------------------------------------


def test_undated_count_is_placed_on_the_timeline_at_its_sources_date(api, settings, figures):
    deployment, (earlier, undated, later), _, _ = figures
    body = assert_same_json(api, settings, f"{BASE}/camera-counts/?deployment={deployment.slug}", min_rows=3)
    rows = body["results"]
    assert [row["public_id"] for row in rows] == [str(c.public_id) for c in (earlier, undated, later)]
    middle = rows[1]
    assert (
        middle["as_of"],
        middle["reported_on"],
        middle["timeline_date"],
        middle["timeline_date_basis"],
    ) == (
        "",
        "2021-08-10",
        "2021-08-10",
        "reported_on",
    )
    assert (middle["qualifier"], middle["cameras"]) == ("at-least", 1200)
    assert (rows[0]["timeline_date_basis"], rows[0]["qualifier"]) == ("as_of", "exact")
    # The deployment's detail lists its timeline in the same order, on both paths.
    detail = assert_same_detail(api, settings, f"{BASE}/deployments/{deployment.slug}/")
    assert [count["cameras"] for count in detail["camera_counts"]] == [100, 1200, 1500]
    # A date filter compares the timeline's date: the undated count is found by its source's date.
    found = api.get(f"{BASE}/camera-counts/?deployment={deployment.slug}&as_of_after=2021&as_of_before=2021")
    assert [row["cameras"] for row in found.json()["results"]] == [1200]


def test_camera_count_csv_has_the_qualifier_and_reported_on(api, figures):
    deployment, _, _, _ = figures
    rows = csv_of(api.get(f"{BASE}/camera-counts/?deployment={deployment.slug}&format=csv"))
    assert [(row["as_of"], row["reported_on"], row["qualifier"], row["cameras"]) for row in rows] == [
        ("2019", "2021-08-10", "exact", "100"),
        ("", "2021-08-10", "at-least", "1200"),
        ("2022", "2021-08-10", "exact", "1500"),
    ]


def test_undated_count_of_an_undated_source_is_refused_by_the_import(seed, tmp_path, capsys):
    header = ["public_id", "deployment", "as_of", "qualifier", "cameras", "kind", "source"]
    rows = [header, ["", "ecu-911", "", "about", "3000", "installed", "ecu911-count-2014-secondary-reposts"]]
    path = tmp_path / "counts.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_records", "deployments.CameraCount", str(path), verbosity=0)

    assert snapshot() == before
    assert "column 'as_of': Give the date the figure is as of" in capsys.readouterr().err


def test_a_bad_qualifier_is_refused_by_the_import(seed, tmp_path, capsys):
    header = ["public_id", "deployment", "as_of", "qualifier", "cameras", "kind", "source"]
    rows = [
        header,
        ["", "ecu-911", "2014", "roughly", "3000", "installed", "ecu911-count-2014-secondary-reposts"],
    ]
    path = tmp_path / "counts.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot()

    with pytest.raises(CommandError):
        call_command("import_records", "deployments.CameraCount", str(path), verbosity=0)

    assert snapshot() == before
    assert "column 'qualifier'" in capsys.readouterr().err


# --- Measurements -------------------------------------------------------------------------------------


def test_measurements_list_detail_and_csv_show_published_ones_only(api, figures):
    deployment, _, staff, draft = figures
    body = api.get(f"{BASE}/measurements/?deployment={deployment.slug}").json()
    assert [row["public_id"] for row in body["results"]] == [str(staff.public_id)]
    row = body["results"][0]
    assert (row["what"], row["qualifier"], row["quantity"], row["as_of"], row["timeline_date_basis"]) == (
        "staff",
        "at-least",
        3000,
        "2019-04-24",
        "as_of",
    )
    assert row["deployment"]["slug"] == deployment.slug
    assert api.get(f"{BASE}/measurements/{staff.public_id}/").json()["url"] == row["url"]
    assert api.get(f"{BASE}/measurements/{draft.public_id}/").status_code == 404
    rows = csv_of(api.get(f"{BASE}/measurements/?deployment={deployment.slug}&format=csv"))
    assert [(r["what"], r["qualifier"], r["quantity"], r["reported_on"]) for r in rows] == [
        ("staff", "at-least", "3000", "2021-08-10")
    ]


def test_a_draft_measurement_is_public_only_once_published_with_its_deployment(api, figures):
    deployment, _, _, draft = figures
    assert not Measurement.objects.get(pk=draft.pk).is_public
    Measurement.objects.filter(pk=draft.pk).update(review_status=ReviewStatus.PUBLISHED)
    assert Measurement.objects.get(pk=draft.pk).is_public
    # Its deployment unpublished: no longer public, on any surface.
    type(deployment).objects.filter(pk=deployment.pk).update(review_status=ReviewStatus.DRAFT)
    assert not Measurement.objects.filter(deployment=deployment, is_public=True).exists()
    assert api.get(f"{BASE}/measurements/{draft.public_id}/").status_code == 404


def test_measurement_filters_by_what_and_date_and_refuse_bad_values(api, figures):
    deployment, _, _, _ = figures
    assert len(api.get(f"{BASE}/measurements/?what=staff&as_of_after=2019").json()["results"]) == 1
    assert api.get(f"{BASE}/measurements/?what=staff&as_of_after=2020").json()["results"] == []
    assert api.get(f"{BASE}/measurements/?country={deployment.country.code}").json()["results"]
    refused = api.get(f"{BASE}/measurements/?what=satellites")
    assert refused.status_code == 400
    assert "what" in refused.json()


def test_the_deployment_page_shows_qualified_figures(client, seed):
    page = client.get("/deployments/belgrade-safe-society/").content.decode()
    assert "≥ 1,200" in page and "≥ 8,000" in page
    assert "Sites whose cameras were replaced" in page and "Cameras added" in page
    ecu = client.get("/deployments/ecu-911/").content.decode()
    assert "~3,000" in ecu and "~4,500" in ecu and "≥ 3,000" in ecu
    assert "Control or monitoring centres" in ecu


def test_the_website_shows_an_undated_count_as_reported(client, figures):
    deployment, _, _, draft = figures
    page = client.get(f"/deployments/{deployment.slug}/").content.decode()
    assert "10 Aug 2021 (reported)" in page
    assert "≥ 1,200" in page and "≥ 3,000" in page
    assert "Control or monitoring centres" not in page  # the draft measurement


# --- The seed -----------------------------------------------------------------------------------------


def test_the_seed_has_the_measured_facts_with_their_sources(seed):
    facts = set(
        Measurement.objects.published().values_list(
            "deployment__slug", "what", "qualifier", "quantity", "source__slug", "confidence"
        )
    )
    assert facts == {
        (
            "belgrade-safe-society",
            "sites-replaced",
            "exact",
            61,
            "poverenik-2018-video-nadzor-hronicno-neuredjena-oblast",
            "confirmed",
        ),
        (
            "belgrade-safe-society",
            "cameras-added",
            "exact",
            47,
            "poverenik-2018-video-nadzor-hronicno-neuredjena-oblast",
            "confirmed",
        ),
        (
            "ecu-911",
            "control-centres",
            "exact",
            16,
            "nyt-2019-04-24-made-in-china-surveillance-state",
            "confirmed",
        ),
        (
            "ecu-911",
            "staff",
            "at-least",
            3000,
            "nyt-2019-04-24-made-in-china-surveillance-state",
            "confirmed",
        ),
        (
            "cagliari-safe-city",
            "traffic-stations",
            "exact",
            92,
            "skytg24-2018-12-07-supercervellone-huawei",
            "confirmed",
        ),
        (
            "cagliari-safe-city",
            "parking-sensors",
            "exact",
            23,
            "skytg24-2018-12-07-supercervellone-huawei",
            "confirmed",
        ),
        (
            "cagliari-safe-city",
            "traffic-stations",
            "exact",
            92,
            "ilsole24ore-2018-12-08-cagliari-operation-center",
            "confirmed",
        ),
        (
            "cagliari-safe-city",
            "parking-sensors",
            "exact",
            23,
            "ilsole24ore-2018-12-08-cagliari-operation-center",
            "confirmed",
        ),
    }
    assert Measurement.objects.filter(is_public=True).count() == 8


def test_the_seed_qualifies_the_counts_its_sources_state_approximately(seed):
    qualified = set(
        CameraCount.objects.exclude(qualifier=Qualifier.EXACT).values_list(
            "deployment__slug", "cameras", "qualifier"
        )
    )
    assert qualified == {
        ("belgrade-safe-society", 1200, "at-least"),  # Euronews: "at least 1,200"
        ("belgrade-safe-society", 8000, "at-least"),  # SHARE: "more than 8,000"
        ("ecu-911", 3000, "about"),  # "~3,000" (2014)
        ("ecu-911", 4500, "about"),  # "~4,500" (ECU 911 website)
        ("bogota-video-surveillance", 13000, "about"),  # Pulzo: "~13,000"
    }
