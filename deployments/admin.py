from django.contrib import admin

from deployments.models import (
    CameraCount,
    Contract,
    ContractCitation,
    ContractParty,
    Deployment,
    DeploymentCitation,
    DeploymentVendor,
    Place,
    PublicBody,
    Technology,
)
from registry.admin_utils import (
    CitationAdmin,
    CitationInline,
    RegistryModelAdmin,
    RegistryTabularInline,
    array_choice_filter,
    count_column,
    fuzzy_date_column,
    joined_column,
)


@admin.register(Technology)
class TechnologyAdmin(RegistryModelAdmin):
    list_display = ("name", "slug", "biometric", "deployment_count")
    list_filter = ("biometric",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    count_related = {"deployment_count": "deployments"}

    deployment_count = count_column("deployment_count", "deployments")


@admin.register(Place)
class PlaceAdmin(RegistryModelAdmin):
    list_display = ("name", "kind", "country", "parent", "latitude", "longitude")
    list_filter = ("kind", "country__region", ("country", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "slug", "country__name", "country__code")
    autocomplete_fields = ("country", "parent")
    prepopulated_fields = {"slug": ("name",)}
    str_select_related = ("country",)
    list_select_related = ("country", "parent__country")
    fields = ("name", "slug", "kind", "country", "parent", ("latitude", "longitude"))


@admin.register(PublicBody)
class PublicBodyAdmin(RegistryModelAdmin):
    list_display = ("name", "kind", "country", "place", "parent")
    list_filter = ("kind", "country__region", ("country", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "slug", "country__name")
    autocomplete_fields = ("country", "place", "parent")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("country", "place__country", "parent")
    fields = ("name", "slug", "kind", "country", "place", "parent", "website")


class DeploymentVendorInline(RegistryTabularInline):
    model = DeploymentVendor
    fields = ("vendor", "role", "notes")
    autocomplete_fields = ("vendor",)
    str_select_related = ("vendor", "deployment")


class CameraCountInline(RegistryTabularInline):
    model = CameraCount
    fields = (
        "as_of",
        "cameras",
        "locations",
        "kind",
        "phase",
        "place",
        "source",
        "locator",
        "confidence",
        "review_status",
    )
    readonly_fields = ("review_status",)  # changed only by the workflow, on the count's own page
    autocomplete_fields = ("place", "source")
    str_select_related = ("deployment",)


class DeploymentCitationInline(CitationInline):
    model = DeploymentCitation


@admin.register(Deployment)
class DeploymentAdmin(RegistryModelAdmin):
    list_display = (
        "name",
        "country",
        "status",
        "started",
        "ended",
        "vendor_list",
        "review_status",
        "citation_count",
        "updated_at",
    )
    list_filter = (
        "review_status",
        "status",
        "country__region",
        ("country", admin.RelatedOnlyFieldListFilter),
        ("technologies", admin.RelatedOnlyFieldListFilter),
        ("vendors", admin.RelatedOnlyFieldListFilter),
        "data_location",
        array_choice_filter("governance_concerns", "governance concern"),
        array_choice_filter("purposes", "purpose"),
    )
    search_fields = ("name", "slug", "summary", "country__name", "operator__name", "vendors__name")
    autocomplete_fields = ("country", "places", "operator", "technologies", "legal_frameworks")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("country",)
    list_prefetch_related = ("vendors",)
    count_related = {"citation_count": "citations"}
    inlines = (DeploymentVendorInline, CameraCountInline, DeploymentCitationInline)
    fieldsets = (
        (None, {"fields": ("name", "slug", "review_status", "summary")}),
        ("Where", {"fields": ("country", "places", "operator")}),
        ("When", {"fields": ("status", ("started_on", "ended_on"))}),
        ("What", {"fields": ("technologies", "purposes")}),
        (
            "Data and governance",
            {"fields": ("data_location", "data_managed_by", "governance_concerns", "legal_frameworks")},
        ),
    )

    started = fuzzy_date_column("started_on", "started")
    ended = fuzzy_date_column("ended_on", "ended")
    vendor_list = joined_column("vendors", "vendors")
    citation_count = count_column("citation_count", "citations")


class ContractPartyInline(RegistryTabularInline):
    model = ContractParty
    fields = ("vendor", "role")
    autocomplete_fields = ("vendor",)
    str_select_related = ("vendor",)


class ContractCitationInline(CitationInline):
    model = ContractCitation


@admin.register(Contract)
class ContractAdmin(RegistryModelAdmin):
    list_display = (
        "name",
        "kind",
        "buyer",
        "buyer_country",
        "signed",
        "value",
        "disclosure",
        "procurement_method",
        "vendor_list",
        "review_status",
        "citation_count",
    )
    list_filter = (
        "review_status",
        "kind",
        "disclosure",
        "procurement_method",
        "buyer__country__region",
        ("buyer__country", admin.RelatedOnlyFieldListFilter),
        ("vendors", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "slug", "summary", "buyer__name", "vendors__name", "financing")
    autocomplete_fields = ("buyer", "deployments")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("buyer__country",)
    list_prefetch_related = ("vendors",)
    count_related = {"citation_count": "citations"}
    inlines = (ContractPartyInline, ContractCitationInline)
    fieldsets = (
        (None, {"fields": ("name", "slug", "review_status", "kind", "summary")}),
        ("Parties", {"fields": ("buyer", "deployments")}),
        ("Value", {"fields": ("signed_on", ("value_amount", "value_currency"), "value_note", "financing")}),
        ("Procurement", {"fields": ("procurement_method", "disclosure")}),
    )

    signed = fuzzy_date_column("signed_on", "signed")
    vendor_list = joined_column("vendors", "vendors")
    citation_count = count_column("citation_count", "citations")

    @admin.display(description="country", ordering="buyer__country__name")
    def buyer_country(self, obj):
        return obj.buyer.country

    @admin.display(description="value", ordering="value_amount")
    def value(self, obj):
        if obj.value_amount is None:
            return ""
        amount = obj.value_amount
        shown = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
        return f"{shown} {obj.value_currency}" + (f" ({obj.value_note})" if obj.value_note else "")


@admin.register(CameraCount)
class CameraCountAdmin(RegistryModelAdmin):
    list_display = (
        "deployment",
        "as_of_display",
        "cameras",
        "locations",
        "kind",
        "phase",
        "place",
        "source",
        "confidence",
        "review_status",
    )
    list_filter = (
        ("deployment__country", admin.RelatedOnlyFieldListFilter),
        "kind",
        "review_status",
        "confidence",
    )
    search_fields = ("deployment__name", "phase", "notes", "source__title", "place__name")
    autocomplete_fields = ("deployment", "place", "source")
    str_select_related = ("deployment",)
    list_select_related = ("deployment", "place__country", "source")
    readonly_fields = ("public_id",)
    fieldsets = (
        (None, {"fields": ("deployment", "place", "review_status")}),
        ("Observation", {"fields": ("as_of", "kind", "cameras", "locations", "phase")}),
        ("Source", {"fields": ("source", "locator", "confidence", "notes")}),
        (None, {"fields": ("public_id",)}),
    )

    as_of_display = fuzzy_date_column("as_of", "as of")


@admin.register(DeploymentCitation)
class DeploymentCitationAdmin(CitationAdmin):
    pass


@admin.register(ContractCitation)
class ContractCitationAdmin(CitationAdmin):
    pass
