from django.contrib import admin
from django.db.models import CharField, F, Func, Value

from registry.curation.admin_base import (
    CitationAdmin,
    CitationInline,
    RegistryModelAdmin,
    RegistryTabularInline,
    count_column,
    fuzzy_date_column,
    joined_column,
)
from vendors.models import Designation, Vendor, VendorCitation


class DesignationInline(RegistryTabularInline):
    model = Designation
    fields = ("list_name", "designated_on", "authority_reference", "source", "confidence", "notes")
    autocomplete_fields = ("source",)


class VendorCitationInline(CitationInline):
    model = VendorCitation


@admin.register(Vendor)
class VendorAdmin(RegistryModelAdmin):
    list_display = (
        "name",
        "headquarters_country",
        "ownership",
        "parent",
        "designation_list",
        "review_status",
        "citation_count",
    )
    list_filter = (
        "review_status",
        "ownership",
        ("headquarters_country", admin.RelatedOnlyFieldListFilter),
        "designations__list_name",
    )
    search_fields = ("name", "legal_name", "slug", "aliases_text", "wikidata_qid")
    autocomplete_fields = ("headquarters_country", "parent")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("headquarters_country", "parent")
    list_prefetch_related = ("designations",)
    count_related = {"citation_count": "citations"}
    inlines = (DesignationInline, VendorCitationInline)
    fieldsets = (
        (None, {"fields": ("name", "slug", "review_status")}),
        ("Identity", {"fields": ("legal_name", "aliases", "wikidata_qid", "website")}),
        ("Ownership", {"fields": ("headquarters_country", "parent", "ownership")}),
        (None, {"fields": ("description",)}),
    )

    designation_list = joined_column("designations", "designations", attribute="get_list_name_display")
    citation_count = count_column("citation_count", "citations")

    def get_queryset(self, request):
        # The aliases as one text, so that search (changelist and autocomplete) finds any of them.
        return (
            super()
            .get_queryset(request)
            .annotate(
                aliases_text=Func(
                    F("aliases"), Value("\n"), function="array_to_string", output_field=CharField()
                )
            )
        )


@admin.register(Designation)
class DesignationAdmin(RegistryModelAdmin):
    list_display = ("vendor", "list_name", "designated", "authority_reference", "source", "confidence")
    list_filter = ("list_name", "confidence")
    search_fields = ("vendor__name", "authority_reference", "source__title")
    autocomplete_fields = ("vendor", "source")
    list_select_related = ("vendor", "source")
    str_select_related = ("vendor",)

    designated = fuzzy_date_column("designated_on", "designated")


@admin.register(VendorCitation)
class VendorCitationAdmin(CitationAdmin):
    pass
