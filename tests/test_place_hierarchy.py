"""place= takes in the places inside the given one (parent, recursively), and a nationwide place at
the top of its country's tree stands for the whole country: API lists, CSV exports and the website."""

import csv
import io
from types import SimpleNamespace

import pytest

from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


@pytest.fixture(name="tree")
def tree_fixture(db):
    """Italy > Sardinia > Cagliari > Marina (three levels under the country), a draft district under
    Sardinia with a published place under it, and Serbia > Belgrade next to them."""
    t = SimpleNamespace(it=builders.country("IT", "Italy"), rs=builders.country("RS", "Serbia"))
    t.italy = builders.place("italy", "Italy", t.it, kind="nationwide")
    t.sardinia = builders.place("sardinia", "Sardinia", t.it, kind="region", parent=t.italy)
    t.cagliari = builders.place("cagliari", "Cagliari", t.it, parent=t.sardinia)
    t.marina = builders.place("marina", "Marina", t.it, kind="district", parent=t.cagliari)
    t.hidden = builders.place("hidden", "Hidden", t.it, kind="district", parent=t.sardinia, status="draft")
    t.under_hidden = builders.place("under-hidden", "Under hidden", t.it, kind="site", parent=t.hidden)
    t.lazio = builders.place("lazio", "Lazio", t.it, kind="region", parent=t.italy)
    t.belgrade = builders.place("belgrade", "Belgrade", t.rs)
    d = builders.deployment
    t.regional = d("regional", country_obj=t.it, places=[t.sardinia])
    t.city = d("city", country_obj=t.it, places=[t.cagliari])
    t.district = d("district", country_obj=t.it, places=[t.marina])
    t.drafted = d("drafted", country_obj=t.it, places=[t.under_hidden])
    t.rome = d("rome", country_obj=t.it, places=[t.lazio])
    t.nowhere = d("nowhere-in-italy", country_obj=t.it)
    t.serbian = d("serbian", country_obj=t.rs, places=[t.belgrade])
    for deployment_obj, place in ((t.city, t.cagliari), (t.district, t.marina), (t.serbian, t.belgrade)):
        builders.camera_count(deployment_obj, place=place)
    builders.camera_count(t.nowhere)
    return t


def slugs(api, path, key="slug"):
    response = api.get(f"{BASE}/{path}")
    assert response.status_code == 200, response.content
    return sorted(item[key] for item in response.json()["results"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("place=marina", ["district"]),
        ("place=cagliari", ["city", "district"]),
        # Not the deployment under a draft place: the draft is not walked through.
        ("place=sardinia", ["city", "district", "regional"]),
        ("place=italy", ["city", "district", "drafted", "nowhere-in-italy", "regional", "rome"]),
        ("place=cagliari,belgrade", ["city", "district", "serbian"]),
        ("place=sardinia&status=active", ["city", "district", "regional"]),
    ],
)
def test_deployments_in_a_place_and_the_places_inside_it(api, tree, query, expected):
    assert slugs(api, f"deployments/?{query}") == expected


def test_the_website_filters_the_same_way(client, tree):
    response = client.get("/deployments/?place=sardinia")
    assert response.status_code == 200
    assert sorted(d.slug for d in response.context["deployments"]) == ["city", "district", "regional"]


def test_camera_counts_of_a_place_and_of_a_whole_country(api, tree):
    deployments = [
        count["deployment"]["slug"]
        for count in api.get(f"{BASE}/camera-counts/?place=cagliari").json()["results"]
    ]
    assert sorted(deployments) == ["city", "district"]
    whole = api.get(f"{BASE}/camera-counts/?place=italy").json()["results"]
    assert sorted(count["deployment"]["slug"] for count in whole) == ["city", "district", "nowhere-in-italy"]


def test_public_bodies_and_contracts_of_a_place(api, tree):
    builders.public_body("cagliari-council", country_obj=tree.it, place=tree.cagliari)
    builders.public_body("sardinia-region", country_obj=tree.it, place=tree.sardinia)
    assert slugs(api, "public-bodies/?place=cagliari") == ["cagliari-council"]
    assert slugs(api, "public-bodies/?place=sardinia") == ["cagliari-council", "sardinia-region"]
    rome_buyer = builders.public_body("rome-buyer", country_obj=tree.it, place=tree.lazio)
    builders.contract("for-the-district", buyer=rome_buyer, deployments=[tree.district])
    builders.contract("for-rome", buyer=rome_buyer, deployments=[tree.rome])
    assert slugs(api, "contracts/?place=sardinia") == ["for-the-district"]
    assert slugs(api, "contracts/?place=lazio") == ["for-rome", "for-the-district"]  # by their buyer


def test_csv_export_takes_in_the_places_inside(api, tree):
    response = api.get(f"{BASE}/deployments/?place=sardinia&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8"))))
    assert sorted(row["slug"] for row in rows) == ["city", "district", "regional"]


def test_a_draft_place_is_unknown(api, tree):
    response = api.get(f"{BASE}/deployments/?place=hidden")
    assert response.status_code == 404
    assert "place" in response.json()


def test_seed_sardinia_and_italy(api, seed):
    sardinia = slugs(api, "deployments/?place=sardinia")
    assert sardinia == [
        "cagliari-safe-city",
        "sardinia-intelligent-region",
        "sardinia-joint-innovation-center-pula",
    ]
    italy = slugs(api, "deployments/?place=italy")
    assert italy == slugs(api, "deployments/?country=IT") and set(sardinia) <= set(italy)
