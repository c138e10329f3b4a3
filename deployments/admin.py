from django.contrib import admin

from deployments.choices import qualified
from deployments.models import (
    CameraCount,
    Contract,
    ContractCitation,
    ContractParty,
    Deployment,
    DeploymentCitation,
    DeploymentVendor,
    Event,
    Measurement,
    Organisation,
    Place,
    PublicBody,
    StatedCost,
    Technology,
)
from registry.curation.admin_base import (
    CitationAdmin,
    CitationInline,
    RegistryModelAdmin,
    RegistryTabularInline,
    array_choice_filter,
    count_column,
    fuzzy_date_column,
    joined_column,
)

# Technologies, places, public bodies and organisations a curator adds (here or with a "+" beside a deployment's
# field) are drafts, public once a reviewer publishes them, like every other record.


@admin.register(Technology)
class TechnologyAdmin(RegistryModelAdmin):
    list_display = ("name", "slug", "biometric", "review_status", "deployment_count")
    list_filter = ("review_status", "biometric")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    count_related = {"deployment_count": "deployments"}
    fields = ("name", "slug", "review_status", "description", "biometric")

    deployment_count = count_column("deployment_count", "deployments")


@admin.register(Place)
class PlaceAdmin(RegistryModelAdmin):
    list_display = ("name", "kind", "country", "parent", "latitude", "longitude", "review_status")
    list_filter = (
        "review_status",
        "kind",
        "country__region",
        ("country", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "slug", "country__name", "country__code")
    autocomplete_fields = ("country", "parent")
    prepopulated_fields = {"slug": ("name",)}
    str_select_related = ("country",)
    list_select_related = ("country", "parent__country")
    fields = ("name", "slug", "review_status", "kind", "country", "parent", ("latitude", "longitude"))


@admin.register(PublicBody)
class PublicBodyAdmin(RegistryModelAdmin):
    list_display = ("name", "kind", "country", "place", "parent", "review_status")
    list_filter = (
        "review_status",
        "kind",
        "country__region",
        ("country", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "slug", "country__name")
    autocomplete_fields = ("country", "place", "parent")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("country", "place__country", "parent")
    fields = ("name", "slug", "review_status", "kind", "country", "place", "parent", "website")


class StatedCostInline(RegistryTabularInline):
    model = StatedCost
    fields = (
        "description",
        "qualifier",
        "amount",
        "currency",
        "period_start",
        "period_end",
        "source",
        "locator",
        "confidence",
    )
    autocomplete_fields = ("source",)
    str_select_related = ("deployment", "source")


class DeploymentVendorInline(RegistryTabularInline):
    model = DeploymentVendor
    fields = ("vendor", "role", "notes")
    autocomplete_fields = ("vendor",)
    str_select_related = ("vendor", "deployment")


class CameraCountInline(RegistryTabularInline):
    model = CameraCount
    fields = (
        "as_of",
        "qualifier",
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


class EventInline(RegistryTabularInline):
    model = Event
    fields = (
        "occurred_on",
        "kind",
        "description",
        "contract",
        "legal_framework",
        "source",
        "locator",
        "quote",
        "confidence",
        "review_status",
    )
    readonly_fields = ("review_status",)  # changed only by the workflow, on the event's own page
    autocomplete_fields = ("contract", "legal_framework", "source")


class MeasurementInline(RegistryTabularInline):
    model = Measurement
    fields = (
        "what",
        "as_of",
        "qualifier",
        "quantity",
        "place",
        "source",
        "locator",
        "confidence",
        "review_status",
    )
    readonly_fields = ("review_status",)  # changed only by the workflow, on the measurement's own page
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
    inlines = (
        DeploymentVendorInline,
        CameraCountInline,
        MeasurementInline,
        StatedCostInline,
        EventInline,
        DeploymentCitationInline,
    )
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


@admin.register(Organisation)
class OrganisationAdmin(RegistryModelAdmin):
    list_display = ("name", "kind", "country", "review_status")
    list_filter = ("review_status", "kind", ("country", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "slug", "notes")
    autocomplete_fields = ("country",)
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("country",)
    fields = ("name", "slug", "review_status", "kind", "country", "website", "notes")


class ContractPartyInline(RegistryTabularInline):
    """Each party once per source: exactly one of vendor, public body or organisation."""

    model = ContractParty
    fields = (
        "vendor",
        "public_body",
        "organisation",
        "roles",
        "role",
        "contribution_amount",
        "contribution_currency",
        "source",
        "locator",
        "confidence",
    )
    autocomplete_fields = ("vendor", "public_body", "organisation", "source")
    str_select_related = ("vendor", "public_body", "organisation", "source")


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


@admin.display(description="date", ordering="timeline_date")
def dated_column(model_admin, obj):
    """The date a figure is as of, else "reported" and its source's date."""
    return obj.dated_display()


def qualified_column(field: str, description: str):
    """A list column of a number with its qualifier's sign: "≥ 1,200"."""

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        return qualified(f"{getattr(obj, field):,}", obj.qualifier)

    return column


@admin.register(CameraCount)
class CameraCountAdmin(RegistryModelAdmin):
    list_display = (
        "deployment",
        "as_of_display",
        "qualified_cameras",
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
        "qualifier",
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
        ("Observation", {"fields": ("as_of", "kind", ("qualifier", "cameras"), "locations", "phase")}),
        ("Source", {"fields": ("source", "locator", "confidence", "notes")}),
        (None, {"fields": ("public_id",)}),
    )

    as_of_display = dated_column
    qualified_cameras = qualified_column("cameras", "cameras")


@admin.register(Measurement)
class MeasurementAdmin(RegistryModelAdmin):
    list_display = (
        "deployment",
        "what",
        "as_of_display",
        "qualified_quantity",
        "place",
        "source",
        "confidence",
        "review_status",
    )
    list_filter = (
        ("deployment__country", admin.RelatedOnlyFieldListFilter),
        "what",
        "qualifier",
        "review_status",
        "confidence",
    )
    search_fields = ("deployment__name", "notes", "source__title", "place__name")
    autocomplete_fields = ("deployment", "place", "source")
    str_select_related = ("deployment",)
    list_select_related = ("deployment", "place__country", "source")
    readonly_fields = ("public_id",)
    fieldsets = (
        (None, {"fields": ("deployment", "place", "review_status")}),
        ("Measurement", {"fields": ("what", "as_of", ("qualifier", "quantity"))}),
        ("Source", {"fields": ("source", "locator", "confidence", "notes")}),
        (None, {"fields": ("public_id",)}),
    )

    as_of_display = dated_column
    qualified_quantity = qualified_column("quantity", "quantity")


@admin.register(Event)
class EventAdmin(RegistryModelAdmin):
    list_display = (
        "deployment",
        "occurred_on_display",
        "kind",
        "contract",
        "legal_framework",
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
    search_fields = ("deployment__name", "description", "quote", "notes", "source__title")
    autocomplete_fields = ("deployment", "contract", "legal_framework", "source")
    str_select_related = ("deployment",)
    list_select_related = ("deployment", "contract", "legal_framework", "source")
    readonly_fields = ("public_id",)
    fieldsets = (
        (None, {"fields": ("deployment", "review_status")}),
        ("What happened", {"fields": ("occurred_on", "kind", "description", "contract", "legal_framework")}),
        ("Source", {"fields": ("source", "locator", "quote", "confidence", "notes")}),
        (None, {"fields": ("public_id",)}),
    )

    occurred_on_display = fuzzy_date_column("occurred_on", "date")


@admin.register(DeploymentCitation)
class DeploymentCitationAdmin(CitationAdmin):
    pass


@admin.register(ContractCitation)
class ContractCitationAdmin(CitationAdmin):
    pass
