"""The review workflow in the admin: buttons, actions, forged posts, the queue, and stale edits."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from deployments.models import CameraCount, Deployment, DeploymentCitation, Event, Measurement
from registry.choices import ReviewStatus
from registry.curation.roles import CURATORS_GROUP, REVIEWERS_GROUP
from registry.curation.workflow import transition
from registry.models import LegalFramework
from tests.test_admin import all_errors, build_world, change_url, changelist_url, form_data

pytestmark = pytest.mark.django_db

DRAFT, IN_REVIEW, PUBLISHED, RETRACTED = (
    ReviewStatus.DRAFT,
    ReviewStatus.IN_REVIEW,
    ReviewStatus.PUBLISHED,
    ReviewStatus.RETRACTED,
)


def make_user(username, *groups):
    user = get_user_model().objects.create_user(username, password="a long test password", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def world(db):
    return build_world(0)


@pytest.fixture
def deployment(world):
    return world[Deployment]  # a draft with one citation of a draft source


@pytest.fixture
def users(db):
    return {"curator": make_user("cora", CURATORS_GROUP), "reviewer": make_user("rey", REVIEWERS_GROUP)}


def client_for(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    return client


def set_status(record, status):
    type(record).objects.filter(pk=record.pk).update(review_status=status)
    record.refresh_from_db()


def publishable(world):
    """Everything the deployment links to and cites published, so the deployment may be published."""
    for record in world.values():
        if hasattr(record, "review_status") and not isinstance(record, Deployment | CameraCount):
            set_status(record, PUBLISHED)


def status_of(record):
    return type(record).objects.get(pk=record.pk).review_status


def transition_url(record):
    return reverse(
        f"admin:{record._meta.app_label}_{record._meta.model_name}_workflow_transition", args=[record.pk]
    )


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# (transition, starting status, role) -> allowed
MATRIX = [
    ("submit", DRAFT, "curator", True),
    ("submit", DRAFT, "reviewer", True),
    ("publish", IN_REVIEW, "curator", False),
    ("publish", DRAFT, "curator", False),
    ("publish", IN_REVIEW, "reviewer", True),
    ("send_back", IN_REVIEW, "curator", False),
    ("send_back", IN_REVIEW, "reviewer", True),
    ("retract", PUBLISHED, "curator", False),
    ("retract", PUBLISHED, "reviewer", True),
]
TARGET = {"submit": IN_REVIEW, "publish": PUBLISHED, "send_back": DRAFT, "retract": RETRACTED}


@pytest.mark.parametrize(("name", "start", "role", "allowed"), MATRIX)
def test_transition_button(client, users, world, deployment, name, start, role, allowed):
    publishable(world)
    set_status(deployment, start)
    client = client_for(client, users, role)
    response = client.post(
        transition_url(deployment),
        {"transition": name, "reason": "checked", "seen_version": deployment.version},
    )
    if allowed:
        assert response.status_code == 302
        assert status_of(deployment) == TARGET[name]
    else:
        assert response.status_code == 403
        assert status_of(deployment) == start


@pytest.mark.parametrize("name", list(TARGET))
def test_anonymous_users_cannot_transition(client, world, deployment, name):
    response = client.post(transition_url(deployment), {"transition": name, "reason": "x"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert status_of(deployment) == DRAFT


@pytest.mark.parametrize(("name", "start", "role", "allowed"), MATRIX)
def test_transition_action(client, users, world, deployment, name, start, role, allowed):
    publishable(world)
    set_status(deployment, start)
    client = client_for(client, users, role)
    response = client.post(
        changelist_url(Deployment),
        {
            "action": f"{name}_selected",
            "_selected_action": [f"{deployment.pk}:{deployment.version}"],
            "reason": "checked",
            "index": "0",
        },
    )
    assert response.status_code == 302
    assert status_of(deployment) == (TARGET[name] if allowed else start)
    if not allowed:
        assert "No action selected." in texts(response)


@pytest.mark.parametrize("role", ["curator", "reviewer"])
def test_review_status_cannot_be_posted_in_the_form(client, users, world, deployment, role):
    publishable(world)
    client = client_for(client, users, role)
    response = client.get(change_url(deployment))
    assert "review_status" not in response.context["adminform"].form.fields
    data = form_data(response)
    data["review_status"] = PUBLISHED
    data["summary"] = "Edited"
    response = client.post(change_url(deployment), data)
    assert response.status_code == 302, all_errors(response)
    deployment.refresh_from_db()
    assert (deployment.summary, deployment.review_status) == ("Edited", DRAFT)


def test_review_status_is_read_only_in_the_camera_count_inline(client, users, world, deployment):
    response = client_for(client, users, "reviewer").get(change_url(deployment))
    counts = next(
        i for i in response.context["inline_admin_formsets"] if i.formset.model.__name__ == "CameraCount"
    )
    assert "review_status" not in counts.formset.forms[0].fields


def test_buttons_follow_role_and_state(client, users, world, deployment):
    curator_page = client_for(client, users, "curator").get(change_url(deployment))
    assert [t.name for t in curator_page.context["workflow"]["transitions"]] == ["submit"]
    assert "Send to review" in curator_page.text and ">Publish<" not in curator_page.text
    client.logout()
    reviewer_page = client_for(client, users, "reviewer").get(change_url(deployment))
    assert [t.name for t in reviewer_page.context["workflow"]["transitions"]] == ["submit", "publish"]
    assert ">Publish<" in reviewer_page.text


def test_transition_url_is_post_only(client, users, deployment):
    response = client_for(client, users, "reviewer").get(transition_url(deployment))
    assert response.status_code == 405


def test_transition_url_is_csrf_protected(users, deployment):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["reviewer"])
    response = client.post(transition_url(deployment), {"transition": "submit"})
    assert response.status_code == 403
    assert status_of(deployment) == DRAFT


def test_publishing_without_a_citation_is_refused_with_its_message(client, users, world, deployment):
    DeploymentCitation.objects.filter(record=deployment).delete()
    client = client_for(client, users, "reviewer")
    response = client.post(transition_url(deployment), {"transition": "publish"}, follow=True)
    (message,) = texts(response)
    assert message.startswith("Cannot publish Safe City 0 yet:<ul>")
    assert "<li>It has no citation: add at least one source in its Citations.</li>" in message
    # Each unpublished record it links to is named, with a link to fix it.
    law = world[LegalFramework]
    assert f"“{law}” is draft: publish that legal framework first" in message
    assert f'<a href="{change_url(law)}">' in message
    assert status_of(deployment) == DRAFT


def test_an_action_reports_each_refused_record_and_does_the_rest(client, users, world, deployment):
    publishable(world)
    other = build_world(1)[Deployment]
    DeploymentCitation.objects.filter(record=other).delete()
    client = client_for(client, users, "reviewer")
    response = client.post(
        changelist_url(Deployment),
        {"action": "publish_selected", "_selected_action": [deployment.pk, other.pk], "index": "0"},
        follow=True,
    )
    messages = texts(response)
    assert any(
        m.startswith("Cannot publish Safe City 1 yet:")
        and "It has no citation: add at least one source in its Citations." in m
        for m in messages
    )
    assert any(m.startswith("Publish: done for 1 deployment (Safe City 0)") for m in messages)
    assert (status_of(deployment), status_of(other)) == (PUBLISHED, DRAFT)


def test_send_back_and_retract_need_a_reason(client, users, world, deployment):
    set_status(deployment, IN_REVIEW)
    client = client_for(client, users, "reviewer")
    response = client.post(
        transition_url(deployment), {"transition": "send_back", "reason": " "}, follow=True
    )
    assert "Give a reason to send back to draft Safe City 0." in texts(response)
    assert status_of(deployment) == IN_REVIEW
    response = client.post(
        changelist_url(Deployment),
        {"action": "send_back_selected", "_selected_action": [deployment.pk], "index": "0", "reason": ""},
        follow=True,
    )
    assert "Give a reason to send back to draft Safe City 0." in texts(response)
    assert status_of(deployment) == IN_REVIEW


def test_every_curated_changelist_filters_by_review_status(client, users, world):
    client = client_for(client, users, "curator")
    for model in (Deployment, *[type(world[k]) for k in world if hasattr(world[k], "review_status")]):
        response = client.get(changelist_url(model), {"review_status__exact": DRAFT})
        assert response.status_code == 200
        assert response.context["cl"].result_count >= 1, model


# --- The reviewer's queue --------------------------------------------------------------------------


def test_review_queue_lists_what_is_in_review_with_who_sent_it(client, users, world, deployment):
    curator = client_for(client, users, "curator")
    curator.post(transition_url(deployment), {"transition": "submit", "reason": "Ready"})
    curator.logout()
    source = world[DeploymentCitation].source
    transition(source, name="submit", user=users["reviewer"])  # not through a request: no user known
    client = client_for(client, users, "reviewer")
    index = client.get(reverse("admin:index"))
    assert reverse("review-queue") in index.text
    response = client.get(reverse("review-queue"))
    assert response.status_code == 200
    rows = {row["record"]: row for row in response.context["rows"]}
    # The deployment went to review with its draft camera count and event (one review for the bundle).
    assert set(rows) == {deployment, world[CameraCount], world[Measurement], world[Event], source}
    assert rows[deployment]["user"] == users["curator"]
    assert rows[deployment]["model"] == "Deployment"
    assert rows[deployment]["reason"] == "Ready"
    assert rows[source]["user"] is None
    assert change_url(deployment) in response.text
    assert "cora" in response.text


def test_review_queue_needs_a_login(client, world):
    response = client.get(reverse("review-queue"))
    assert response.status_code == 302


# --- Stale edits -----------------------------------------------------------------------------------


def test_a_stale_save_is_refused_with_both_versions_shown(client, users, world, deployment):
    from django.test import Client

    first, second = Client(), client_for(client, users, "curator")
    first.force_login(make_user("cleo", CURATORS_GROUP))
    first_data = form_data(first.get(change_url(deployment)))
    second_data = form_data(second.get(change_url(deployment)))
    first_data["summary"] = "Saved first"
    assert first.post(change_url(deployment), first_data).status_code == 302
    second_data["summary"] = "Saved second, from an old page"
    second_data["name"] = "Renamed by the second"
    response = second.post(change_url(deployment), second_data)
    assert response.status_code == 200
    assert any(
        "Someone else saved this deployment while you were editing it" in m for m in all_errors(response)
    )
    rows = {row["label"]: row for row in response.context["conflict"]}
    assert rows["Summary"] == {
        "label": "Summary",
        "stored": "Saved first",
        "submitted": "Saved second, from an old page",
        "differs": True,
    }
    assert rows["Name"]["stored"] == "Safe City 0" and rows["Name"]["differs"]
    assert rows["Country"]["differs"] is False
    assert "Saved first" in response.text and "Saved second, from an old page" in response.text
    deployment.refresh_from_db()
    assert (deployment.summary, deployment.name) == ("Saved first", "Safe City 0")
    # Saving the returned form again is a deliberate choice, made after seeing both versions.
    response = second.post(change_url(deployment), form_data(response))
    assert response.status_code == 302, all_errors(response)
    deployment.refresh_from_db()
    assert deployment.summary == "Saved second, from an old page"


def test_a_save_without_its_revision_is_refused(client, users, deployment):
    client = client_for(client, users, "curator")
    data = form_data(client.get(change_url(deployment)))
    del data["seen_version"]
    data["summary"] = "No revision"
    response = client.post(change_url(deployment), data)
    assert response.status_code == 200
    deployment.refresh_from_db()
    assert deployment.summary == ""


def test_a_stale_transition_button_is_refused(client, users, deployment):
    client = client_for(client, users, "curator")
    seen = deployment.version
    Deployment.objects.get(pk=deployment.pk).save()  # someone saved meanwhile
    response = client.post(
        transition_url(deployment), {"transition": "submit", "seen_version": seen}, follow=True
    )
    assert any("was changed by someone else" in m for m in texts(response))
    assert status_of(deployment) == DRAFT


def test_a_stale_action_row_is_refused_and_the_others_done(client, users, world, deployment):
    other = build_world(1)[Deployment]
    client = client_for(client, users, "curator")
    listed = client.get(changelist_url(Deployment))
    assert f'value="{deployment.pk}:{deployment.version}"' in listed.text
    stale_version = deployment.version
    edited = Deployment.objects.get(pk=deployment.pk)
    edited.summary = "Edited after the list was loaded"
    edited.save()
    response = client.post(
        changelist_url(Deployment),
        {
            "action": "submit_selected",
            "_selected_action": [f"{deployment.pk}:{stale_version}", f"{other.pk}:{other.version}"],
            "index": "0",
        },
        follow=True,
    )
    assert any(m.startswith("Safe City 0 was changed by someone else") for m in texts(response))
    assert (status_of(deployment), status_of(other)) == (DRAFT, IN_REVIEW)
