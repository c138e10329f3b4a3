"""The review workflow and the roles: who may move a record where, and what publishing needs."""

import pghistory.models
import pytest
from concurrency.exceptions import RecordModifiedError
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from deployments.models import Deployment, DeploymentCitation
from registry.choices import ReviewStatus
from registry.curation.roles import CURATORS_GROUP, REVIEWERS_GROUP
from registry.curation.workflow import allowed_transitions, transition
from tests import builders

pytestmark = pytest.mark.django_db


def make_user(username, *groups):
    user = get_user_model().objects.create_user(username, password="not-used-here-1234", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def curator():
    return make_user("cora", CURATORS_GROUP)


@pytest.fixture
def reviewer():
    return make_user("rey", REVIEWERS_GROUP)


@pytest.fixture
def outsider():
    return make_user("otto")


def cited_draft(**fields):
    deployment = builders.deployment(review_status=ReviewStatus.DRAFT, **fields)
    DeploymentCitation.objects.create(record=deployment, source=builders.source(), confidence="confirmed")
    return deployment


def status_of(record):
    return type(record).objects.get(pk=record.pk).review_status


def test_the_migration_creates_both_groups_with_model_permissions():
    for name in (CURATORS_GROUP, REVIEWERS_GROUP):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {
            "add_deployment",
            "change_deployment",
            "view_deployment",
            "delete_deploymentcitation",
        } <= codenames
        assert "delete_deployment" not in codenames
        assert not {"add_user", "change_user", "delete_user"} & codenames


@pytest.mark.parametrize(
    ("name", "start", "curator_may", "reviewer_may"),
    [
        ("submit", ReviewStatus.DRAFT, True, True),
        ("publish", ReviewStatus.IN_REVIEW, False, True),
        ("publish", ReviewStatus.DRAFT, False, True),
        ("send_back", ReviewStatus.IN_REVIEW, False, True),
        ("retract", ReviewStatus.PUBLISHED, False, True),
    ],
)
def test_permission_matrix(name, start, curator_may, reviewer_may, curator, reviewer, outsider):
    for user, may in ((outsider, False), (curator, curator_may), (reviewer, reviewer_may)):
        record = cited_draft()
        type(record).objects.filter(pk=record.pk).update(review_status=start)
        record.refresh_from_db()
        if may:
            transition(record, name=name, user=user, reason="checked")
            assert status_of(record) != start
        else:
            with pytest.raises(PermissionDenied):
                transition(record, name=name, user=user, reason="checked")
            assert status_of(record) == start


def test_publishing_without_a_citation_is_refused_with_what_is_missing(reviewer):
    record = builders.deployment(name="Safe Society", review_status=ReviewStatus.IN_REVIEW)
    with pytest.raises(ValidationError) as error:
        transition(record, name="publish", user=reviewer)
    assert error.value.messages == [
        "Cannot publish Safe Society yet:",
        "It has no citation: add at least one source in its Citations.",
    ]
    assert status_of(record) == ReviewStatus.IN_REVIEW


def test_a_citation_counts_only_once_its_source_is_published(reviewer):
    record = builders.deployment(review_status=ReviewStatus.IN_REVIEW)
    source = builders.source(review_status=ReviewStatus.DRAFT)
    DeploymentCitation.objects.create(record=record, source=source)
    with pytest.raises(ValidationError, match="which is draft: publish the source first"):
        transition(record, name="publish", user=reviewer)
    transition(source, name="publish", user=reviewer)
    transition(record, name="publish", user=reviewer)
    assert status_of(record) == ReviewStatus.PUBLISHED


def test_camera_count_is_published_only_with_a_published_source(reviewer):
    count = builders.camera_count(
        review_status=ReviewStatus.DRAFT, source=builders.source(review_status="draft")
    )
    with pytest.raises(ValidationError, match="Its source “.*” is draft: publish that source first"):
        transition(count, name="publish", user=reviewer)


def test_retracting_and_sending_back_need_a_reason(reviewer):
    record = cited_draft()
    transition(record, name="publish", user=reviewer)
    with pytest.raises(ValidationError, match="Give a reason"):
        transition(record, name="retract", user=reviewer, reason="  ")
    transition(record, name="retract", user=reviewer, reason="Source withdrew the claim")
    assert status_of(record) == ReviewStatus.RETRACTED
    assert record not in Deployment.objects.published()
    assert Deployment.objects.filter(pk=record.pk).exists()  # kept, with its history


def test_a_transition_from_the_wrong_state_is_refused(reviewer):
    record = cited_draft()
    with pytest.raises(ValidationError, match="Cannot retract .*: it is draft"):
        transition(record, name="retract", user=reviewer, reason="x")


def test_a_stale_transition_is_refused(reviewer, curator):
    record = cited_draft()
    seen_version = record.version
    other_copy = Deployment.objects.get(pk=record.pk)
    other_copy.summary = "Edited meanwhile"
    other_copy.save()
    with pytest.raises(RecordModifiedError):
        transition(record, name="submit", user=curator, expected_version=seen_version)
    assert status_of(record) == ReviewStatus.DRAFT


def test_a_stale_save_is_refused():
    record = cited_draft(summary="first")
    first, second = Deployment.objects.get(pk=record.pk), Deployment.objects.get(pk=record.pk)
    first.summary = "saved first"
    first.save()
    second.summary = "saved second, from an old copy"
    with pytest.raises(RecordModifiedError), transaction.atomic():
        second.save()
    assert Deployment.objects.get(pk=record.pk).summary == "saved first"


def test_transitions_are_in_history_with_user_and_reason(reviewer, client):
    record = cited_draft()
    transition(record, name="publish", user=reviewer, reason="Checked against the N1 article")
    events = pghistory.models.Events.objects.tracks(record).order_by("pgh_created_at")
    last = list(events)[-1]
    assert last.pgh_data["review_status"] == ReviewStatus.PUBLISHED
    assert last.pgh_context["reason"] == "Checked against the N1 article"
    assert last.pgh_context["transition"] == "publish"


def test_queryset_updates_are_in_history_too():
    record = cited_draft(summary="before")
    Deployment.objects.filter(pk=record.pk).update(summary="after a bulk update")
    summaries = [
        e.pgh_data["summary"] for e in pghistory.models.Events.objects.tracks(record).order_by("pgh_id")
    ]
    assert summaries[-2:] == ["before", "after a bulk update"]


def test_allowed_transitions_follow_role_and_state(curator, reviewer):
    record = cited_draft()
    assert [t.name for t in allowed_transitions(record, curator)] == ["submit"]
    assert [t.name for t in allowed_transitions(record, reviewer)] == ["submit", "publish"]
