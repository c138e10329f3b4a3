import uuid

from django.db import models

from deployments.choices import EventKind
from registry.choices import Confidence
from registry.constraints import FieldCheckConstraint
from registry.curation.history import track_history
from registry.curation.models import CuratedModel, CuratedQuerySet
from registry.fields import FuzzyDateField
from registry.publication import track_publication


class EventManager(models.Manager.from_queryset(CuratedQuerySet)):
    def get_by_natural_key(self, public_id):
        return self.get(public_id=public_id)


@track_publication
@track_history
class Event(CuratedModel):
    """One dated step in a deployment's history as one source tells it: an agreement signed, a pilot,
    a phase announced, a case study taken down, a draft law withdrawn, a DPA decision...

    Cited like a camera count (one source, its locator and quote, one confidence), not with a
    citation table like deployments and contracts: an event is one source's statement and has no
    name or slug of its own, so a second source that dates it otherwise is a second event, shown
    side by side, never merged into one (as conflicting camera counts are), and ``?confidence=``
    filters the events themselves. (So events are not in the all-citations view, whose rows name a
    record by slug: deployments/models/citations.py.) Related name ``timeline_events``: pghistory's
    history rows are a record's ``events`` already.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.PROTECT, related_name="timeline_events"
    )
    contract = models.ForeignKey(
        "deployments.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timeline_events",
        help_text="The contract or agreement the event concerns, if any.",
    )
    legal_framework = models.ForeignKey(
        "registry.LegalFramework",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timeline_events",
        help_text="The law, bill, moratorium or decision the event concerns, if any.",
    )
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    occurred_on = FuzzyDateField(blank=False)
    description = models.TextField(help_text="What happened, as the source says it.")
    source = models.ForeignKey("registry.Source", on_delete=models.PROTECT, related_name="timeline_events")
    locator = models.CharField(max_length=255, blank=True, help_text="Page, section or timestamp.")
    quote = models.TextField(blank=True, help_text="The source's own words, when short enough to quote.")
    confidence = models.CharField(max_length=10, choices=Confidence.choices, default=Confidence.REPORTED)
    notes = models.TextField(blank=True, help_text="The curator's notes, e.g. how the date was inferred.")

    objects = EventManager()
    part_of = "deployment"

    class Meta:
        ordering = ["deployment", "occurred_on", "kind", "id"]
        indexes = [
            models.Index(fields=["deployment", "occurred_on", "id"], name="event_deployment_date"),
            models.Index(fields=["occurred_on"], name="event_occurred_on"),
            models.Index(fields=["kind"], name="event_kind"),
            # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
            models.Index(fields=["updated_at"], name="event_updated_at"),
        ]
        constraints = [
            FieldCheckConstraint(
                condition=~models.Q(occurred_on=""),
                field="occurred_on",
                name="event_has_date",
                violation_error_message="An event happened at a date: give at least the year.",
            ),
            FieldCheckConstraint(
                condition=~models.Q(description=""),
                field="description",
                name="event_has_description",
                violation_error_message="Say what happened, as the source says it.",
            ),
        ]

    def __str__(self):
        return f"{self.deployment}: {self.get_kind_display().lower()} ({self.occurred_on})"

    def natural_key(self):
        return (str(self.public_id),)
