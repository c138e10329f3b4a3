"""A source attached to one record, optionally to one of its fields, or to one item of a list field
(a deployment's technology "facial-recognition", its purpose "public-safety"), with a confidence.

Each app declares a concrete citation per curated model (``DeploymentCitation`` and so on) with a
``record`` foreign key, so every citation has a real, enforced foreign key and the apps keep
pointing one way (registry <- vendors <- deployments).
"""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models

from registry.choices import Confidence


class CitationManager(models.Manager):
    def get_by_natural_key(self, record_slug, source_slug, field, item=""):
        return self.get(record__slug=record_slug, source__slug=source_slug, field=field, item=item)


class Citation(models.Model):
    source = models.ForeignKey("registry.Source", on_delete=models.PROTECT, related_name="+")
    field = models.CharField(
        max_length=64, blank=True, help_text="The field this source supports; empty for the whole record."
    )
    item = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",  # rows copied in without it (generate_synthetic) are whole-field citations
        help_text="One item of a list field this source supports (a technology's slug, a purpose, a "
        "governance concern); empty for the whole field.",
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
                fields=["record", "source", "field", "item"],
                name="%(app_label)s_%(class)s_once_per_item",
                violation_error_message="This source is already cited for this field (or item) of the record.",
            )
        ]

    def __str__(self):
        target = f"{self.record}.{self.field}" if self.field else str(self.record)
        target += f"[{self.item}]" if self.item else ""
        return f"{target} ← {self.source} ({self.get_confidence_display()})"

    def natural_key(self):
        return (self.record.slug, self.source.slug, self.field, self.item)

    def clean(self):
        super().clean()
        record_model = self._meta.get_field("record").related_model
        if self.field and self.field not in citable_field_names(record_model):
            raise ValidationError(
                {
                    "field": f"{record_model._meta.verbose_name} has no field {self.field!r} that a source can support."
                }
            )
        if self.item:
            self.clean_item(record_model)

    def clean_item(self, record_model):
        """An item is one of the record's items of that list field, as the record has them now."""
        if self.field not in list_field_names(record_model):
            raise ValidationError(
                {"item": "An item belongs to a list field: choose the field (e.g. technologies)."}
            )
        if self.record_id is None:
            return
        items = record_items(self.record, self.field)
        if self.item not in items:
            raise ValidationError(
                {
                    "item": f"{self.item!r} is not one of this record's {self.field} "
                    f"({', '.join(items) or 'none recorded'}): add it to the record first."
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


def list_field_names(model) -> set[str]:
    """The citable fields whose value is a list of items: many-to-many relations (their records'
    slugs are the items) and arrays (their values are)."""
    return {
        name
        for name in citable_field_names(model)
        if model._meta.get_field(name).many_to_many or isinstance(model._meta.get_field(name), ArrayField)
    }


def record_items(record, field_name: str) -> list[str]:
    """The items of ``record``'s list field: the related records' slugs (``item_key``), or the
    array's values.
    A record being edited may carry its pending many-to-many values (``pending_items``, set by the
    admin before its inlines are validated)."""
    pending = getattr(record, "pending_items", {})
    if field_name in pending:
        return list(pending[field_name])
    field = record._meta.get_field(field_name)
    if field.many_to_many:
        if record.pk is None:
            return []
        return list(getattr(record, field_name).values_list(item_key(field.related_model), flat=True))
    return list(getattr(record, field_name) or [])


def item_key(model) -> str:
    """What names a related record as an item: its slug, or a country's code."""
    return "slug" if any(field.name == "slug" for field in model._meta.fields) else "code"
