"""Changes to published records are proposals: the public sees nothing of them until a reviewer
approves; a rejected, withdrawn or conflicting proposal changes nothing."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from deployments.models import CameraCount, Deployment, DeploymentCitation
from registry.choices import ReviewStatus
from registry.curation import revisions
from registry.curation.models import Revision, RevisionStatus
from registry.curation.roles import CURATORS_GROUP, REVIEWERS_GROUP
from registry.curation.workflow import transition
from tests.test_admin import add_inline_row, build_world, change_url, form_data
from tests.test_admin_workflow import make_user, publishable, set_status, texts

pytestmark = pytest.mark.django_db

PUBLISHED = ReviewStatus.PUBLISHED


@pytest.fixture
def users(db):
    return {
        "curator": make_user("cora", CURATORS_GROUP),
        "reviewer": make_user("rey", REVIEWERS_GROUP),
        "second_reviewer": make_user("ria", REVIEWERS_GROUP),
    }


@pytest.fixture
def world(db):
    world = build_world(0)
    publishable(world)
    set_status(world[Deployment], PUBLISHED)
    set_status(world[CameraCount], PUBLISHED)
    return world


@pytest.fixture
def deployment(world):
    return world[Deployment]


def public_state(client, deployment):
    """What the public sees of the deployment: the API detail, its camera counts, its page, the CSV
    export and search."""
    api = client.get(reverse("api:deployment-detail", args=[deployment.slug])).json()
    page = client.get(reverse("web:deployment-detail", args=[deployment.slug])).text
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)  # the language form's token
    csv = b"".join(client.get(reverse("api:deployment-list"), {"format": "csv"}).streaming_content).decode()
    search = client.get(reverse("api:deployment-list"), {"search": "Proposedword"}).json()["count"]
    return api, page, csv, search


def post_change(client, record, edit):
    """Load the change form as a browser would, apply ``edit`` to its data, and save."""
    data = form_data(client.get(change_url(record)))
    edit(data)
    return client.post(change_url(record), data, follow=True)


def new_summary(data):
    data["summary"] = "Proposedword: a new summary."
    data["change_reason"] = "New report"


def test_an_admin_edit_of_a_published_record_is_a_proposal_until_approved(client, users, world, deployment):
    anonymous = client.__class__()
    before = public_state(anonymous, deployment)
    client.force_login(users["curator"])
    response = post_change(client, deployment, new_summary)
    assert any("is proposed and waits for a reviewer" in m for m in texts(response))
    deployment.refresh_from_db()
    assert deployment.summary != "Proposedword: a new summary."
    assert deployment.review_status == PUBLISHED
    assert public_state(anonymous, deployment) == before
    (revision,) = Revision.objects.all()
    assert (revision.status, revision.proposed_by, revision.reason) == (
        "pending",
        users["curator"],
        "New report",
    )
    # The change page says so, and the proposal shows the diff.
    page = client.get(change_url(deployment)).text
    assert "A proposed change is waiting for review" in page
    diff = client.get(reverse("admin:curation_revision_change", args=[revision.pk])).text
    assert "Proposedword: a new summary." in diff

    client.force_login(users["reviewer"])
    response = client.post(
        reverse("admin:curation_revision_decide", args=[revision.pk]),
        {"decision": "approve", "reason": "Checked against the report"},
        follow=True,
    )
    assert any("was approved and published" in m for m in texts(response))
    deployment.refresh_from_db()
    assert deployment.summary == "Proposedword: a new summary."
    api, page, csv, search = public_state(anonymous, deployment)
    assert api["summary"] == "Proposedword: a new summary."
    assert "Proposedword" in page and "Proposedword" in csv and search == 1
    revision.refresh_from_db()
    assert (revision.status, revision.decided_by) == ("approved", users["reviewer"])
    event = deployment.pgh_event_models["update"].objects.filter(pgh_obj_id=deployment.pk).latest("pgh_id")
    context = event.pgh_context.metadata
    assert context["proposed_by"] == users["curator"].pk
    assert context["approved_by"] == users["reviewer"].pk
    assert context["proposal_reason"] == "New report"
    assert context["reason"] == "Checked against the report"


def test_an_inline_camera_count_edit_is_proposed_with_its_record(client, users, world, deployment):
    count = world[CameraCount]
    url = reverse("api:camera-count-detail", args=[count.public_id])
    published_cameras = client.get(url).json()["cameras"]
    client.force_login(users["curator"])

    def edit(data):
        index = next(
            k
            for k, v in data.items()
            if k.startswith("camera_counts-") and k.endswith("-id") and v == str(count.pk)
        ).removesuffix("-id")
        data[f"{index}-cameras"] = str(published_cameras + 200)
        add_inline_row(
            data,
            "camera_counts",
            as_of="2024",
            qualifier="exact",  # the select's default, as a browser sends it
            cameras=5,
            kind="installed",
            source=world[DeploymentCitation].source.pk,
            confidence="reported",
        )

    post_change(client, deployment, edit)
    client.logout()
    assert client.get(url).json()["cameras"] == published_cameras
    assert CameraCount.objects.filter(deployment=deployment).count() == 1
    revision = Revision.objects.get()
    diff = revisions.revision_diff(revision)
    parts = dict(diff.parts)
    kinds = sorted(change.kind for change in parts["Camera counts"])
    assert kinds == ["added", "changed"]
    revisions.approve(revision, user=users["reviewer"])
    assert client.get(url).json()["cameras"] == published_cameras + 200
    new = CameraCount.objects.get(deployment=deployment, cameras=5)
    assert new.review_status == PUBLISHED and new.is_public  # published with the record it belongs to
    timeline = client.get(reverse("api:deployment-detail", args=[deployment.slug])).json()["camera_counts"]
    assert {entry["cameras"] for entry in timeline} == {published_cameras + 200, 5}


def test_a_rejected_proposal_changes_nothing_and_the_curator_sees_why(client, users, world, deployment):
    client.force_login(users["curator"])
    post_change(client, deployment, new_summary)
    revision = Revision.objects.get()
    with pytest.raises(ValidationError, match="reason"):
        revisions.reject(revision, user=users["reviewer"], reason=" ")
    revisions.reject(revision, user=users["reviewer"], reason="The report does not say so")
    deployment.refresh_from_db()
    assert "Proposedword" not in deployment.summary
    page = client.get(change_url(deployment)).text
    assert "sent back" in page and "The report does not say so" in page
    # Decided: it can be neither approved nor sent back again.
    with pytest.raises(ValidationError, match="already sent back"):
        revisions.approve(revision, user=users["second_reviewer"])


def test_a_second_proposal_on_one_record_is_refused(client, users, world, deployment):
    client.force_login(users["curator"])
    post_change(client, deployment, new_summary)
    client.force_login(users["second_reviewer"])

    def other(data):
        data["summary"] = "Another summary"

    response = post_change(client, deployment, other)
    assert any("already has a proposed change waiting for review (by cora" in m for m in texts(response))
    assert Revision.objects.count() == 1
    # The proposer may withdraw it; then another may be proposed.
    revision = Revision.objects.get()
    with pytest.raises(PermissionDenied):
        revisions.withdraw(revision, user=users["second_reviewer"])
    revisions.withdraw(revision, user=users["curator"])
    post_change(client, deployment, other)
    assert (
        Revision.objects.filter(status=RevisionStatus.PENDING).get().proposed_by == users["second_reviewer"]
    )


def test_four_eyes_a_reviewer_cannot_approve_their_own_change(users, world, deployment):
    revision = revisions.propose_change(
        deployment, user=users["reviewer"], reason="typo", changes={"summary": "Fixed"}
    )
    with pytest.raises(PermissionDenied, match="another reviewer must approve it"):
        revisions.approve(revision, user=users["reviewer"])
    with pytest.raises(PermissionDenied, match="approve"):
        revisions.approve(revision, user=users["curator"])
    with override_settings(REGISTRY_ALLOW_SELF_APPROVAL=True):
        revisions.approve(revision, user=users["reviewer"])
    deployment.refresh_from_db()
    assert deployment.summary == "Fixed"


def test_approving_is_a_permission_an_administrator_can_give_one_person(users, world, deployment):
    from django.contrib.auth.models import Permission

    revision = revisions.propose_change(deployment, user=users["curator"], changes={"summary": "Fixed"})
    trusted = make_user("tess", CURATORS_GROUP)
    with pytest.raises(PermissionDenied):
        revisions.approve(revision, user=trusted)
    trusted.user_permissions.add(Permission.objects.get(codename="approve_deployment"))
    trusted = type(trusted).objects.get(pk=trusted.pk)  # permissions are cached per user object
    revisions.approve(revision, user=trusted)
    assert Deployment.objects.get(pk=deployment.pk).summary == "Fixed"


def test_a_proposal_on_a_record_that_changed_since_is_refused(users, world, deployment):
    revision = revisions.propose_change(deployment, user=users["curator"], changes={"summary": "Fixed"})
    transition(deployment, name="retract", user=users["reviewer"], reason="Wrong country")
    with pytest.raises(ValidationError, match="changed after this proposal was made"):
        revisions.approve(revision, user=users["second_reviewer"])
    assert Deployment.objects.get(pk=deployment.pk).summary != "Fixed"
    assert Revision.objects.get().status == RevisionStatus.PENDING


def test_an_invalid_edit_is_refused_and_proposes_nothing(client, users, world, deployment):
    client.force_login(users["curator"])

    def edit(data):
        data["started_on"] = "2017-13"

    response = post_change(client, deployment, edit)
    assert response.status_code == 200
    assert "started_on" in response.context["adminform"].form.errors
    assert not Revision.objects.exists()


def test_an_unchanged_save_proposes_nothing(client, users, world, deployment):
    client.force_login(users["curator"])
    response = post_change(client, deployment, lambda data: None)
    assert any("Nothing changed" in m for m in texts(response))
    assert not Revision.objects.exists()


def test_a_proposal_that_would_leave_the_record_uncited_cannot_be_approved(client, users, world, deployment):
    client.force_login(users["curator"])

    def remove_citations(data):
        for key in [k for k in data if k.endswith("-id") and k.startswith("citations")]:
            data[key.replace("-id", "-DELETE")] = "on"

    post_change(client, deployment, remove_citations)
    revision = Revision.objects.get()
    with pytest.raises(ValidationError, match="no citation"):
        revisions.approve(revision, user=users["reviewer"])
    assert DeploymentCitation.objects.filter(record=deployment).exists()
