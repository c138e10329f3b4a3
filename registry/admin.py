from django.contrib import admin

from registry.admin_utils import (
    SITE_TITLE,
    CitationAdmin,
    CitationInline,
    RegistryModelAdmin,
    count_column,
    fuzzy_date_column,
    joined_column,
)
from registry.models import Country, LegalFramework, LegalFrameworkCitation, Source

admin.site.site_header = SITE_TITLE
admin.site.site_title = SITE_TITLE
admin.site.index_title = "Curation"


@admin.register(Country)
class CountryAdmin(RegistryModelAdmin):
    list_display = ("name", "code", "kind", "region", "subregion", "bri_joined", "bri_left")
    list_filter = ("kind", "region")
    search_fields = ("name", "code")
    autocomplete_fields = ("unions",)
    fields = (
        ("code", "name"),
        "kind",
        ("region", "subregion"),
        "unions",
        ("belt_and_road_joined", "belt_and_road_left"),
    )

    bri_joined = fuzzy_date_column("belt_and_road_joined", "joined BRI")
    bri_left = fuzzy_date_column("belt_and_road_left", "left BRI")


class LegalFrameworkCitationInline(CitationInline):
    model = LegalFrameworkCitation


@admin.register(LegalFramework)
class LegalFrameworkAdmin(RegistryModelAdmin):
    list_display = (
        "name",
        "short_name",
        "kind",
        "legal_status",
        "jurisdiction_list",
        "adopted",
        "in_force",
        "covers_biometric_surveillance",
        "review_status",
        "citation_count",
    )
    list_filter = (
        "review_status",
        "kind",
        "legal_status",
        "covers_biometric_surveillance",
        ("jurisdictions", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "short_name", "slug", "reference", "oversight_authority")
    autocomplete_fields = ("jurisdictions",)
    prepopulated_fields = {"slug": ("name",)}
    list_prefetch_related = ("jurisdictions",)
    count_related = {"citation_count": "citations"}
    inlines = (LegalFrameworkCitationInline,)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "review_status")}),
        ("Law", {"fields": ("kind", "legal_status", "jurisdictions", "reference", "official_url")}),
        ("Dates", {"fields": (("adopted_on", "in_force_on", "ended_on"),)}),
        ("Scope", {"fields": ("oversight_authority", "covers_biometric_surveillance", "summary")}),
    )

    jurisdiction_list = joined_column("jurisdictions", "jurisdictions", attribute="code")
    adopted = fuzzy_date_column("adopted_on", "adopted")
    in_force = fuzzy_date_column("in_force_on", "in force")
    citation_count = count_column("citation_count", "citations")


@admin.register(Source)
class SourceAdmin(RegistryModelAdmin):
    list_display = ("title", "kind", "publisher", "published", "language", "review_status")
    list_filter = ("review_status", "kind", "language")
    search_fields = ("title", "slug", "author", "publisher", "url", "doi")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("title", "slug", "review_status")}),
        ("Source", {"fields": ("kind", "author", "publisher", "language", "doi")}),
        ("Where and when", {"fields": ("url", "archived_url", "published_on", "accessed_on")}),
        (None, {"fields": ("notes",)}),
    )

    published = fuzzy_date_column("published_on", "published")


@admin.register(LegalFrameworkCitation)
class LegalFrameworkCitationAdmin(CitationAdmin):
    pass
