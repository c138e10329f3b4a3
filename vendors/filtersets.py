"""FilterSets of vendors: relations by ISO code or slug, as NetBox's circuits/filtersets.py."""

from registry.filtersets import PublicFilterSet, by_choice, by_code, by_slug
from vendors.choices import DesignationList, Ownership
from vendors.models import Vendor
from vendors.selectors import published_designations, published_vendors


class VendorFilterSet(PublicFilterSet):
    headquarters_country = by_code(
        "headquarters_country", "Headquarters country: ISO 3166-1 alpha-2, e.g. CN."
    )
    ownership = by_choice("ownership", Ownership.choices)
    designation = by_choice(
        "designations__list_name",
        DesignationList.choices,
        "Listed on this list (e.g. us-entity-list).",
        method="filter_designation",
    )
    parent = by_slug("parent", published_vendors(), "Parent vendor slug.")

    class Meta:
        model = Vendor
        fields = ["headquarters_country", "ownership", "designation", "parent"]

    def filter_designation(self, queryset, name, value):
        """A designation counts only when its source is published, as it is shown."""
        if not value:
            return queryset
        listed = published_designations().filter(list_name__in=value).values("vendor_id")
        return queryset.filter(pk__in=listed)
