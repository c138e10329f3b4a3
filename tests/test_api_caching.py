"""Validators that never lie: Last-Modified and ETag move exactly when what the public sees moves —
not for a draft, always for reference data — on lists, details and exports, for GET and HEAD; and
browsers may send and read them across origins."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.utils.http import http_date

from api.conditional import last_modified
from deployments.models import DeploymentVendor, Place
from registry.models import PublicChange
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401
from tests.builders import DRAFT, build_world, source

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
URLS = [
    f"{BASE}/deployments/",
    f"{BASE}/deployments/safe-society/",
    f"{BASE}/places/",
    f"{BASE}/places/?format=csv",
    f"{BASE}/places/?format=geojson",
    f"{BASE}/places/?format=xlsx",
    f"{BASE}/deployments/?format=csv",
    f"{BASE}/vendors/",
    f"{BASE}/countries/",
]


def backdate_changes(hours: int = 1) -> None:
    """As if every public change had happened an hour ago (HTTP dates count whole seconds)."""
    PublicChange.objects.update(changed_at=F("changed_at") - timedelta(hours=hours))


def fetch(api, url: str, method: str = "get", **headers):
    """The response, its body read to the end (an export's query then finishes, as for a client)."""
    response = getattr(api, method)(url, **headers)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def validators(api, url: str) -> tuple[str | None, str | None]:
    response = fetch(api, url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get("Last-Modified"), response.get("ETag")


def test_saving_drafts_moves_no_validator(api, world):
    backdate_changes()
    before = {url: validators(api, url) for url in URLS}
    world.secret.name = "Secret pilot, renamed"
    world.secret.save()
    DeploymentVendor.objects.create(deployment=world.secret, vendor=world.ceiec, role="integrator")
    world.secret.places.add(world.quito)
    world.shadow.name = "ShadowCorp Holdings"  # a draft vendor linked to a published deployment
    world.shadow.aliases = ["Shadow"]
    world.shadow.save()
    world.draft_contract.summary = "Still a draft."
    world.draft_contract.save()
    source("another-draft", DRAFT)
    after = {url: validators(api, url) for url in URLS}
    assert after == before


def test_editing_a_place_moves_every_validator_that_shows_it(api, world):
    backdate_changes()
    url = f"{BASE}/places/"
    modified, _ = validators(api, url)
    unchanged = validators(api, f"{BASE}/vendors/")
    Place.objects.filter(pk=world.belgrade.pk).update(latitude="44.80000")
    for url in (
        f"{BASE}/places/",
        f"{BASE}/places/?format=csv",
        f"{BASE}/places/?format=geojson",
        f"{BASE}/places/belgrade/",
        f"{BASE}/deployments/safe-society/",
        f"{BASE}/deployments/?format=csv",
    ):
        response = fetch(api, url, HTTP_IF_MODIFIED_SINCE=modified)
        assert response.status_code == 200, url
        assert response["Last-Modified"] != modified, url
    assert validators(api, f"{BASE}/vendors/") == unchanged  # vendors show no places


def test_if_modified_since_still_gets_a_304_when_nothing_public_changed(api, world):
    backdate_changes()
    modified, _ = validators(api, f"{BASE}/deployments/safe-society/")
    world.secret.save()
    response = api.get(f"{BASE}/deployments/safe-society/", HTTP_IF_MODIFIED_SINCE=modified)
    assert response.status_code == 304


def test_publishing_retracting_and_deleting_move_last_modified(world):
    backdate_changes()
    before = last_modified()
    world.secret.review_status = "published"
    world.secret.save()
    published = last_modified()
    assert published > before
    backdate_changes()
    world.safe_society.review_status = "retracted"
    world.safe_society.save()
    assert last_modified() > published - timedelta(hours=1)
    backdate_changes()
    moment = last_modified()
    world.count_ecu.delete()  # a public camera count
    assert last_modified() > moment


def test_exports_have_an_etag_and_a_304(api, world):
    for fmt in ("csv", "geojson", "xlsx"):
        url = f"{BASE}/deployments/?format={fmt}&country=RS"
        etag = fetch(api, url)["ETag"]
        assert etag.startswith('W/"')
        again = api.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again["ETag"] == etag
        other = fetch(api, f"{BASE}/deployments/?format={fmt}&country=IT")
        assert other["ETag"] != etag  # another query, another ETag
    etag = fetch(api, f"{BASE}/deployments/?format=csv")["ETag"]
    world.ecu.name = "ECU 911 Integrated Security Service"
    world.ecu.save()
    response = fetch(api, f"{BASE}/deployments/?format=csv", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/deployments/",
        f"{BASE}/deployments/safe-society/",
        f"{BASE}/camera-counts/?format=csv",
        f"{BASE}/places/?format=geojson",
        f"{BASE}/vendors/?format=xlsx",
    ],
)
def test_head_answers_with_the_validators_of_get_and_honours_if_none_match(api, world, url):
    got = fetch(api, url)
    head = api.head(url)
    assert head.status_code == 200
    assert head["ETag"] == got["ETag"]
    assert head["Last-Modified"] == got["Last-Modified"]
    assert head["Content-Type"] == got["Content-Type"]
    assert api.head(url, HTTP_IF_NONE_MATCH=got["ETag"]).status_code == 304


def test_cors_lets_browsers_revalidate_and_read_retry_after(api, world):
    preflight = api.options(
        f"{BASE}/deployments/",
        HTTP_ORIGIN="https://newsroom.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match, if-modified-since",
    )
    assert preflight.status_code == 200
    allowed = preflight["Access-Control-Allow-Headers"].lower()
    assert "if-none-match" in allowed and "if-modified-since" in allowed
    response = api.get(f"{BASE}/deployments/", HTTP_ORIGIN="https://newsroom.example")
    exposed = response["Access-Control-Expose-Headers"].lower()
    assert {"etag", "last-modified", "retry-after"} <= set(exposed.replace(" ", "").split(","))


def test_a_304_keeps_the_validators(api, world):
    response = api.get(f"{BASE}/deployments/")
    again = api.get(f"{BASE}/deployments/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]
    assert again["Last-Modified"] == response["Last-Modified"]


@pytest.mark.django_db(transaction=True)
def test_changes_are_stamped_at_commit_one_row_per_table():
    build_world()
    with transaction.atomic():
        Place.objects.filter(slug="quito").update(latitude="-0.20000")
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            before_commit = cursor.fetchone()[0]
    stamped = PublicChange.objects.get(table_name="deployments_place").changed_at
    assert stamped >= before_commit  # the commit's time, not the statement's
    rows = PublicChange.objects.values_list("table_name", flat=True)
    assert len(rows) == len(set(rows))  # older rows of a table are dropped
    assert http_date(last_modified([Place]).timestamp()) == http_date(stamped.timestamp())
