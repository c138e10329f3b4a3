"""Reference records that deployments point at: technologies, places and public bodies.

They describe public facts (a city, a ministry), so they carry no review status of their own.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models

from deployments import derived
from deployments.choices import PlaceKind, PublicBodyKind
from registry.history import track_history
from registry.models import SlugManager


@track_history
class Technology(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    biometric = models.BooleanField(default=False, help_text="Identifies or analyses people by their body.")

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "technologies"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


@track_history
class Place(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=PlaceKind.choices)
    country = models.ForeignKey("registry.Country", on_delete=models.PROTECT, related_name="places")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)

    objects = SlugManager()

    class Meta:
        ordering = ["country__name", "name"]
        indexes = [GinIndex(SearchVector("name", config="simple"), name="place_search_gin")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_in_range",
                violation_error_message="Latitude must be between -90 and 90.",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
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


@track_history
class PublicBody(models.Model):
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

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "public bodies"
        # Contracts are searched by their buyer's name (api/filters.py).
        triggers = [derived.BUYER_RENAMED]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
