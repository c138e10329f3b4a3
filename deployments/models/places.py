"""Records that deployments point at: technologies, places and public bodies.

They are curated like every other record: one a curator adds is a draft, public only once a
reviewer publishes it (registry/curation/workflow.py); every public surface reads them through
the published-only selectors of deployments/selectors.py.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import models

from deployments import derived
from deployments.choices import PlaceKind, PublicBodyKind
from registry.constraints import FieldCheckConstraint
from registry.curation.history import track_history
from registry.curation.models import CuratedManager, CuratedModel, protect_published_slug
from registry.publication import track_publication
from registry.search import SearchDocument


@track_publication
@track_history
class Technology(CuratedModel):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    biometric = models.BooleanField(default=False, help_text="Identifies or analyses people by their body.")

    objects = CuratedManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "technologies"
        # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
        indexes = [models.Index(fields=["updated_at"], name="technology_updated_at")]
        triggers = [protect_published_slug()]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


@track_publication
@track_history
class Place(CuratedModel):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=PlaceKind.choices)
    country = models.ForeignKey("registry.Country", on_delete=models.PROTECT, related_name="places")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)

    objects = CuratedManager()

    class Meta:
        ordering = ["country__name", "name"]
        # ?search= on places (api/filters.py); deployments and contracts are searched by place name.
        indexes = [
            GinIndex(SearchDocument("name"), name="place_search"),
            models.Index(fields=["updated_at"], name="place_updated_at"),
        ]
        triggers = [protect_published_slug(), *derived.PLACE_RENAMED]
        constraints = [
            FieldCheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                field="latitude",
                name="place_latitude_in_range",
                violation_error_message="Latitude must be between -90 and 90.",
            ),
            FieldCheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                field="longitude",
                name="place_longitude_in_range",
                violation_error_message="Longitude must be between -180 and 180.",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="place_coordinates_together",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.country.code})"

    def natural_key(self):
        return (self.slug,)


@track_publication
@track_history
class PublicBody(CuratedModel):
    """A buyer or operator: a ministry, municipality, regional government, police force or agency."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=24, choices=PublicBodyKind.choices)
    country = models.ForeignKey("registry.Country", on_delete=models.PROTECT, related_name="public_bodies")
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="public_bodies"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    website = models.URLField(max_length=300, blank=True)

    objects = CuratedManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "public bodies"
        indexes = [models.Index(fields=["updated_at"], name="publicbody_updated_at")]
        # Contracts are searched by their buyer's name and place, deployments by their operator's name,
        # while the body is published.
        triggers = [protect_published_slug(), derived.PUBLIC_BODY_CHANGED, derived.OPERATOR_RENAMED]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
