"""Draft leaks, as an attacker would look for them.

Next to the published seed, every kind of unpublished record is created — drafts, records in review,
retracted records, and unpublished rows hanging off published records — each carrying a marker in its
text and identifiers. Then every public surface is crawled from its entry points, following every
internal link in HTML and every URL in JSON, in every format: the marker must appear nowhere, and
every unpublished identifier must be a 404.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from deployments.models import CameraCount, ContractParty, DeploymentCitation, DeploymentVendor
from registry.choices import ReviewStatus
from registry.curation.roles import REVIEWERS_GROUP
from registry.curation.workflow import transition
from tests import builders

MARKER = "leakmarker"
# Searched for instead of the marker, so that a page echoing the query cannot be mistaken for a leak.
SEARCH_WORD = "zyxwvu"
UNPUBLISHED = (ReviewStatus.DRAFT, ReviewStatus.IN_REVIEW, ReviewStatus.RETRACTED)
ENTRY_POINTS = ["/", "/deployments/", "/api/v1/", "/api/v1/changes/", "/api/schema/", "/api/docs/"]
MAX_PAGES = 1500
HREF = re.compile(r'(?:href|src|action)="(/[^"]*)"')


def unpublished_world():
    """Unpublished records of every kind, and unpublished rows attached to published records."""
    identifiers = []
    published_deployment = builders.deployment(slug="belgrade-public", name="Published deployment")
    for status in UNPUBLISHED:
        tag = f"{MARKER}-{status.replace('_', '-')} {SEARCH_WORD}"
        slug = f"{MARKER}-{status.replace('_', '-')}"
        source = builders.source(slug=f"{slug}-source", title=f"{tag} source", review_status=status)
        vendor = builders.vendor(
            slug=f"{slug}-vendor", name=f"{tag} vendor", aliases=[tag], review_status=status
        )
        law = builders.legal_framework(slug=f"{slug}-law", name=f"{tag} law", review_status=status)
        deployment = builders.deployment(
            slug=f"{slug}-deployment", name=f"{tag} deployment", summary=tag, review_status=status
        )
        contract = builders.contract(slug=f"{slug}-contract", name=f"{tag} contract", review_status=status)
        count = builders.camera_count(
            deployment=published_deployment, cameras=987654, notes=tag, review_status=status
        )
        # Unpublished things attached to the published deployment.
        contract.deployments.add(published_deployment)
        ContractParty.objects.create(contract=contract, vendor=vendor, role="supplier", roles=["supplier"])
        DeploymentVendor.objects.create(deployment=published_deployment, vendor=vendor, role="supplier")
        published_deployment.legal_frameworks.add(law)
        DeploymentCitation.objects.create(
            record=published_deployment, source=source, locator=tag, field="name"
        )
        identifiers += [
            f"/api/v1/sources/{source.slug}/",
            f"/api/v1/vendors/{vendor.slug}/",
            f"/api/v1/legal-frameworks/{law.slug}/",
            f"/api/v1/deployments/{deployment.slug}/",
            f"/api/v1/contracts/{contract.slug}/",
            f"/api/v1/camera-counts/{count.public_id}/",
            f"/sources/{source.slug}/",
            f"/vendors/{vendor.slug}/",
            f"/legal-frameworks/{law.slug}/",
            f"/deployments/{deployment.slug}/",
        ]
    # A published count of a retracted deployment, and a published record whose source is a draft.
    retracted = builders.deployment(
        slug=f"{MARKER}-gone", name=f"{MARKER} gone", review_status=ReviewStatus.RETRACTED
    )
    builders.camera_count(deployment=retracted, cameras=987654, notes=f"{MARKER} orphan")
    builders.camera_count(
        deployment=published_deployment,
        notes=f"{MARKER} unpublished source",
        source=builders.source(
            slug=f"{MARKER}-hidden-source", title=MARKER, review_status=ReviewStatus.DRAFT
        ),
    )
    return identifiers


def published_after_a_draft_phase(reviewer):
    """A record whose draft text held the marker: its pre-publication history must stay private."""
    record = builders.deployment(
        slug="cagliari-later",
        name=f"{MARKER} working title",
        summary=f"{MARKER} notes",
        review_status="draft",
    )
    DeploymentCitation.objects.create(record=record, source=builders.source(), confidence="confirmed")
    record.name, record.summary = "Cagliari, published", "Clean public summary"
    record.save()
    transition(record, name="publish", user=reviewer)
    return record


def crawl(client, start_paths, until=None):
    """Every page reachable from the entry points: internal links in HTML, URLs in JSON, all formats
    (or those crawled until ``until(bodies)`` holds)."""
    seen, queue, bodies = set(), deque(start_paths), {}
    while queue and len(seen) < MAX_PAGES and not (until and until(bodies)):
        path = queue.popleft()
        if path in seen or path.startswith(("/admin", "/static")):
            continue
        seen.add(path)
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        bodies[path] = (response.status_code, text)
        for link in _links(text, response.get("Content-Type", "")):
            if link not in seen:
                queue.append(link)
        if path.startswith("/api/v1/") and "format=" not in path and response.status_code == 200:
            separator = "&" if "?" in path else "?"
            queue.extend(f"{path}{separator}format={fmt}" for fmt in ("csv", "geojson"))
            queue.append(f"{path}{separator}search={SEARCH_WORD}")
    return bodies


def _links(text, content_type):
    links = []
    if "json" in content_type:
        links = [urlsplit(url) for url in re.findall(r'"(https?://testserver/[^"]*)"', text)]
        links = [split.path + (f"?{split.query}" if split.query else "") for split in links]
    elif "html" in content_type:
        links = [link.replace("&amp;", "&") for link in HREF.findall(text)]
    return [urldefrag(link)[0] for link in links]


@pytest.mark.django_db
def test_no_public_surface_shows_an_unpublished_record(seed, django_user_model, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "export": "100000/minute"},
    }
    reviewer = django_user_model.objects.create_user("rey", password="unused-here-1234")
    reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    identifiers = unpublished_world()
    published_after_a_draft_phase(reviewer)

    client = Client()
    bodies = crawl(
        client, [*ENTRY_POINTS, f"/deployments/?search={SEARCH_WORD}", "/api/v1/changes/?format=csv"]
    )

    assert len(bodies) > 100, "the crawl should reach the whole public site"
    assert [path for path, (status, text) in bodies.items() if MARKER in text.lower()] == []
    assert [path for path, (status, _) in bodies.items() if status >= 500] == []
    retracted = {path for path in identifiers if "retracted" in path}
    retracted |= {
        f"/api/v1/camera-counts/{c.public_id}/" for c in CameraCount.objects.filter(review_status="retracted")
    }
    for path in identifiers:
        response = client.get(path)
        if path in retracted:
            # Retracted: 410 Gone with the tombstone (what it was, when, why), none of its content.
            assert response.status_code == 410, path
            if path.startswith("/api/"):
                assert set(response.json()) == {
                    "detail",
                    "kind",
                    "identifier",
                    "name",
                    "retracted_at",
                    "reason",
                }
        else:
            assert response.status_code == 404, path


@pytest.mark.django_db
def test_the_crawl_would_see_a_leak(seed, settings):
    """Control: the same crawl finds the marker as soon as one marked record is public."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "export": "100000/minute"},
    }
    published = builders.deployment(slug="visible", name=f"{MARKER} visible")
    count = builders.camera_count(deployment=published, notes=f"{MARKER} count")
    expected = {
        "/deployments/visible/",
        "/api/v1/deployments/visible/",
        f"/api/v1/camera-counts/{count.public_id}/",
    }

    def leaks(bodies):
        return {path for path, (_, text) in bodies.items() if MARKER in text.lower()}

    def seen_everywhere(bodies):  # the HTML page, the JSON detail and list, a CSV export
        found = leaks(bodies)
        return expected <= found and any(
            path.startswith("/api/v1/deployments/?") and "format=csv" in path for path in found
        )

    # The crawl stops as soon as it has seen the leak everywhere (the whole site took minutes).
    bodies = crawl(Client(), ENTRY_POINTS, until=seen_everywhere)
    assert seen_everywhere(bodies), sorted(leaks(bodies))
