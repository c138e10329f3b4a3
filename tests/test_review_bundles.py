"""One review for a record and its parts; dependencies hold (a part never before its record, a
source that published records depend on is not retracted)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deployments.models import CameraCount, Deployment, DeploymentCitation
from registry.choices import ReviewStatus
from registry.curation.roles import CURATORS_GROUP, REVIEWERS_GROUP
from registry.curation.workflow import WorkflowRefused, transition
from tests import builders
from tests.test_admin import build_world, change_url
from tests.test_admin_workflow import make_user, publishable, texts, transition_url

pytestmark = pytest.mark.django_db

DRAFT, IN_REVIEW, PUBLISHED, RETRACTED = (
    ReviewStatus.DRAFT,
    ReviewStatus.IN_REVIEW,
    ReviewStatus.PUBLISHED,
    ReviewStatus.RETRACTED,
)


@pytest.fixture
def users(db):
    return {"curator": make_user("cora", CURATORS_GROUP), "reviewer": make_user("rey", REVIEWERS_GROUP)}


def status(record):
    return type(record)._base_manager.get(pk=record.pk).review_status


def test_a_deployment_goes_to_review_and_is_published_with_its_camera_counts(client, users):
    world = build_world(0)
    publishable(world)
    deployment, count = world[Deployment], world[CameraCount]
    transition(deployment, name="submit", user=users["curator"])
    assert (status(deployment), status(count)) == (IN_REVIEW, IN_REVIEW)
    transition(deployment, name="publish", user=users["reviewer"])
    assert (status(deployment), status(count)) == (PUBLISHED, PUBLISHED)
    # The public page shows the count, not "No published camera count is recorded".
    timeline = client.get(reverse("api:deployment-detail", args=[deployment.slug])).json()["camera_counts"]
    assert [entry["cameras"] for entry in timeline] == [count.cameras]
    transition(deployment, name="retract", user=users["reviewer"], reason="Wrong")
    assert (status(deployment), status(count)) == (RETRACTED, RETRACTED)


def test_a_refused_bundle_names_and_links_every_blocker(client, users):
    world = build_world(0)
    deployment, count = world[Deployment], world[CameraCount]
    client.force_login(users["reviewer"])
    response = client.post(transition_url(deployment), {"transition": "publish"}, follow=True)
    (message,) = texts(response)
    source = world[DeploymentCitation].source
    vendor = deployment.vendor_roles.get().vendor
    for blocker in (source, vendor, *deployment.legal_frameworks.all()):
        assert f"“{blocker}”" in message
        assert f'<a href="{change_url(blocker)}">' in message
    assert f"Camera count “{count}”" in message  # its source is the draft report too
    assert (status(deployment), status(count)) == (DRAFT, DRAFT)
    assert status(source) == DRAFT  # nothing was published, not even in part


def test_a_part_is_never_published_before_its_record(users):
    count = builders.camera_count(
        review_status=IN_REVIEW, deployment=builders.deployment(review_status=DRAFT)
    )
    with pytest.raises(WorkflowRefused, match="publish it first"):
        transition(count, name="publish", user=users["reviewer"])
    assert status(count) == IN_REVIEW


def test_retracting_a_source_that_published_records_depend_on_is_refused(users):
    source = builders.source()
    deployment = builders.deployment()
    DeploymentCitation.objects.create(record=deployment, source=source)
    count = builders.camera_count(source=source, deployment=deployment)
    with pytest.raises(WorkflowRefused) as error:
        transition(source, name="retract", user=users["reviewer"], reason="Fabricated")
    assert {blocker.record for blocker in error.value.blockers} == {deployment, count}
    assert f"Deployment “{deployment}” cites no other published source." in error.value.messages
    assert status(source) == PUBLISHED
    # With another published source for both, the retraction goes through.
    other = builders.source()
    DeploymentCitation.objects.create(record=deployment, source=other)
    transition(count, name="retract", user=users["reviewer"], reason="Count from the bad source")
    transition(source, name="retract", user=users["reviewer"], reason="Fabricated")
    assert status(source) == RETRACTED
    assert status(deployment) == PUBLISHED


def test_review_permissions_are_per_model(users):
    from django.contrib.auth.models import Permission

    source = builders.source(review_status=IN_REVIEW)
    curator = users["curator"]
    with pytest.raises(Exception, match="Can publish or send back source"):
        transition(source, name="publish", user=curator)
    curator.user_permissions.add(Permission.objects.get(codename="publish_source"))
    curator = type(curator).objects.get(pk=curator.pk)
    transition(source, name="publish", user=curator)
    assert status(source) == PUBLISHED
    deployment = builders.deployment(review_status=IN_REVIEW)
    with pytest.raises(Exception, match="Can publish or send back deployment"):
        transition(deployment, name="publish", user=curator)


def test_a_forbidden_step_is_refused_with_its_reason(client, users):
    world = build_world(0)
    client.force_login(users["curator"])
    response = client.post(transition_url(world[Deployment]), {"transition": "publish"})
    assert response.status_code == 403
    assert status(world[Deployment]) == DRAFT


def test_send_back_requires_publish_permission(users):
    deployment = builders.deployment(review_status=IN_REVIEW)
    with pytest.raises(Exception, match="publish or send back"):
        transition(deployment, name="send_back", user=users["curator"], reason="x")
    with pytest.raises(ValidationError, match="reason"):
        transition(deployment, name="send_back", user=users["reviewer"], reason=" ")
