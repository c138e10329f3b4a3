"""History in the admin: every event of a record and of its inline rows, with who, when, why and what
changed (before -> after); reasons given on the change form are kept with the save."""

import pghistory.models
import pytest
from django.urls import reverse

from deployments.models import Deployment, DeploymentCitation
from registry.curation.roles import CURATORS_GROUP, REVIEWERS_GROUP
from tests.test_admin import add_inline_row, all_errors, build_world, change_url, form_data
from tests.test_admin_workflow import make_user, publishable, transition_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world(0)


@pytest.fixture
def curator(db):
    return make_user("cora", CURATORS_GROUP)


def history_url(record):
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_history", args=[record.pk])


def events_of(record):
    return list(pghistory.models.Events.objects.tracks(record).order_by("pgh_id"))


def test_an_admin_edit_is_recorded_with_user_and_reason(client, world, curator):
    deployment = world[Deployment]
    client.force_login(curator)
    data = form_data(client.get(change_url(deployment)))
    data["summary"] = "Cameras in every district"
    data["change_reason"] = "N1 article of 3 March"
    add_inline_row(
        data, "citations", source=world[DeploymentCitation].source.pk, field="summary", confidence="confirmed"
    )
    response = client.post(change_url(deployment), data)
    assert response.status_code == 302, all_errors(response)
    last = events_of(deployment)[-1]
    assert last.pgh_diff["summary"] == ["", "Cameras in every district"]
    assert last.pgh_context["user"] == curator.pk
    assert last.pgh_context["reason"] == "N1 article of 3 March"
    # The inline row was saved inside the same context: same user, same reason.
    citation = DeploymentCitation.objects.get(record=deployment, field="summary")
    citation_event = events_of(citation)[-1]
    assert citation_event.pgh_label == "insert"
    assert citation_event.pgh_context_id == last.pgh_context_id
    assert citation_event.pgh_context["reason"] == "N1 article of 3 March"


def test_queryset_updates_are_in_the_history_page(client, world, curator):
    deployment = world[Deployment]
    Deployment.objects.filter(pk=deployment.pk).update(data_managed_by="Vendor-run data centre")
    client.force_login(curator)
    response = client.get(history_url(deployment))
    assert response.status_code == 200
    change = next(
        c for entry in response.context["entries"] for c in entry.changes if c.field == "Data managed by"
    )
    assert (change.before, change.after) == ("—", "Vendor-run data centre")
    assert "Vendor-run data centre" in response.text


def test_history_page_shows_diffs_users_reasons_transitions_and_inline_rows(client, world, curator):
    deployment = world[Deployment]
    client.force_login(curator)
    data = form_data(client.get(change_url(deployment)))
    data["status"] = "suspended"
    data["change_reason"] = "Court order"
    data["camera_counts-0-cameras"] = "1200"
    assert client.post(change_url(deployment), data).status_code == 302
    client.post(transition_url(deployment), {"transition": "submit", "reason": "Ready for review"})
    response = client.get(history_url(deployment))
    assert response.status_code == 200
    entries = response.context["entries"]
    # Events of one request share their time; pick them by what they are, not by position.
    submitted = next(e for e in entries if e.transition)
    assert (submitted.transition, submitted.reason, submitted.user) == (
        "Send to review",
        "Ready for review",
        curator,
    )
    assert [(c.field, c.before, c.after) for c in submitted.changes] == [
        ("Review status", "Draft", "In review")
    ]
    edit = next(e for e in entries if e.is_record and e.reason == "Court order")
    assert ("Status", "Active", "Suspended") in [(c.field, c.before, c.after) for c in edit.changes]
    count = next(
        e for e in entries if e.what == "Camera count" and e.action == "changed" and not e.transition
    )
    assert [(c.field, c.before, c.after) for c in count.changes] == [("Cameras", "1000", "1200")]
    assert count.user == curator and count.reason == "Court order"
    # Rows added with the record, named with their linked records.
    citation = next(e for e in entries if e.what == "Deployment citation" and e.action == "added")
    assert ("Source", "—", "Report number 0") in [(c.field, c.before, c.after) for c in citation.changes]
    text = response.text
    for shown in (
        "Court order",
        "Ready for review",
        "Send to review",
        "Active → Suspended",
        "1000 → 1200",
        "cora",
    ):
        assert shown in text


def test_history_button_leads_to_the_pghistory_page(client, world, curator):
    client.force_login(curator)
    page = client.get(change_url(world[Deployment]))
    assert history_url(world[Deployment]) in page.text
    response = client.get(history_url(world[Deployment]))
    assert response.templates[0].name == "admin/registry/object_history.html"


def test_a_reviewer_publication_is_in_the_history(client, world):
    deployment = world[Deployment]
    reviewer = make_user("rey", REVIEWERS_GROUP)
    publishable(world)  # its source, vendor and law published: nothing blocks the publication
    client.force_login(reviewer)
    client.post(transition_url(deployment), {"transition": "publish", "reason": "Checked the report"})
    entry = next(e for e in client.get(history_url(deployment)).context["entries"] if e.transition)
    assert (entry.transition, entry.reason, entry.user) == ("Publish", "Checked the report", reviewer)


def test_many_to_many_links_are_in_the_history(client, world, curator):
    client.force_login(curator)
    entries = client.get(history_url(world[Deployment])).context["entries"]
    assert any(e.what.startswith("Link deployment") for e in entries)
