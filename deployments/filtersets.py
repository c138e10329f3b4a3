"""FilterSets of deployments, contracts, camera counts, places and technologies.

Every relation is filtered by its public identifier (ISO code or slug), as NetBox's
circuits/filtersets.py; a draft record's slug is as unknown as a made-up one (400).
"""

import django_filters

from deployments.choices import (
    CameraCountKind,
    ContractKind,
    DataLocation,
    DeploymentStatus,
    Disclosure,
    GovernanceConcern,
    PlaceKind,
    ProcurementMethod,
    Purpose,
)
from deployments.models import CameraCount, Contract, Deployment, Place, Technology
from deployments.selectors import places, public_bodies, published_deployments, technologies
from registry.choices import Region
from registry.fields import CURRENCY_CODES
from registry.filtersets import (
    BooleanChoiceFilter,
    FuzzyDateFilter,
    PublicFilterSet,
    by_choice,
    by_code,
    by_slug,
    containing_all,
)
from registry.selectors import published_legal_frameworks
from vendors.selectors import published_vendors


class DeploymentFilterSet(PublicFilterSet):
    country = by_code("country")
    region = by_choice("country__region", Region.choices)
    place = by_slug("places", places(), "Place slug.")
    vendor = by_slug("vendors", published_vendors(), "Vendor slug, e.g. huawei.")
    technology = by_slug("technologies", technologies(), "Technology slug, e.g. facial-recognition.")
    status = by_choice("status", DeploymentStatus.choices)
    operator = by_slug("operator", public_bodies(), "Operator (public body) slug.")
    data_location = by_choice("data_location", DataLocation.choices)
    concern = containing_all("governance_concerns", GovernanceConcern.choices, "Governance concern.")
    purpose = containing_all("purposes", Purpose.choices, "Purpose.")
    legal_framework = by_slug("legal_frameworks", published_legal_frameworks(), "Legal framework slug.")
    started_after = FuzzyDateFilter(field_name="started_on", bound="after")
    started_before = FuzzyDateFilter(field_name="started_on", bound="before")

    class Meta:
        model = Deployment
        fields = [
            "country",
            "region",
            "place",
            "vendor",
            "technology",
            "status",
            "operator",
            "data_location",
            "concern",
            "purpose",
            "legal_framework",
            "started_after",
            "started_before",
        ]


class ContractFilterSet(PublicFilterSet):
    vendor = by_slug("vendors", published_vendors(), "Vendor slug (any role).")
    buyer = by_slug("buyer", public_bodies(), "Buyer (public body) slug.")
    buyer_country = by_code("buyer__country")
    deployment = by_slug("deployments", published_deployments(), "Deployment slug.")
    kind = by_choice("kind", ContractKind.choices)
    signed_after = FuzzyDateFilter(field_name="signed_on", bound="after")
    signed_before = FuzzyDateFilter(field_name="signed_on", bound="before")
    value_min = django_filters.NumberFilter(
        field_name="value_amount", lookup_expr="gte", help_text="In its currency."
    )
    value_max = django_filters.NumberFilter(
        field_name="value_amount", lookup_expr="lte", help_text="In its currency."
    )
    currency = by_choice(
        "value_currency", [(code, code) for code in CURRENCY_CODES], "ISO 4217 code, e.g. EUR."
    )
    disclosure = by_choice("disclosure", Disclosure.choices)
    procurement_method = by_choice("procurement_method", ProcurementMethod.choices)

    class Meta:
        model = Contract
        fields = [
            "vendor",
            "buyer",
            "buyer_country",
            "deployment",
            "kind",
            "signed_after",
            "signed_before",
            "value_min",
            "value_max",
            "currency",
            "disclosure",
            "procurement_method",
        ]


class CameraCountFilterSet(PublicFilterSet):
    deployment = by_slug("deployment", published_deployments(), "Deployment slug.")
    country = by_code("deployment__country")
    place = by_slug("place", places(), "Place slug.")
    kind = by_choice("kind", CameraCountKind.choices)
    as_of_after = FuzzyDateFilter(field_name="as_of", bound="after")
    as_of_before = FuzzyDateFilter(field_name="as_of", bound="before")

    class Meta:
        model = CameraCount
        fields = ["deployment", "country", "place", "kind", "as_of_after", "as_of_before"]


class PlaceFilterSet(PublicFilterSet):
    country = by_code("country")
    kind = by_choice("kind", PlaceKind.choices)
    parent = by_slug("parent", places(), "Parent place slug.")
    has_coordinates = BooleanChoiceFilter(method="filter_has_coordinates")

    class Meta:
        model = Place
        fields = ["country", "kind", "parent", "has_coordinates"]

    def filter_has_coordinates(self, queryset, name, value):
        return queryset.filter(latitude__isnull=value != "true")


class TechnologyFilterSet(PublicFilterSet):
    biometric = BooleanChoiceFilter(field_name="biometric")

    class Meta:
        model = Technology
        fields = ["biometric"]
