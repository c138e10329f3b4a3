from django.db import models

from registry.choices import LegalFrameworkKind, LegalStatus
from registry.fields import FuzzyDateField
from registry.fuzzydates import fuzzy_dates_in_order
from registry.history import track_history, track_links
from registry.models.base import CuratedManager, CuratedModel, protect_published_slug
from registry.models.citations import Citation


@track_history
class LegalFramework(CuratedModel):
    """A law, bill, moratorium or court/DPA decision that governs surveillance somewhere."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=24, choices=LegalFrameworkKind.choices)
    legal_status = models.CharField(max_length=16, choices=LegalStatus.choices)
    jurisdictions = models.ManyToManyField(
        "registry.Country",
        related_name="legal_frameworks",
        help_text="A country, or the EU for its member states.",
    )
    reference = models.CharField(
        max_length=200, blank=True, help_text="Official citation, e.g. Official Gazette RS 87/2018."
    )
    adopted_on = FuzzyDateField()
    in_force_on = FuzzyDateField()
    ended_on = FuzzyDateField(
        help_text="When it was withdrawn, repealed or expired (YYYY, YYYY-MM or YYYY-MM-DD)."
    )
    oversight_authority = models.CharField(max_length=300, blank=True)
    covers_biometric_surveillance = models.BooleanField(
        null=True, blank=True, help_text="Unknown when empty."
    )
    official_url = models.URLField(max_length=500, blank=True)
    summary = models.TextField(blank=True)

    objects = CuratedManager()

    class Meta:
        ordering = ["name"]
        # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
        indexes = [models.Index(fields=["updated_at"], name="legalframework_updated_at")]
        constraints = [
            models.CheckConstraint(
                condition=fuzzy_dates_in_order("adopted_on", "in_force_on"),
                name="legalframework_in_force_after_adopted",
                violation_error_message="A law cannot come into force before it is adopted.",
            ),
            models.CheckConstraint(
                condition=fuzzy_dates_in_order("adopted_on", "ended_on"),
                name="legalframework_ended_after_adopted",
                violation_error_message="A law cannot end before it is adopted.",
            ),
        ]
        triggers = [protect_published_slug()]

    def __str__(self):
        return self.short_name or self.name

    def natural_key(self):
        return (self.slug,)


@track_history
class LegalFrameworkCitation(Citation):
    record = models.ForeignKey(LegalFramework, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        pass


track_links(LegalFramework.jurisdictions)
