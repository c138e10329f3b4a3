"""A retraction is public: 410 Gone with what the record was, when and why; a notice on its page;
an entry in the changes feed; nothing of it in exports. A never-published record stays a 404."""

import csv as csv_module
import io

import pytest
from django.urls import reverse

from deployments.models import CameraCount, Deployment
from registry.choices import ReviewStatus
from registry.curation.roles import REVIEWERS_GROUP
from registry.curation.workflow import transition
from tests.test_admin import build_world
from tests.test_admin_workflow import make_user, publishable, set_status

pytestmark = pytest.mark.django_db

REASON = "The contract was never signed: the source confused two tenders."


@pytest.fixture
def retracted(db):
    world = build_world(0)
    publishable(world)
    set_status(world[Deployment], ReviewStatus.PUBLISHED)
    set_status(world[CameraCount], ReviewStatus.PUBLISHED)
    reviewer = make_user("rey", REVIEWERS_GROUP)
    deployment = world[Deployment]
    transition(deployment, name="retract", user=reviewer, reason=REASON)
    return world


def test_the_api_answers_410_with_the_tombstone(client, retracted):
    deployment = retracted[Deployment]
    response = client.get(reverse("api:deployment-detail", args=[deployment.slug]))
    assert response.status_code == 410
    body = response.json()
    assert body["kind"] == "deployment"
    assert body["identifier"] == deployment.slug
    assert body["name"] == deployment.name
    assert body["reason"] == REASON
    assert body["retracted_at"].startswith(str(Deployment.objects.get(pk=deployment.pk).retracted_at.date()))
    assert "summary" not in body
    # Its camera count was retracted with it (one review for the bundle).
    count = retracted[CameraCount]
    response = client.get(reverse("api:camera-count-detail", args=[count.public_id]))
    assert response.status_code == 410
    assert response.json()["kind"] == "camera-count"


def test_a_never_published_record_stays_a_plain_404(client, db):
    world = build_world(0)  # drafts
    response = client.get(reverse("api:deployment-detail", args=[world[Deployment].slug]))
    assert response.status_code == 404
    response = client.get(reverse("web:deployment-detail", args=[world[Deployment].slug]))
    assert response.status_code == 404
    response = client.get(reverse("api:camera-count-detail", args=["not-a-uuid"]))
    assert response.status_code == 404


def test_the_page_shows_a_retraction_notice(client, retracted):
    deployment = retracted[Deployment]
    response = client.get(reverse("web:deployment-detail", args=[deployment.slug]))
    assert response.status_code == 410
    text = response.text
    assert "This record was retracted" in text and REASON in text and deployment.name in text
    assert deployment.summary not in text if deployment.summary else True


def test_the_changes_feed_lists_the_retraction_without_the_reviewer(client, retracted):
    deployment = retracted[Deployment]
    entries = client.get(reverse("api:change-list"), {"model": "deployment"}).json()["results"]
    (entry,) = [e for e in entries if e["identifier"] == deployment.slug]
    assert entry["kind"] == "retracted"
    assert entry["retraction_reason"] == REASON
    assert entry["changes"] == []
    assert "rey" not in str(entries)
    # Filtered by the record, too.
    entries = client.get(reverse("api:change-list"), {"record": deployment.slug}).json()["results"]
    assert [e["kind"] for e in entries] == ["retracted"]


def test_exports_leave_a_retracted_record_out(client, retracted):
    deployment = retracted[Deployment]
    csv = b"".join(client.get(reverse("api:deployment-list"), {"format": "csv"}).streaming_content)
    rows = list(csv_module.DictReader(io.StringIO(csv.decode("utf-8-sig"))))
    assert deployment.slug not in {row["slug"] for row in rows}
    geojson = b"".join(client.get(reverse("api:deployment-list"), {"format": "geojson"}).streaming_content)
    assert deployment.slug.encode() not in geojson


def test_publishing_again_clears_the_tombstone(client, retracted):
    deployment = retracted[Deployment]
    reviewer = make_user("ria", REVIEWERS_GROUP)
    transition(deployment, name="send_back", user=reviewer, reason="Now confirmed")
    transition(deployment, name="publish", user=reviewer)
    deployment.refresh_from_db()
    assert (deployment.retracted_at, deployment.retraction_reason) == (None, "")
    assert client.get(reverse("api:deployment-detail", args=[deployment.slug])).status_code == 200
