"""The public change feed: what changed in published records, read from the trigger history.

What is public, precisely:

- Only records that are published *now*, as the published-only selectors define it (a camera count
  also needs its deployment and source published). A draft or an in-review record has no entry, not
  even its identifier. A record retracted since it was published has one entry, its retraction
  (``kind="retracted"``): its name, when, and the public reason; none of its earlier content.
- Only snapshots taken while the record was published (``review_status`` = published in the event):
  its first publication, every edit made while it stayed published, and each re-publication. What a
  record looked like as a draft, in review or retracted never appears, not even as a "before" value:
  each entry is compared with the record's previous *published* snapshot.
- Only the fields the public API shows for that kind of record (``PUBLIC_FIELDS``): no internal
  notes, no revision numbers. A linked record is named by its public identifier (country code,
  slug) only if it is public itself; otherwise the value is ``null``.
- Never who made the change or why: the curator's user name and the reasons they give are internal
  working notes (they can name confidential sources). The entry says what changed and when.
- Inline rows (citations, vendor roles, links to places and technologies) are not in the feed; a
  camera count (``model=camera-count``), an event, a measurement and each reference record (place,
  public body, organisation, technology) are entries of their own once they are public.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, F, JSONField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, JSONObject
from django.urls import reverse

from deployments.models import (
    CameraCount,
    Contract,
    Deployment,
    Event,
    Measurement,
    Organisation,
    Place,
    PublicBody,
    Technology,
)
from deployments.selectors import (
    organisations,
    places,
    public_bodies,
    published_camera_counts,
    published_contracts,
    published_deployments,
    published_events,
    published_measurements,
    technologies,
)
from registry.choices import ReviewStatus
from registry.models import Country, LegalFramework, Source
from registry.selectors import countries, published_legal_frameworks, published_sources
from vendors.models import Vendor
from vendors.selectors import published_vendors

PUBLISHED = ReviewStatus.PUBLISHED
RETRACTED = ReviewStatus.RETRACTED


@dataclass(frozen=True)
class FeedModel:
    name: str
    model: type
    published: object  # the selector: a callable returning the published-only queryset
    detail_view: str
    identifier: str
    fields: tuple[str, ...]
    label: str = "name"  # the snapshot field that names the record ("" for none)

    @property
    def event_model(self):
        return self.model.pgh_event_models["update"]


FEED_MODELS = {
    feed.name: feed
    for feed in (
        FeedModel(
            "deployment",
            Deployment,
            published_deployments,
            "api:deployment-detail",
            "slug",
            (
                "slug",
                "name",
                "summary",
                "country",
                "operator",
                "status",
                "started_on",
                "ended_on",
                "purposes",
                "data_location",
                "data_managed_by",
                "governance_concerns",
            ),
        ),
        FeedModel(
            "contract",
            Contract,
            published_contracts,
            "api:contract-detail",
            "slug",
            (
                "slug",
                "name",
                "summary",
                "kind",
                "buyer",
                "signed_on",
                "value_amount",
                "value_currency",
                "value_note",
                "financing",
                "disclosure",
                "procurement_method",
            ),
        ),
        FeedModel(
            "vendor",
            Vendor,
            published_vendors,
            "api:vendor-detail",
            "slug",
            (
                "slug",
                "name",
                "legal_name",
                "aliases",
                "headquarters_country",
                "parent",
                "ownership",
                "website",
                "wikidata_qid",
                "description",
            ),
        ),
        FeedModel(
            "legal-framework",
            LegalFramework,
            published_legal_frameworks,
            "api:legal-framework-detail",
            "slug",
            (
                "slug",
                "name",
                "short_name",
                "kind",
                "legal_status",
                "reference",
                "proposed_on",
                "adopted_on",
                "published_on",
                "in_force_on",
                "applies_from",
                "ended_on",
                "oversight_authority",
                "covers_biometric_surveillance",
                "official_url",
                "summary",
            ),
        ),
        FeedModel(
            "source",
            Source,
            published_sources,
            "api:source-detail",
            "slug",
            label="title",
            fields=(
                "slug",
                "title",
                "author",
                "publisher",
                "kind",
                "url",
                "archived_url",
                "doi",
                "published_on",
                "accessed_on",
                "language",
            ),
        ),
        FeedModel(
            "camera-count",
            CameraCount,
            published_camera_counts,
            "api:camera-count-detail",
            "public_id",
            label="",
            fields=(
                "deployment",
                "place",
                "as_of",
                "qualifier",
                "cameras",
                "locations",
                "kind",
                "phase",
                "source",
                "locator",
                "confidence",
                "notes",
            ),
        ),
        FeedModel(
            "event",
            Event,
            published_events,
            "api:event-detail",
            "public_id",
            label="",
            fields=(
                "deployment",
                "kind",
                "occurred_on",
                "description",
                "contract",
                "legal_framework",
                "source",
                "locator",
                "quote",
                "confidence",
                "notes",
            ),
        ),
        FeedModel(
            "measurement",
            Measurement,
            published_measurements,
            "api:measurement-detail",
            "public_id",
            label="",
            fields=(
                "deployment",
                "place",
                "what",
                "as_of",
                "qualifier",
                "quantity",
                "source",
                "locator",
                "confidence",
                "notes",
            ),
        ),
        # Reference records: reviewed like the others since they became curated, so followed too.
        FeedModel(
            "place",
            Place,
            places,
            "api:place-detail",
            "slug",
            ("slug", "name", "kind", "country", "parent", "latitude", "longitude"),
        ),
        FeedModel(
            "public-body",
            PublicBody,
            public_bodies,
            "api:public-body-detail",
            "slug",
            ("slug", "name", "kind", "country", "place", "parent", "website"),
        ),
        FeedModel(
            "organisation",
            Organisation,
            organisations,
            "api:organisation-detail",
            "slug",
            ("slug", "name", "kind", "country", "website", "notes"),
        ),
        FeedModel(
            "technology",
            Technology,
            technologies,
            "api:technology-detail",
            "slug",
            ("slug", "name", "description", "biometric"),
        ),
    )
}

# How a linked record is named in the feed, and which of them are public (the selectors again).
LINKED = {
    Country: (countries, "code"),
    Deployment: (published_deployments, "slug"),
    Contract: (published_contracts, "slug"),
    Vendor: (published_vendors, "slug"),
    Source: (published_sources, "slug"),
    LegalFramework: (published_legal_frameworks, "slug"),
    Place: (places, "slug"),
    PublicBody: (public_bodies, "slug"),
}


def public_change_events(
    *,
    model: str | None = None,
    record: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    scope: dict[str, QuerySet] | None = None,
) -> QuerySet:
    """Phase 1, one query: the public events as rows ``{pgh_id, pgh_created_at, feed_model}``,
    newest first, across the feed models. Page it, then ``resolve_changes`` the page.

    ``since`` is exclusive, ``until`` inclusive. ``scope`` ({feed model: the primary keys of its
    records}) keeps only the changes to those records, and only of those feed models."""
    parts = []
    for feed in FEED_MODELS.values():
        if (model is not None and feed.name != model) or (scope is not None and feed.name not in scope):
            continue
        published = feed.event_model.objects.filter(
            review_status=PUBLISHED,
            pgh_label__in=("insert", "update"),
            pgh_obj_id__in=feed.published().values("pk"),
        )
        for events in (published, _retractions(feed)):
            if record is not None:
                events = events.filter(pgh_obj_id__in=_records_by_identifier(feed, record))
            if since is not None:
                events = events.filter(pgh_created_at__gt=since)
            if until is not None:
                events = events.filter(pgh_created_at__lte=until)
            if scope is not None:
                events = events.filter(pgh_obj_id__in=scope[feed.name])
            parts.append(
                events.order_by().values("pgh_id", "pgh_created_at").annotate(feed_model=Value(feed.name))
            )
    if not parts:
        return FEED_MODELS["deployment"].event_model.objects.none().values("pgh_id", "pgh_created_at")
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-pgh_created_at", "-pgh_id", "feed_model")


def _retractions(feed) -> QuerySet:
    """The event that retracted each record retracted now: its snapshot carries the record's
    current retraction date, and the retract step wrote it."""
    retracted = feed.model._base_manager.filter(review_status=RETRACTED)
    return feed.event_model.objects.filter(
        review_status=RETRACTED,
        pgh_label="update",
        pgh_obj_id__in=retracted.values("pk"),
        retracted_at=Subquery(retracted.filter(pk=OuterRef("pgh_obj_id")).values("retracted_at")[:1]),
        pgh_context__metadata__transition="retract",
    )


def _records_by_identifier(feed, record: str):
    if feed.identifier == "public_id":
        try:
            record = uuid.UUID(record)
        except ValueError:
            return feed.model.objects.none().values("pk")
    public = feed.published() | feed.model._base_manager.filter(review_status=RETRACTED)
    return public.filter(**{feed.identifier: record}).values("pk")


@dataclass
class PublicChange:
    model: str
    identifier: str
    name: str
    url: str
    changed_at: datetime
    # "published" (became public with this snapshot), "updated" (changed while public) or
    # "retracted" (with the public reason, and no content of the record)
    kind: str
    changes: list[dict]
    retraction_reason: str | None = None


def resolve_changes(rows, request=None) -> list[PublicChange]:
    """Phase 2, one query for the whole page: each event's public snapshot and its record's
    previous published snapshot (linked records named by their public identifier), then the
    differences between the two."""
    rows = list(rows)
    by_model = defaultdict(list)
    for row in rows:
        by_model[row["feed_model"]].append(row["pgh_id"])
    parts = [_snapshots(FEED_MODELS[name], ids) for name, ids in by_model.items()]
    if not parts:
        return []
    first, *rest = parts
    resolved = {}
    for item in first.union(*rest, all=True) if rest else first:
        feed = FEED_MODELS[item["feed_model"]]
        before, after = item["previous"], item["current"]
        url = reverse(feed.detail_view, kwargs={feed.identifier: item["identifier"]})
        if item["review_state"] == RETRACTED:
            resolved[(feed.name, item["pgh_id"])] = PublicChange(
                model=feed.name,
                identifier=item["identifier"],
                name=item["label"] or item["identifier"],
                url=request.build_absolute_uri(url) if request is not None else url,
                changed_at=item["pgh_created_at"],
                kind="retracted",
                changes=[],
                retraction_reason=item["public_reason"],
            )
            continue
        resolved[(feed.name, item["pgh_id"])] = PublicChange(
            model=feed.name,
            identifier=item["identifier"],
            name=item["label"] or item["identifier"],
            url=request.build_absolute_uri(url) if request is not None else url,
            changed_at=item["pgh_created_at"],
            kind="published" if before is None or item["previous_status"] != PUBLISHED else "updated",
            changes=[]
            if before is None
            else [
                {"field": name, "before": before.get(name), "after": after.get(name)}
                for name in feed.fields
                if before.get(name) != after.get(name)
            ],
        )
    return [resolved[(row["feed_model"], row["pgh_id"])] for row in rows]


def _snapshot(feed) -> JSONObject:
    """The public fields of an event row as JSON; a linked record as its public identifier, or
    null when that record is not public (the selectors decide)."""
    values = {}
    for name in feed.fields:
        field = feed.model._meta.get_field(name)
        if field.is_relation:
            selector, identifier = LINKED[field.related_model]
            linked = selector().filter(pk=OuterRef(field.attname)).order_by().values(identifier)[:1]
            values[name] = Cast(Subquery(linked), CharField())
        else:
            values[name] = F(name)
    return JSONObject(**values)


def _snapshots(feed, ids) -> QuerySet:
    event_model = feed.event_model
    earlier = event_model.objects.filter(
        pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id")
    ).order_by("-pgh_id")
    return (
        event_model.objects.filter(pgh_id__in=ids)
        .order_by()
        .values("pgh_id", "pgh_created_at")
        .annotate(
            feed_model=Value(feed.name),
            review_state=F("review_status"),
            public_reason=F("retraction_reason"),
            identifier=Cast(f"pgh_obj__{feed.identifier}", CharField()),
            label=Cast(feed.label or f"pgh_obj__{feed.identifier}", CharField()),
            current=_snapshot(feed),
            previous=Subquery(
                earlier.filter(review_status=PUBLISHED).values(snapshot=_snapshot(feed))[:1],
                output_field=JSONField(),
            ),
            previous_status=Subquery(earlier.values("review_status")[:1]),
        )
    )
