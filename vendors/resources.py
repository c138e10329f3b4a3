"""Import and export of vendors, their designations and citations (see registry/imports/resources.py)."""

from registry.imports.resources import CitationResource, RegistryResource
from vendors.models import Designation, Vendor, VendorCitation


class VendorResource(RegistryResource):
    class Meta:
        model = Vendor
        fields = (
            "slug",
            "name",
            "legal_name",
            "aliases",
            "headquarters_country",
            "parent",
            "ownership",
            "website",
            "wikidata_qid",
            "description",
            "review_status",
            "version",
        )
        import_id_fields = ("slug",)


class DesignationResource(RegistryResource):
    class Meta:
        model = Designation
        fields = (
            "vendor",
            "list_name",
            "designated_on",
            "authority_reference",
            "source",
            "confidence",
            "notes",
        )
        import_id_fields = ("vendor", "list_name", "designated_on")


class VendorCitationResource(CitationResource):
    class Meta:
        model = VendorCitation


# In dependency order: a file only refers to records of the files before it (or of earlier rows).
RESOURCES = [VendorResource, DesignationResource, VendorCitationResource]
