"""Atom feeds of the public changes (web/feeds.py): what /api/v1/changes/ lists, as Atom entries that
link to the website, filtered by country, vendor, deployment or kind; nothing of drafts."""

import feedparser
import pytest

from deployments.models import DeploymentCitation
from registry.choices import ReviewStatus
from registry.curation.workflow import transition
from tests import builders
from tests.api_support import reviewer_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/feeds/changes.atom"


def edit(record, **fields):
    record.refresh_from_db()
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()
    return record


def feed(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def titled(parsed, name):
    return [entry for entry in parsed.entries if entry.title.startswith(f"{name} (")]


@pytest.fixture(name="story")
def story_fixture(world, reviewer):
    """A deployment drafted with a secret text, published, then edited while published."""
    draft = builders.deployment(
        "new-system", "New system", world.rs, ReviewStatus.DRAFT, summary="SECRET-DRAFT-TEXT"
    )
    edit(draft, summary="Reviewed text")
    DeploymentCitation.objects.create(record=draft, source=world.src)
    transition(draft, name="submit", user=reviewer)
    transition(draft, name="publish", user=reviewer)
    return edit(draft, summary="Corrected text", status="suspended")


def test_site_feed_has_an_entry_per_published_change_linking_to_the_website(client, story):
    parsed = feed(client)
    assert parsed.feed.title.startswith("Changes")
    updated, published = titled(parsed, "New system")
    assert updated.title == "New system (deployment) updated"
    assert published.title == "New system (deployment) published"
    assert updated.link == "http://testserver/deployments/new-system/"
    # The changed fields, before and after.
    assert "Reviewed text" in updated.summary and "Corrected text" in updated.summary
    assert "status" in updated.summary and "suspended" in updated.summary
    assert "First published" in published.summary
    assert {tag.term for tag in updated.tags} == {"deployment", "updated"}
    assert updated.updated_parsed is not None
    # Other kinds link to their own pages; a record without a page, to the API.
    (vendor,) = titled(parsed, "Huawei")
    assert vendor.link == "http://testserver/vendors/huawei/"
    (contract,) = titled(parsed, "Strategic partnership agreement")
    assert contract.link == "http://testserver/api/v1/contracts/safe-society-agreement/"


def test_entry_ids_are_unique_and_stable(client, story):
    first = [entry.id for entry in feed(client).entries]
    assert len(first) == len(set(first))
    assert [entry.id for entry in feed(client).entries] == first
    edit(story, summary="Third text")
    second = [entry.id for entry in feed(client).entries]
    # One new entry; the others keep their ids. (Where it sorts among them depends on the tables'
    # event ids here: the whole test is one transaction, so every event has the same timestamp.)
    (new,) = set(second) - set(first)
    assert titled(feed(client), "New system")[0].id == new


def test_a_draft_and_its_edits_never_appear(client, story, world):
    edit(world.secret, summary="SECRET-EDIT")
    body = client.get(URL).content.decode()
    for secret in ("SECRET-DRAFT-TEXT", "SECRET-EDIT", "secret-pilot", "Secret pilot", "ShadowCorp", "rey"):
        assert secret not in body
    assert not titled(feed(client), "Under review")


def test_a_retraction_appears_with_its_reason_and_nothing_else(client, story, reviewer):
    transition(story, name="retract", user=reviewer, reason="The source withdrew the story")
    (entry,) = titled(feed(client), "New system")
    assert entry.title == "New system (deployment) retracted"
    assert "The source withdrew the story" in entry.summary
    assert "Corrected text" not in entry.summary
    assert entry.link == "http://testserver/deployments/new-system/"  # the page says it was retracted


def test_country_vendor_deployment_and_kind_filters(client, story, world):
    serbia = feed(client, country="rs")
    names = {entry.title.split(" (")[0] for entry in serbia.entries}
    assert {"New system", "Safe Society", "Law on Personal Data Protection", "Huawei"} <= names
    assert not names & {"Cagliari smart city", "ECU 911", "Artificial Intelligence Act"}
    assert serbia.feed.title.startswith("Serbia")

    huawei = {entry.title.split(" (")[0] for entry in feed(client, vendor="huawei").entries}
    assert {"Huawei", "Safe Society", "Cagliari smart city", "Strategic partnership agreement"} <= huawei
    assert not huawei & {"ECU 911", "CEIEC", "New system"}

    ecu = feed(client, deployment="ecu-911")
    assert {entry.title.split(" (")[0] for entry in ecu.entries} >= {"ECU 911"}
    assert all(
        "(deployment)" in e.title or "(contract)" in e.title or "(camera-count)" in e.title
        for e in ecu.entries
    )
    assert not titled(ecu, "Safe Society")

    vendors = feed(client, kind="vendor")
    assert vendors.entries and all("(vendor)" in entry.title for entry in vendors.entries)

    # Filters narrow each other.
    serbian_deployments = feed(client, country="RS", kind="deployment")
    assert {e.title.split(" (")[0] for e in serbian_deployments.entries} == {"New system", "Safe Society"}


def test_a_camera_count_links_to_its_deployment_page(client, world):
    builders.camera_count(world.ecu, as_of="2031", cameras=4321, source_obj=world.src)
    (entry,) = titled(feed(client, kind="camera-count"), "Camera count of ECU 911, 2031")
    assert entry.title == "Camera count of ECU 911, 2031 (camera-count) published"
    assert entry.link == "http://testserver/deployments/ecu-911/"


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"kind": "dragon"}, 400, "kind: choose one of deployment, contract"),
        ({"colour": "red"}, 400, "Unknown parameter colour"),
        ({"country": "ZZ"}, 404, "No country with the code 'ZZ'."),
        ({"vendor": "shadowcorp"}, 404, "No published vendor 'shadowcorp'."),  # a draft
        ({"vendor": "gone-vendor"}, 404, "No published vendor"),  # retracted
        ({"deployment": "secret-pilot"}, 404, "No published deployment 'secret-pilot'."),
    ],
)
def test_a_bad_filter_is_an_error(client, world, query, status, message):
    response = client.get(URL, query)
    assert response.status_code == status
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("page", "feed_url"),
    [
        ("/countries/RS/", "/feeds/changes.atom?country=RS"),
        ("/vendors/huawei/", "/feeds/changes.atom?vendor=huawei"),
        ("/deployments/safe-society/", "/feeds/changes.atom?deployment=safe-society"),
    ],
)
def test_pages_link_their_feeds(client, world, page, feed_url):
    html = client.get(page).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert f'href="{URL}"' in html
    assert f'href="{feed_url}"' in html
    assert client.get(feed_url).status_code == 200


def test_every_page_links_the_site_feed(client, world):
    for page in ("/", "/deployments/", "/releases/", "/sources/bird-report-2020/"):
        html = client.get(page).content.decode()
        assert (
            f'<link rel="alternate" type="application/atom+xml" title="Changes to the registry (Atom)" href="{URL}">'
            in html
        )
