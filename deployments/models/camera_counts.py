import uuid

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from deployments import derived
from deployments.choices import CameraCountKind
from registry.choices import Confidence
from registry.fields import FuzzyDateField
from registry.history import track_history
from registry.models import CuratedModel, CuratedQuerySet


class CameraCountManager(models.Manager.from_queryset(CuratedQuerySet)):
    def get_by_natural_key(self, public_id):
        return self.get(public_id=public_id)


@track_history
class CameraCount(CuratedModel):
    """One dated observation of how many cameras a deployment has (or is meant to have).

    Never overwritten: a later or conflicting figure is another observation, with its own source.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.PROTECT, related_name="camera_counts"
    )
    place = models.ForeignKey(
        "deployments.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="camera_counts"
    )
    as_of = FuzzyDateField(blank=False)
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
    # Computed by the database (deployments/derived.py): what ?search= matches, and whether the public
    # may see the count (published, its deployment and its source too).
    search_vector = SearchVectorField(null=True, editable=False)
    is_public = models.BooleanField(default=False, editable=False)

    objects = CameraCountManager()

    class Meta:
        ordering = ["deployment", "as_of", "kind"]  # by deployment name (its Meta.ordering)
        indexes = [
            # The public list (is_public): the counts of a deployment or of a country's deployments,
            # filtered by kind and date within the index, and an index-only COUNT; and its search.
            # Kind before date: with the date first, ?kind= made PostgreSQL skip-scan every date,
            # which it rightly costed above reading the table by deployment_id.
            models.Index(
                fields=["deployment", "kind", "as_of", "id"],
                condition=models.Q(is_public=True),
                name="cameracount_public_kind",
            ),
            GinIndex(fields=["search_vector"], condition=models.Q(is_public=True), name="cameracount_search"),
            models.Index(fields=["as_of"], name="cameracount_as_of"),
            models.Index(fields=["kind"], name="cameracount_kind"),
            # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
            models.Index(fields=["updated_at"], name="cameracount_updated_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(as_of=""),
                name="cameracount_has_date",
                violation_error_message="A camera count is an observation at a date: give at least the year.",
            ),
        ]
        triggers = [derived.CAMERA_COUNT_SEARCH, derived.CAMERA_COUNT_PUBLIC]

    def __str__(self):
        return f"{self.deployment}: {self.cameras} cameras {self.get_kind_display().lower()} ({self.as_of})"

    def natural_key(self):
        return (str(self.public_id),)
