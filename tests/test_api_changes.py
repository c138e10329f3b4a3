"""/api/v1/changes/: the public history of published records, and nothing of what was never public."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from deployments.models import DeploymentCitation
from registry.choices import ReviewStatus
from registry.curation.roles import REVIEWERS_GROUP
from registry.curation.workflow import transition
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/api/v1/changes/"


@pytest.fixture(name="reviewer")
def reviewer_fixture(db):
    user = get_user_model().objects.create_user("rey", password="not-used-here-1234", is_staff=True)
    user.groups.set(Group.objects.filter(name=REVIEWERS_GROUP))
    return user


def set_event_times(record, *moments):
    """Spread a record's events over time (a test runs in one transaction, so they share NOW())."""
    event_model = type(record).pgh_event_models["update"]
    events = list(event_model.objects.filter(pgh_obj_id=record.pk).order_by("pgh_id"))
    for event, moment in zip(events[-len(moments) :], moments, strict=True):
        event_model.objects.filter(pgh_id=event.pgh_id).update(pgh_created_at=moment)


def edit(record, **fields):
    record.refresh_from_db()
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()
    return record


@pytest.fixture(name="story")
def story_fixture(world, reviewer):
    """A deployment drafted with a secret first text, published, edited once while published."""
    draft = builders.deployment(
        "new-system", "New system", world.rs, DRAFT_STATUS, summary="SECRET-DRAFT-TEXT", started_on="2020"
    )
    edit(draft, summary="Reviewed text")
    DeploymentCitation.objects.create(record=draft, source=world.src)
    transition(draft, name="submit", user=reviewer)
    transition(draft, name="publish", user=reviewer)
    edit(draft, summary="Corrected text", status="suspended")
    return draft


DRAFT_STATUS = ReviewStatus.DRAFT


def entries(response, model=None, identifier=None):
    return [
        entry
        for entry in response.json()["results"]
        if (model is None or entry["model"] == model)
        and (identifier is None or entry["identifier"] == identifier)
    ]


def test_published_changes_are_listed_newest_first_with_before_and_after(api, story):
    response = api.get(URL, {"model": "deployment", "record": "new-system"})
    assert response.status_code == 200
    listed = entries(response)
    assert [entry["kind"] for entry in listed] == ["updated", "published"]
    updated, published = listed
    assert {change["field"]: (change["before"], change["after"]) for change in updated["changes"]} == {
        "summary": ("Reviewed text", "Corrected text"),
        "status": ("active", "suspended"),
    }
    assert published["changes"] == []
    assert updated["url"] == "http://testserver/api/v1/deployments/new-system/"
    assert updated["identifier"] == "new-system"
    assert updated["name"] == "New system"
    assert updated["changed_at"]


def test_draft_content_users_and_reasons_never_show(api, story, reviewer):
    transition(story, name="retract", user=reviewer, reason="INTERNAL-REASON")
    transition(story, name="send_back", user=reviewer, reason="INTERNAL-REASON")
    edit(story, summary="SECOND-DRAFT-TEXT")
    transition(story, name="publish", user=reviewer, reason="INTERNAL-REASON")
    response = api.get(URL, {"page_size": 500})
    text = response.content.decode()
    for secret in ("SECRET-DRAFT-TEXT", "INTERNAL-REASON", "rey", '"user"', '"reason"'):
        assert secret not in text
    listed = entries(response, "deployment", "new-system")
    # Re-published: compared with the previous *published* state, never with the draft in between.
    assert listed[0]["kind"] == "published"
    assert listed[0]["changes"] == [
        {"field": "summary", "before": "Corrected text", "after": "SECOND-DRAFT-TEXT"}
    ]


def test_unpublished_and_retracted_records_are_not_in_the_feed(api, world, story, reviewer):
    text = api.get(URL, {"page_size": 500}).content.decode()
    for hidden in (
        "secret-pilot",
        "under-review",
        "retracted-system",
        "draft-leak",
        "shadowcorp",
        "draft-contract",
    ):
        assert hidden not in text
    for count in (world.count_draft, world.count_unsourced, world.count_of_draft, world.count_of_retracted):
        assert str(count.public_id) not in text
    assert str(world.count_2019.public_id) in text
    transition(story, name="retract", user=reviewer, reason="Source withdrew it")
    # Retracted since: only its retraction is listed, with the public reason and none of its content.
    listed = entries(api.get(URL, {"record": "new-system"}))
    assert [(e["kind"], e["changes"], e["retraction_reason"]) for e in listed] == [
        ("retracted", [], "Source withdrew it")
    ]
    assert "SECOND-DRAFT-TEXT" not in api.get(URL, {"page_size": 500}).content.decode()


def test_a_record_edited_while_unpublished_shows_no_draft_snapshot(api, world, reviewer):
    retracted = world.retracted
    edit(retracted, summary="edited while retracted")
    assert not entries(api.get(URL, {"model": "deployment", "record": retracted.slug}))


def test_model_record_and_since_filters(api, world, story):
    now = datetime.now(UTC)
    set_event_times(story, now - timedelta(days=3), now - timedelta(days=2), now - timedelta(days=1))
    # The edit while published, one day ago (the events before it were drafts and the publication).
    since = (now - timedelta(hours=36)).isoformat().replace("+00:00", "Z")
    recent = api.get(URL, {"since": since, "model": "deployment", "record": "new-system"})
    assert [(e["identifier"], e["kind"]) for e in entries(recent)] == [("new-system", "updated")]
    assert entries(recent)[0]["changed_at"].startswith((now - timedelta(days=1)).date().isoformat())
    later = api.get(URL, {"since": (now - timedelta(hours=12)).isoformat(), "record": "new-system"})
    assert entries(later) == []
    by_date = api.get(URL, {"since": (now - timedelta(days=10)).date().isoformat(), "model": "deployment"})
    assert {e["model"] for e in entries(by_date)} == {"deployment"}
    assert len(entries(by_date, identifier="new-system")) == 2
    counts = api.get(URL, {"model": "camera-count"})
    assert {e["model"] for e in entries(counts)} == {"camera-count"}
    one = api.get(URL, {"model": "camera-count", "record": str(world.count_2019.public_id)})
    assert [e["identifier"] for e in entries(one)] == [str(world.count_2019.public_id)]
    assert entries(api.get(URL, {"model": "camera-count", "record": "not-a-uuid"})) == []


def test_reference_records_are_followed_like_the_others(api, world, reviewer):
    body = builders.public_body("it-cagliari-police", "Cagliari local police", world.it, kind="police")
    edit(body, name="Polizia locale di Cagliari", place=world.cagliari)
    builders.place("secret-town", "SECRET-PLACE", world.rs, status=ReviewStatus.DRAFT)
    lens = builders.technology("thermal", "Thermal cameras")
    transition(lens, name="retract", user=reviewer, reason="Duplicate of another technology")
    listed = entries(api.get(URL, {"page_size": 500}))
    assert [(e["kind"], e["changes"]) for e in listed if e["identifier"] == "it-cagliari-police"] == [
        (
            "updated",
            [
                {"field": "name", "before": "Cagliari local police", "after": "Polizia locale di Cagliari"},
                {"field": "place", "before": None, "after": world.cagliari.slug},
            ],
        ),
        ("published", []),
    ]
    (retracted,) = [e for e in listed if e["identifier"] == "thermal"]
    assert retracted["url"] == "http://testserver/api/v1/technologies/thermal/"
    assert (retracted["model"], retracted["kind"], retracted["retraction_reason"]) == (
        "technology",
        "retracted",
        "Duplicate of another technology",
    )
    assert not [e for e in listed if e["identifier"] == "secret-town"]
    assert {e["model"] for e in entries(api.get(URL, {"model": "public-body"}))} == {"public-body"}


@pytest.mark.parametrize(
    "params",
    [
        {"since": "yesterday"},
        {"since": "2025-13-01"},
        {"since": "2025-02-30T10:00:00"},
        {"model": "user"},
        {"who": "x"},
    ],
)
def test_bad_parameters_are_400(api, world, params):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_linked_records_are_named_by_public_identifier(api, world, reviewer):
    deployment = world.cagliari_system
    edit(deployment, country=world.rs, operator=world.mup)
    changes = {c["field"]: c for c in entries(api.get(URL, {"record": deployment.slug}))[0]["changes"]}
    assert (changes["country"]["before"], changes["country"]["after"]) == ("IT", "RS")
    assert (changes["operator"]["before"], changes["operator"]["after"]) == (
        "comune-di-cagliari",
        "mup-serbia",
    )
    vendor = world.ceiec
    edit(vendor, parent=world.shadow, description="Now a subsidiary")  # of a draft vendor
    newest = entries(api.get(URL, {"model": "vendor", "record": "ceiec"}))[0]
    # The draft parent is never named: as far as the public can see, only the description changed.
    assert newest["changes"] == [{"field": "description", "before": "", "after": "Now a subsidiary"}]
    assert "shadowcorp" not in api.get(URL, {"model": "vendor"}).content.decode()


def test_deployment_detail_links_to_its_history(api, story):
    detail = api.get("/api/v1/deployments/new-system/").json()
    assert detail["history_url"] == "http://testserver/api/v1/changes/?model=deployment&record=new-system"
    history = api.get(detail["history_url"])
    assert history.status_code == 200
    assert {e["identifier"] for e in entries(history)} == {"new-system"}


def test_csv_has_one_row_per_change(api, story):
    response = api.get(URL, {"format": "csv", "model": "deployment", "record": "new-system"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["kind"] for row in rows] == ["updated", "published"]
    assert rows[0]["changed_fields"] == "summary; status"
    assert "Corrected text" in rows[0]["changes"]


def test_query_count_does_not_grow_with_page_size(api, world, story, django_assert_num_queries):
    for number in range(5):
        record = builders.deployment(
            f"more-{number}", f"More {number}", world.it, operator=world.cagliari_city
        )
        edit(record, summary=f"edit {number}", country=world.rs)
        builders.camera_count(record, "2020", number + 1, world.src)
    for page_size in (1, 500):
        # count, page, the page's snapshots (one query across kinds of record), Last-Modified
        with django_assert_num_queries(4):
            response = api.get(URL, {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(page_size, response.json()["count"])
    assert response.json()["count"] > 20


def test_the_feed_is_in_the_schema(api):
    schema = api.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/changes/"]["get"]
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert {"since", "model", "record", "page", "page_size", "format"} <= parameters
    assert "/api/v1/changes/{id}/" not in schema["paths"]
    assert "history_url" in schema["components"]["schemas"]["Deployment"]["properties"]
    assert "PaginatedChangeList" in schema["components"]["schemas"]
