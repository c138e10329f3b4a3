import uuid

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from deployments import derived
from deployments.choices import QUALIFIER_HELP, CameraCountKind, Qualifier, qualified
from deployments.models.reported import ReportedDate
from registry.choices import Confidence
from registry.curation.history import track_history
from registry.curation.models import CuratedModel, CuratedQuerySet
from registry.fields import FuzzyDateField
from registry.publication import track_publication


class CameraCountManager(models.Manager.from_queryset(CuratedQuerySet)):
    def get_by_natural_key(self, public_id):
        return self.get(public_id=public_id)


@track_publication
@track_history
class CameraCount(ReportedDate, CuratedModel):
    """One observation of how many cameras a deployment has (or is meant to have), as its source
    states it: exactly, or "at least", "about", "at most" (``qualifier``); at the date it is as of,
    or, when the source gives none, at the date the source reported it (``ReportedDate``).

    Never overwritten: a later or conflicting figure is another observation, with its own source.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.PROTECT, related_name="camera_counts"
    )
    place = models.ForeignKey(
        "deployments.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="camera_counts"
    )
    as_of = FuzzyDateField(help_text=ReportedDate.AS_OF_HELP)
    qualifier = models.CharField(
        max_length=10,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
        db_default=Qualifier.EXACT,  # for raw SQL and COPY that leave it out
        help_text=QUALIFIER_HELP,
    )
    cameras = models.PositiveIntegerField()
    locations = models.PositiveIntegerField(
        null=True, blank=True, help_text="Sites or locations, when given."
    )
    kind = models.CharField(max_length=10, choices=CameraCountKind.choices)
    phase = models.CharField(max_length=100, blank=True)
    source = models.ForeignKey("registry.Source", on_delete=models.PROTECT, related_name="camera_counts")
    locator = models.CharField(max_length=255, blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, default=Confidence.REPORTED)
    notes = models.TextField(blank=True)
    # Computed by the database (deployments/derived.py): what ?search= matches, whether the public
    # may see the count (published, its deployment and its source too), and its timeline's date.
    search_vector = SearchVectorField(null=True, editable=False)
    is_public = models.BooleanField(default=False, editable=False)
    timeline_date = ReportedDate.timeline_date_field()

    objects = CameraCountManager()
    part_of = "deployment"

    class Meta:
        # By deployment name (its Meta.ordering), then the observation date, else the reported date.
        ordering = ["deployment", "timeline_date", "kind"]
        indexes = [
            # The public list (is_public): the counts of a deployment or of a country's deployments,
            # filtered by kind and date within the index, and an index-only COUNT; and its search.
            # Kind before date: with the date first, ?kind= made PostgreSQL skip-scan every date,
            # which it rightly costed above reading the table by deployment_id.
            models.Index(
                fields=["deployment", "kind", "timeline_date", "id"],
                condition=models.Q(is_public=True),
                name="cameracount_public_kind",
            ),
            GinIndex(fields=["search_vector"], condition=models.Q(is_public=True), name="cameracount_search"),
            models.Index(fields=["timeline_date"], name="cameracount_timeline_date"),
            models.Index(fields=["kind"], name="cameracount_kind"),
            # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
            models.Index(fields=["updated_at"], name="cameracount_updated_at"),
        ]
        triggers = [
            derived.CAMERA_COUNT_SEARCH,
            derived.CAMERA_COUNT_PUBLIC,
            derived.timeline_date("deployments_cameracount"),
        ]

    def __str__(self):
        cameras = qualified(f"{self.cameras}", self.qualifier)
        return (
            f"{self.deployment}: {cameras} cameras {self.get_kind_display().lower()} ({self.dated_display()})"
        )

    def natural_key(self):
        return (str(self.public_id),)
