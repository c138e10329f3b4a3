"""A source attached to one record, optionally to one of its fields, with a confidence.

Each app declares a concrete citation per curated model (``DeploymentCitation`` and so on) with a
``record`` foreign key, so every citation has a real, enforced foreign key and the apps keep
pointing one way (registry <- vendors <- deployments).
"""

from django.core.exceptions import ValidationError
from django.db import models

from registry.choices import Confidence


class CitationManager(models.Manager):
    def get_by_natural_key(self, record_slug, source_slug, field):
        return self.get(record__slug=record_slug, source__slug=source_slug, field=field)


class Citation(models.Model):
    source = models.ForeignKey("registry.Source", on_delete=models.PROTECT, related_name="+")
    field = models.CharField(
        max_length=64, blank=True, help_text="The field this source supports; empty for the whole record."
    )
    locator = models.CharField(max_length=255, blank=True, help_text="Page, section or timestamp.")
    quote = models.TextField(blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, default=Confidence.REPORTED)

    objects = CitationManager()

    class Meta:
        abstract = True
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "source", "field"],
                name="%(app_label)s_%(class)s_once_per_field",
                violation_error_message="This source is already cited for this field of the record.",
            )
        ]

    def __str__(self):
        target = f"{self.record}.{self.field}" if self.field else str(self.record)
        return f"{target} ← {self.source} ({self.get_confidence_display()})"

    def natural_key(self):
        return (self.record.slug, self.source.slug, self.field)

    def clean(self):
        super().clean()
        record_model = self._meta.get_field("record").related_model
        if self.field and self.field not in citable_field_names(record_model):
            raise ValidationError(
                {
                    "field": f"{record_model._meta.verbose_name} has no field {self.field!r} that a source can support."
                }
            )


# What the registry keeps about a record rather than what a source says of it.
BOOKKEEPING_FIELDS = {"review_status", "version"}


def citable_field_names(model) -> set[str]:
    """The fields a source can support: the curated facts, not the id, the review status, the
    version, the timestamps or the columns the database derives (search vector, visibility)."""
    return {
        field.name
        for field in model._meta.get_fields()
        if (field.concrete or field.many_to_many)
        and field.editable
        and not field.primary_key
        and field.name not in BOOKKEEPING_FIELDS
    }
