from django.core.exceptions import ValidationError
from django.db import models

from registry.choices import LegalFrameworkKind, LegalStatus
from registry.constraints import FieldCheckConstraint
from registry.curation.citations import Citation
from registry.curation.history import track_history, track_links
from registry.curation.models import CuratedManager, CuratedModel, protect_published_slug
from registry.fields import FuzzyDateField
from registry.fuzzydates import fuzzy_dates_in_order

AMENDS_ITSELF = "A law cannot amend itself."


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
    # A law's life as its sources date it: each date as precise as the source, each cited on its field.
    proposed_on = FuzzyDateField(help_text="When the bill or draft was proposed or published as a draft.")
    adopted_on = FuzzyDateField()
    published_on = FuzzyDateField(help_text="When it was published in the official journal.")
    in_force_on = FuzzyDateField(help_text="When it entered into force.")
    applies_from = FuzzyDateField(help_text="When it started to apply, if later than its entry into force.")
    ended_on = FuzzyDateField(
        help_text="When it was withdrawn, repealed or expired (YYYY, YYYY-MM or YYYY-MM-DD)."
    )
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        help_text="The law or decision this one amends, extends or implements.",
    )
    oversight_authority = models.CharField(max_length=300, blank=True)
    covers_biometric_surveillance = models.BooleanField(
        null=True, blank=True, help_text="Unknown when empty."
    )
    official_url = models.URLField(max_length=500, blank=True)
    summary = models.TextField(blank=True)

    objects = CuratedManager()
    review_parts = ("citations",)

    class Meta:
        ordering = ["name"]
        # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
        indexes = [models.Index(fields=["updated_at"], name="legalframework_updated_at")]
        constraints = [
            FieldCheckConstraint(
                condition=fuzzy_dates_in_order("adopted_on", "in_force_on"),
                field="in_force_on",
                name="legalframework_in_force_after_adopted",
                violation_error_message="A law cannot come into force before it is adopted.",
            ),
            FieldCheckConstraint(
                condition=fuzzy_dates_in_order("proposed_on", "adopted_on"),
                field="adopted_on",
                name="legalframework_adopted_after_proposed",
                violation_error_message="A law cannot be adopted before it is proposed.",
            ),
            FieldCheckConstraint(
                condition=fuzzy_dates_in_order("adopted_on", "published_on"),
                field="published_on",
                name="legalframework_published_after_adopted",
                violation_error_message="A law cannot be published before it is adopted.",
            ),
            FieldCheckConstraint(
                condition=fuzzy_dates_in_order("in_force_on", "applies_from"),
                field="applies_from",
                name="legalframework_applies_after_in_force",
                violation_error_message="A law cannot apply before it enters into force.",
            ),
            # Also in clean(): a form has no "id" field, so Django skips this check when validating it.
            models.CheckConstraint(
                condition=~models.Q(amends=models.F("id")),
                name="legalframework_does_not_amend_itself",
                violation_error_message=AMENDS_ITSELF,
            ),
            FieldCheckConstraint(
                condition=fuzzy_dates_in_order("adopted_on", "ended_on"),
                field="ended_on",
                name="legalframework_ended_after_adopted",
                violation_error_message="A law cannot end before it is adopted.",
            ),
        ]
        triggers = [protect_published_slug()]

    def __str__(self):
        return self.short_name or self.name

    def clean(self):
        super().clean()
        if self.pk is not None and self.amends_id == self.pk:
            raise ValidationError({"amends": AMENDS_ITSELF})

    def natural_key(self):
        return (self.slug,)


@track_history
class LegalFrameworkCitation(Citation):
    record = models.ForeignKey(LegalFramework, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        pass


track_links(LegalFramework.jurisdictions)
