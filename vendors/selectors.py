"""Reads the public surfaces share: every public queryset of vendors starts here."""

from django.db.models import Prefetch, QuerySet

from registry.selectors import published_citations, published_sources
from vendors.models import Designation, Vendor, VendorCitation


def published_vendors() -> QuerySet[Vendor]:
    return Vendor.objects.published()


def published_designations() -> QuerySet[Designation]:
    """Designations whose source is published (a designation is shown with its source or not at all)."""
    return Designation.objects.filter(source__in=published_sources()).select_related("source")


def public_vendors() -> QuerySet[Vendor]:
    """Published vendors with their country, published parent, designations and citations."""
    return (
        published_vendors()
        .select_related("headquarters_country")
        .prefetch_related(
            Prefetch("parent", queryset=published_vendors()),
            Prefetch("designations", queryset=published_designations()),
            Prefetch("citations", queryset=published_citations(VendorCitation)),
        )
    )
