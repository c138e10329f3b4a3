from api.serializers.exports import VendorExportSerializer
from api.serializers.vendors import VendorSerializer
from api.views.base import PublicReadOnlyViewSet
from registry.models import Country, Source
from vendors.filtersets import VendorFilterSet
from vendors.models import Designation, Vendor, VendorCitation
from vendors.selectors import public_vendors


class VendorViewSet(PublicReadOnlyViewSet):
    """Published vendors, with designations and citations, by slug."""

    queryset = public_vendors()
    serializer_class = VendorSerializer
    export_serializer_class = VendorExportSerializer
    filterset_class = VendorFilterSet
    lookup_field = "slug"
    kind = "vendor"
    public_models = (Vendor, Designation, VendorCitation, Source, Country)
    search_fields = ("name", "legal_name", "aliases", "description")
    trigram_fields = ("name", "legal_name", "aliases")
    ordering_fields = ("name", "updated_at")
