from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from registry.choices import Confidence
from registry.constraints import FieldCheckConstraint
from registry.curation.citations import Citation
from registry.curation.history import track_history
from registry.curation.models import CuratedManager, CuratedModel, protect_published_slug
from registry.fields import FuzzyDateField
from registry.publication import track_publication
from vendors.choices import DesignationList, Ownership


@track_publication
@track_history
class Vendor(CuratedModel):
    """A company that sells, builds or finances surveillance systems."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    legal_name = models.CharField(max_length=300, blank=True)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    headquarters_country = models.ForeignKey(
        "registry.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="vendors"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="subsidiaries"
    )
    ownership = models.CharField(max_length=16, choices=Ownership.choices, default=Ownership.UNKNOWN)
    website = models.URLField(max_length=300, blank=True)
    wikidata_qid = models.CharField("Wikidata QID", max_length=16, blank=True)
    description = models.TextField(blank=True)

    objects = CuratedManager()
    review_parts = ("citations", "designations")

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["aliases"], name="vendor_aliases_gin"),
            # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
            models.Index(fields=["updated_at"], name="vendor_updated_at"),
        ]
        constraints = [
            FieldCheckConstraint(
                condition=models.Q(wikidata_qid="") | models.Q(wikidata_qid__regex=r"^Q[1-9][0-9]*$"),
                field="wikidata_qid",
                name="vendor_wikidata_qid_format",
                violation_error_message="A Wikidata QID is Q followed by digits, e.g. Q160120.",
            ),
            FieldCheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                field="parent",
                name="vendor_not_its_own_parent",
                violation_error_message="A vendor cannot be its own parent.",
            ),
        ]
        triggers = [protect_published_slug()]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class DesignationManager(models.Manager):
    def get_by_natural_key(self, vendor_slug, list_name, designated_on):
        return self.get(vendor__slug=vendor_slug, list_name=list_name, designated_on=designated_on)


@track_publication
@track_history
class Designation(models.Model):
    """A government listing of a vendor: US Entity List, FCC Covered List, OFAC sanctions."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="designations")
    list_name = models.CharField("list", max_length=20, choices=DesignationList.choices)
    designated_on = FuzzyDateField()
    authority_reference = models.CharField(
        max_length=200, blank=True, help_text="E.g. the executive order or Federal Register notice."
    )
    source = models.ForeignKey("registry.Source", on_delete=models.PROTECT, related_name="+")
    confidence = models.CharField(max_length=10, choices=Confidence.choices, default=Confidence.CONFIRMED)
    notes = models.TextField(blank=True)

    objects = DesignationManager()

    class Meta:
        ordering = ["designated_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "list_name", "designated_on"],
                name="designation_once_per_list_and_date",
                violation_error_message="This vendor already has this designation on this date.",
            )
        ]

    def __str__(self):
        return f"{self.vendor}: {self.get_list_name_display()} ({self.designated_on or 'date unknown'})"

    def natural_key(self):
        return (self.vendor.slug, self.list_name, self.designated_on)


@track_publication
@track_history
class VendorCitation(Citation):
    record = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        pass
