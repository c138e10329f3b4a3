from api.serializers.exports import (
    CountryExportSerializer,
    LegalFrameworkExportSerializer,
    SourceExportSerializer,
)
from api.serializers.registry import CountrySerializer, LegalFrameworkSerializer, SourceSerializer
from api.views.base import PublicReadOnlyViewSet
from registry.filtersets import CountryFilterSet, LegalFrameworkFilterSet, SourceFilterSet
from registry.models import Country, LegalFramework, LegalFrameworkCitation, Source
from registry.selectors import countries, public_legal_frameworks, published_sources


class CountryViewSet(PublicReadOnlyViewSet):
    """Countries and unions (the EU), by ISO 3166-1 alpha-2 code."""

    queryset = countries()
    serializer_class = CountrySerializer
    export_serializer_class = CountryExportSerializer
    filterset_class = CountryFilterSet
    lookup_field = "code"
    lookup_value_regex = "[A-Z]{2}"
    public_models = (Country, Country.unions.through)
    search_fields = ("name", "code", "subregion")
    trigram_fields = ("name",)
    ordering_fields = ("name", "code")


class LegalFrameworkViewSet(PublicReadOnlyViewSet):
    """Published laws, bills, moratoria and court or DPA decisions, by slug."""

    queryset = public_legal_frameworks()
    serializer_class = LegalFrameworkSerializer
    export_serializer_class = LegalFrameworkExportSerializer
    filterset_class = LegalFrameworkFilterSet
    lookup_field = "slug"
    kind = "legal-framework"
    public_models = (
        LegalFramework,
        LegalFramework.jurisdictions.through,
        LegalFrameworkCitation,
        Source,
        Country,
    )
    search_fields = ("name", "short_name", "reference", "oversight_authority", "summary")
    trigram_fields = ("name", "short_name")
    ordering_fields = ("name", "adopted_on", "in_force_on", "updated_at")


class SourceViewSet(PublicReadOnlyViewSet):
    """Published sources (articles, reports, decisions, leaks), by slug."""

    queryset = published_sources()
    serializer_class = SourceSerializer
    export_serializer_class = SourceExportSerializer
    filterset_class = SourceFilterSet
    lookup_field = "slug"
    kind = "source"
    public_models = (Source,)
    search_fields = ("title", "author", "publisher")
    trigram_fields = ("title", "author", "publisher")
    ordering_fields = ("title", "published_on", "updated_at")
