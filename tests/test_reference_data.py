"""Reference data is reviewed like everything else.

Every ISO 3166-1 country is there after ``migrate`` (no curator adds one); what a country joined or
left is a cited ``CountryMembership``; places, public bodies and technologies a curator adds are
drafts, invisible on every public surface (API list, detail, filters, search, CSV, GeoJSON, the
website, embedded in published records) until a reviewer publishes them; the seed's are published.
"""

import csv
import io
import json

import pghistory.models
import pycountry
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from deployments.models import Place, PublicBody, Technology
from registry.choices import ReviewStatus
from registry.curation.roles import CURATORS_GROUP, REVIEWERS_GROUP, ensure_roles
from registry.curation.workflow import transition
from registry.models import Country, CountryMembership
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
# What the curator's drafts are called: none of it may reach a public surface.
DRAFT_TEXT = [
    "zemun-drafted",
    "Zemun Drafted",
    "thermal-drafted",
    "Thermal Drafted",
    "police-drafted",
    "Police Drafted",
    "1999-07",  # the draft membership's date
]


@pytest.fixture
def drafts(world):
    """A curator's new place, technology, public body and membership, linked from published records."""
    world.draft_place = builders.place(
        "zemun-drafted", "Zemun Drafted", world.rs, status=ReviewStatus.DRAFT, latitude=44.84, longitude=20.41
    )
    world.draft_tech = builders.technology("thermal-drafted", "Thermal Drafted", ReviewStatus.DRAFT)
    world.draft_body = builders.public_body(
        "police-drafted", "Police Drafted", world.ec, kind="police", status=ReviewStatus.DRAFT
    )
    world.draft_membership = builders.country_membership(
        world.ec, "belt-and-road", "1999-07", ReviewStatus.DRAFT, source_obj=world.src
    )
    world.safe_society.places.add(world.draft_place)
    world.safe_society.technologies.add(world.draft_tech)
    world.count_2021.place = world.draft_place
    world.count_2021.save()
    # A published deployment and contract whose operator and buyer a curator replaced by a draft.
    world.ecu.operator = world.draft_body
    world.ecu.save()
    world.ecu_loan.buyer = world.draft_body
    world.ecu_loan.save()
    return world


@pytest.fixture
def reviewer(db):
    ensure_roles()
    user = get_user_model().objects.create_user("reviewer", password="a long test password", is_staff=True)
    user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    return user


def assert_no_draft(text: str, where: str):
    for needle in DRAFT_TEXT:
        assert needle not in text, (needle, where)


def public_texts(api, client) -> dict[str, str]:
    """Every public surface that could show or embed a place, technology, body or membership."""
    texts = {}
    for endpoint in ("countries", "deployments", "contracts", "camera-counts", "technologies", "places"):
        listing = api.get(f"{BASE}/{endpoint}/", {"page_size": 500})
        assert listing.status_code == 200
        texts[f"{endpoint} list"] = listing.content.decode()
        texts[f"{endpoint} csv"] = api.get(f"{BASE}/{endpoint}/?format=csv").getvalue().decode()
        for item in listing.json()["results"]:
            if endpoint != "countries" or item["code"] in ("RS", "EC", "CN"):
                texts[item["url"]] = api.get(item["url"]).content.decode()
    for endpoint in ("deployments", "places"):
        geojson = api.get(f"{BASE}/{endpoint}/?format=geojson").getvalue().decode()
        texts[f"{endpoint} geojson"] = json.dumps(json.loads(geojson), ensure_ascii=False)
    for url in (
        "/",
        "/deployments/",
        "/deployments/safe-society/",
        "/deployments/ecu-911/",
        "/countries/EC/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = response.content.decode()
    texts["vendor page"] = client.get("/vendors/ceiec/").content.decode()
    return texts


# --- Countries ---------------------------------------------------------------------------------------


def test_every_iso_country_is_there_after_migrate():
    codes = set(Country.objects.values_list("code", flat=True))
    assert codes == {country.alpha_2 for country in pycountry.countries} | {"EU"}
    assert Country.objects.get(code="KE").name == "Kenya"
    assert Country.objects.get(code="TW").name == "Taiwan"  # pycountry's common name
    # The seed's countries keep the seed's names, regions and sub-regions; EU law applies in its members.
    assert Country.objects.filter(code="RS").values_list("name", "region", "subregion").get() == (
        "Serbia",
        "europe",
        "Southern Europe",
    )
    assert Country.objects.get(code="EU").kind == "union"
    assert set(Country.objects.get(code="EU").member_states.values_list("code", flat=True)) >= {
        "IT",
        "SE",
        "FR",
    }


def test_no_role_may_add_or_delete_a_country(client):
    curators, reviewers = ensure_roles()
    for group in (curators, reviewers):
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert "view_country" in codenames
        assert not {"add_country", "delete_country"} & codenames
        assert {"add_place", "add_publicbody", "add_technology", "add_countrymembership"} <= codenames
    # Only a reviewer corrects a country (test below).
    assert not curators.permissions.filter(codename="change_country").exists()
    assert reviewers.permissions.filter(codename="change_country").exists()
    superuser = get_user_model().objects.create_superuser("root", password="a long test password")
    client.force_login(superuser)
    assert client.get(reverse("admin:registry_country_add")).status_code == 403
    changelist = client.get(reverse("admin:registry_country_changelist")).content.decode()
    assert reverse("admin:registry_country_add") not in changelist
    # No "+" beside a country field either: a place's form offers none.
    place_form = client.get(reverse("admin:deployments_place_add")).content.decode()
    assert "add_id_country" not in place_form
    assert "add_id_parent" in place_form
    assert not Permission.objects.filter(
        group__name=CURATORS_GROUP, codename__in=["add_country", "delete_country"]
    ).exists()


def test_only_a_reviewer_corrects_a_country(client, world):
    """A country has no review status: what is saved is public at once, so a curator sees its page
    read-only and a change posted anyway is refused; a reviewer's correction is kept with its reason."""
    curators, reviewers = ensure_roles()
    url = reverse("admin:registry_country_change", args=[world.rs.pk])
    posted = {"name": "Republic of Serbia", "region": "europe", "subregion": "Southern Europe"}
    curator = get_user_model().objects.create_user("cu", password="a long test password", is_staff=True)
    curator.groups.add(curators)
    client.force_login(curator)
    page = client.get(url)
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()
    assert client.post(url, posted).status_code == 403
    assert Country.objects.get(pk=world.rs.pk).name == world.rs.name

    reviewer = get_user_model().objects.create_user("re", password="a long test password", is_staff=True)
    reviewer.groups.add(reviewers)
    client.force_login(reviewer)
    assert 'name="name"' in client.get(url).content.decode()
    response = client.post(url, {**posted, "change_reason": "ISO short name"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Country.objects.get(pk=world.rs.pk).name == "Republic of Serbia"
    last_event = pghistory.models.Events.objects.tracks(world.rs).order_by("pgh_id").last()
    assert last_event.pgh_context["reason"] == "ISO short name"


# --- Curator-created reference records ---------------------------------------------------------------


def test_curator_created_records_are_drafts(client, world):
    ensure_roles()
    curator = get_user_model().objects.create_user("curator", password="a long test password", is_staff=True)
    curator.groups.add(Group.objects.get(name=CURATORS_GROUP))
    client.force_login(curator)
    # The "+" pop-up beside a deployment's place field.
    response = client.post(
        reverse("admin:deployments_place_add") + "?_to_field=id&_popup=1",
        {"name": "Novi Sad", "slug": "novi-sad", "kind": "city", "country": world.rs.pk, "_popup": "1"},
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert Place.objects.get(slug="novi-sad").review_status == ReviewStatus.DRAFT
    response = client.post(
        reverse("admin:deployments_technology_add"),
        {"name": "Gait recognition", "slug": "gait-recognition", "description": "", "biometric": "on"},
    )
    assert response.status_code == 302
    assert Technology.objects.get(slug="gait-recognition").review_status == ReviewStatus.DRAFT
    response = client.post(
        reverse("admin:deployments_publicbody_add"),
        {"name": "Police of Novi Sad", "slug": "novi-sad-police", "kind": "police", "country": world.rs.pk},
    )
    assert response.status_code == 302
    assert PublicBody.objects.get(slug="novi-sad-police").review_status == ReviewStatus.DRAFT
    prefix = "citations"
    response = client.post(
        reverse("admin:registry_countrymembership_add"),
        {
            "country": Country.objects.get(code="KE").pk,
            "organisation": "belt-and-road",
            "joined_on": "2018-09",
            "left_on": "",
            "slug": "",
            "notes": "",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-source": world.src.pk,
            f"{prefix}-0-field": "joined_on",
            f"{prefix}-0-locator": "p. 4",
            f"{prefix}-0-quote": "",
            f"{prefix}-0-confidence": "reported",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = CountryMembership.objects.get(slug="ke-belt-and-road-2018-09")
    assert membership.review_status == ReviewStatus.DRAFT
    assert membership.citations.get().field == "joined_on"


def test_drafts_are_invisible_on_every_public_surface(api, client, drafts):
    texts = public_texts(api, client)
    for where, text in texts.items():
        assert_no_draft(text, where)
    # Embedded relations read as absent, not as the draft.
    ecu = api.get(f"{BASE}/deployments/ecu-911/").json()
    assert ecu["operator"] is None
    assert next(c for c in ecu["contracts"] if c["slug"] == "ecu-911-loan")["buyer"] is None
    loan = api.get(f"{BASE}/contracts/ecu-911-loan/").json()
    assert (loan["buyer"], loan["buyer_country"]) == (None, None)
    count = api.get(f"{BASE}/camera-counts/{drafts.count_2021.public_id}/").json()
    assert count["place"] is None
    ecuador = api.get(f"{BASE}/countries/EC/").json()
    assert ecuador["memberships"] == []


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("deployments/?place=zemun-drafted", "place"),
        ("deployments/?technology=thermal-drafted", "technology"),
        ("deployments/?operator=police-drafted", "operator"),
        ("contracts/?buyer=police-drafted", "buyer"),
        ("camera-counts/?place=zemun-drafted", "place"),
        ("places/?parent=zemun-drafted", "parent"),
    ],
)
def test_a_draft_slug_in_a_filter_is_an_unknown_one(api, drafts, path, parameter):
    endpoint, draft = path.split("=")
    response = api.get(f"{BASE}/{path}")
    made_up = api.get(f"{BASE}/{endpoint}=never-existed")
    # A filter naming no public record is a 404 (docs/api.md): a draft's slug is answered as an unknown one.
    assert response.status_code == made_up.status_code == 404
    assert response.json() == {
        parameter: [message.replace("never-existed", draft) for message in made_up.json()[parameter]]
    }


def test_details_of_drafts_are_404_and_search_finds_nothing(api, drafts):
    for url in ("places/zemun-drafted/", "technologies/thermal-drafted/"):
        assert api.get(f"{BASE}/{url}").status_code == 404
    assert api.get(f"{BASE}/places/?search=zemun").json()["count"] == 0
    assert api.get(f"{BASE}/technologies/?search=thermal").json()["count"] == 0
    # A contract is not found by the name of a buyer that is not published.
    assert api.get(f"{BASE}/contracts/?search=drafted").json()["count"] == 0
    assert [c["code"] for c in api.get(f"{BASE}/countries/?belt_and_road=true").json()["results"]] == ["CN"]


def test_published_by_a_reviewer_they_appear_everywhere(api, client, drafts, reviewer):
    for record in (drafts.draft_place, drafts.draft_tech, drafts.draft_body, drafts.draft_membership):
        transition(record, name="publish", user=reviewer)
    safe_society = api.get(f"{BASE}/deployments/safe-society/").json()
    assert "zemun-drafted" in [place["slug"] for place in safe_society["places"]]
    assert "thermal-drafted" in [tech["slug"] for tech in safe_society["technologies"]]
    assert api.get(f"{BASE}/deployments/ecu-911/").json()["operator"]["slug"] == "police-drafted"
    assert api.get(f"{BASE}/contracts/ecu-911-loan/").json()["buyer"]["slug"] == "police-drafted"
    assert [d["slug"] for d in api.get(f"{BASE}/deployments/?place=zemun-drafted").json()["results"]] == [
        "safe-society"
    ]
    # Its buyer's name, and its deployment's place (places are searched in contracts too).
    assert api.get(f"{BASE}/contracts/?search=drafted").json()["count"] == 2
    count = api.get(f"{BASE}/camera-counts/{drafts.count_2021.public_id}/").json()
    assert count["place"]["slug"] == "zemun-drafted"
    rows = list(csv.DictReader(io.StringIO(api.get(f"{BASE}/deployments/?format=csv").getvalue().decode())))
    ecu = next(row for row in rows if row["slug"] == "ecu-911")
    assert (ecu["operator_slug"], ecu["operator_name"]) == ("police-drafted", "Police Drafted")
    assert "zemun-drafted" in next(row for row in rows if row["slug"] == "safe-society")["place_slugs"]
    geojson = api.get(f"{BASE}/places/?format=geojson").getvalue().decode()
    assert "Zemun Drafted" in geojson
    (membership,) = api.get(f"{BASE}/countries/EC/").json()["memberships"]
    assert membership["joined_on"] == "1999-07"
    page = client.get("/countries/EC/").content.decode()
    assert "Belt and Road Initiative" in page and "Jul 1999" in page
    assert "Zemun Drafted" in client.get("/deployments/safe-society/").content.decode()


def test_the_seed_reference_records_are_published(api, seed):
    for model in (Place, PublicBody, Technology, CountryMembership):
        assert set(model.objects.values_list("review_status", flat=True)) == {ReviewStatus.PUBLISHED}
    assert api.get(f"{BASE}/places/belgrade/").status_code == 200
    assert api.get(f"{BASE}/technologies/facial-recognition/").status_code == 200
    serbia = api.get(f"{BASE}/countries/RS/").json()
    assert [(m["organisation"], m["joined_on"]) for m in serbia["memberships"]] == [("belt-and-road", "2015")]
    assert api.get(f"{BASE}/deployments/belgrade-safe-society/").json()["operator"]["slug"] == (
        "rs-ministry-of-interior"
    )


def test_a_membership_without_a_published_source_cannot_be_published(world, reviewer):
    membership = builders.country_membership(world.ec, "belt-and-road", "2018-12", ReviewStatus.DRAFT)
    with pytest.raises(ValidationError, match="no citation"):
        transition(membership, name="publish", user=reviewer)
    builders.country_membership(
        world.ec, "belt-and-road", "2019-01", ReviewStatus.DRAFT, source_obj=world.src_draft
    )
    with pytest.raises(ValidationError, match="which is draft: publish the source first"):
        transition(CountryMembership.objects.get(joined_on="2019-01"), name="publish", user=reviewer)
