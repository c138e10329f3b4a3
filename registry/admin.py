from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from registry.curation.admin_base import (
    SITE_TITLE,
    CitationAdmin,
    CitationInline,
    RegistryModelAdmin,
    count_column,
    fuzzy_date_column,
    joined_column,
)
from registry.models import (
    Country,
    CountryMembership,
    CountryMembershipCitation,
    LegalFramework,
    LegalFrameworkCitation,
    Source,
)

admin.site.site_header = SITE_TITLE
admin.site.site_title = SITE_TITLE
admin.site.index_title = "Curation"


@admin.register(Country)
class CountryAdmin(RegistryModelAdmin):
    """Every ISO 3166-1 country is loaded by a migration: there is nothing to add, and a country is
    never deleted (deployments, laws and places point at it). Only reviewers change one
    (registry/curation/roles.py): a curator's page is read-only."""

    list_display = ("name", "code", "kind", "region", "subregion")
    list_filter = ("kind", "region")
    search_fields = ("name", "code")
    autocomplete_fields = ("unions",)
    fields = (("code", "name"), "kind", ("region", "subregion"), "unions", "membership_links")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "code", "kind", "membership_links")

    @admin.display(description="memberships")
    def membership_links(self, obj):
        """Each membership is a cited record of its own, reviewed on its page: linked from here."""
        links = [
            format_html(
                '<a href="{}">{}</a> ({})',
                reverse("admin:registry_countrymembership_change", args=[membership.pk]),
                membership,
                membership.get_review_status_display().lower(),
            )
            for membership in obj.memberships.all()
        ]
        add_url = reverse("admin:registry_countrymembership_add") + f"?country={obj.pk}"
        return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links)) + format_html(
            '<p><a href="{}">Add a membership</a> (with its source; published after review)</p>', add_url
        )


class CountryMembershipCitationInline(CitationInline):
    model = CountryMembershipCitation


@admin.register(CountryMembership)
class CountryMembershipAdmin(RegistryModelAdmin):
    list_display = (
        "country",
        "organisation",
        "joined",
        "left",
        "review_status",
        "citation_count",
    )
    list_filter = ("review_status", "organisation", ("country", admin.RelatedOnlyFieldListFilter))
    search_fields = ("country__name", "country__code", "slug", "notes")
    autocomplete_fields = ("country",)
    str_select_related = ("country",)
    list_select_related = ("country",)
    count_related = {"citation_count": "citations"}
    inlines = (CountryMembershipCitationInline,)
    fields = ("country", "organisation", ("joined_on", "left_on"), "slug", "review_status", "notes")

    joined = fuzzy_date_column("joined_on", "joined")
    left = fuzzy_date_column("left_on", "left")
    citation_count = count_column("citation_count", "citations")


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
    autocomplete_fields = ("jurisdictions", "amends")
    prepopulated_fields = {"slug": ("name",)}
    list_prefetch_related = ("jurisdictions",)
    count_related = {"citation_count": "citations"}
    inlines = (LegalFrameworkCitationInline,)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "review_status")}),
        ("Law", {"fields": ("kind", "legal_status", "jurisdictions", "reference", "official_url")}),
        (
            "Dates",
            {
                "fields": (
                    ("proposed_on", "adopted_on", "published_on"),
                    ("in_force_on", "applies_from", "ended_on"),
                    "amends",
                )
            },
        ),
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


@admin.register(CountryMembershipCitation)
class CountryMembershipCitationAdmin(CitationAdmin):
    search_fields = ("record__country__name", "source__title", "field", "locator", "quote")
    str_select_related = ("record__country", "source")
    list_select_related = ("record__country", "source")
