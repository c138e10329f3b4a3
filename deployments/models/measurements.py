import uuid

from django.db import models

from deployments import derived
from deployments.choices import QUALIFIER_HELP, MeasuredThing, Qualifier, qualified
from deployments.models.reported import ReportedDate
from registry.choices import Confidence
from registry.curation.history import track_history
from registry.curation.models import CuratedModel, CuratedQuerySet
from registry.fields import FuzzyDateField
from registry.publication import track_publication


class MeasurementManager(models.Manager.from_queryset(CuratedQuerySet)):
    def get_by_natural_key(self, public_id):
        return self.get(public_id=public_id)


@track_publication
@track_history
class Measurement(ReportedDate, CuratedModel):
    """A figure about a deployment other than its cameras, as one source states it: camera
    locations, cameras replaced or added, control centres, staff, traffic stations, sensors
    (Belgrade: 61 sites' cameras replaced, 47 added; ECU 911: 16 centres, over 3,000 staff).

    Camera counts are ``CameraCount``: they have kinds (installed, planned) and their own timeline.
    Like them, a measurement is never overwritten: a later or conflicting figure is another one.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.PROTECT, related_name="measurements"
    )
    place = models.ForeignKey(
        "deployments.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="measurements"
    )
    what = models.CharField(max_length=20, choices=MeasuredThing.choices)
    as_of = FuzzyDateField(help_text=ReportedDate.AS_OF_HELP)
    qualifier = models.CharField(
        max_length=10,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
        db_default=Qualifier.EXACT,  # for raw SQL and COPY that leave it out
        help_text=QUALIFIER_HELP,
    )
    quantity = models.PositiveIntegerField()
    source = models.ForeignKey("registry.Source", on_delete=models.PROTECT, related_name="measurements")
    locator = models.CharField(max_length=255, blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, default=Confidence.REPORTED)
    notes = models.TextField(blank=True)
    # Computed by the database (deployments/derived.py): whether the public may see the measurement
    # (published, its deployment and its source too), and its date on the timeline.
    is_public = models.BooleanField(default=False, editable=False)
    timeline_date = ReportedDate.timeline_date_field()

    objects = MeasurementManager()
    part_of = "deployment"

    class Meta:
        ordering = ["deployment", "timeline_date", "what"]  # by deployment name (its Meta.ordering)
        indexes = [
            models.Index(
                fields=["deployment", "what", "timeline_date", "id"],
                condition=models.Q(is_public=True),
                name="measurement_public_what",
            ),
            # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
            models.Index(fields=["updated_at"], name="measurement_updated_at"),
        ]
        triggers = [derived.MEASUREMENT_PUBLIC, derived.timeline_date("deployments_measurement")]

    def __str__(self):
        quantity = qualified(f"{self.quantity}", self.qualifier)
        return f"{self.deployment}: {quantity} {self.get_what_display().lower()} ({self.dated_display()})"

    def natural_key(self):
        return (str(self.public_id),)
