"""FilterSets of deployments, contracts, camera counts, measurements, events, places, public bodies and technologies.

Every relation is filtered by its public identifier (ISO code or slug), as NetBox's
circuits/filtersets.py; a draft record's slug is as unknown as a made-up one (400).
"""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field as documented_as
from rest_framework.exceptions import ValidationError

from deployments.choices import (
    CameraCountKind,
    ContractKind,
    DataLocation,
    DeploymentStatus,
    Disclosure,
    EventKind,
    GovernanceConcern,
    MeasuredThing,
    OrganisationKind,
    PlaceKind,
    ProcurementMethod,
    PublicBodyKind,
    Purpose,
    Qualifier,
)
from deployments.claims import CLAIM_LISTS, CONFIDENCE_CHOICES, with_confidence
from deployments.models import (
    AnyCitation,
    CameraCount,
    Contract,
    Deployment,
    Event,
    Measurement,
    Organisation,
    Place,
    PublicBody,
    StatedCost,
    Technology,
)
from deployments.models.citations import RECORD_KINDS
from deployments.selectors import (
    organisations,
    places,
    places_within,
    public_bodies,
    published_contract_parties,
    published_contracts,
    published_deployments,
    technologies,
)
from registry.choices import Confidence, Region, ReviewStatus
from registry.curation.models import is_curated
from registry.fields import CURRENCY_CODES
from registry.filtersets import (
    SLUG_PATTERN,
    SLUG_VALIDATOR,
    BooleanChoiceFilter,
    FuzzyDateFilter,
    PublicFilterSet,
    RelatedChoiceFilter,
    by_choice,
    by_code,
    by_slug,
    containing_all,
    crosses_many,
    matching_ids,
)
from registry.selectors import published_legal_frameworks, published_sources
from vendors.selectors import published_vendors

TIMELINE_DATE_HELP = (
    "YYYY, YYYY-MM or YYYY-MM-DD; inclusive. Compared with timeline_date: as_of, or the source's "
    "published date when the source gives no as_of."
)


class PlaceTreeFilter(RelatedChoiceFilter):
    """``place=sardinia``: records in the place or any published place inside it (Cagliari, Pula);
    a nationwide place at the top of its country's tree (``place=italy``) is the whole country: the
    same records as ``country=IT``, also those whose place was never recorded.

    ``paths`` are the relations to places (one matching is enough); ``country_path`` the record's
    country.
    """

    def __init__(self, *args, paths: tuple[str, ...], country_path: str, **kwargs):
        self.paths, self.country_path = paths, country_path
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        chosen = self.chosen(value)
        if not chosen:
            return qs
        # A whole country is its country filter (an OR of it with the places inside made PostgreSQL
        # scan the country's deployments: 10x slower, bench/places_and_claims.py).
        countries = [place.country_id for place in chosen if is_whole_country(place)]
        condition = Q()
        if countries:
            condition = Q(**{f"{self.country_path}__in": countries}) & published_on_the_way(
                qs.model, self.country_path
            )
        parts = [place for place in chosen if not is_whole_country(place)]
        if parts:
            within = places_within(parts)
            for path in self.paths:
                in_place = Q(**{f"{path}__in": within}) & published_on_the_way(qs.model, path)
                if crosses_many(qs.model, path):
                    in_place = Q(pk__in=matching_ids(qs.model, path, in_place))
                condition |= in_place
        return qs.filter(condition)


class PublicPartyFilter(RelatedChoiceFilter):
    """Contracts to which any of the given vendors or organisations is a party the public sees
    (``published_contract_parties``): a party row whose source is still a draft does not count, as
    the contract's ``parties`` list does not show it. ``party`` is the party's relation."""

    def __init__(self, *args, party: str, **kwargs):
        self.party = party
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        chosen = self.chosen(value)
        if not chosen:
            return qs
        parties = published_contract_parties().filter(**{f"{self.party}__in": chosen})
        return qs.filter(pk__in=parties.values("contract_id"))


def published_on_the_way(model, path: str) -> Q:
    """The records a relation path passes through (a contract's deployments, its buyer) must be
    published: a place reached through a draft would find a record whose public page never shows
    the link. In the same ``filter()`` as the place, so it is the same related row."""
    condition, prefix = Q(), []
    for part in path.split("__")[:-1]:
        prefix.append(part)
        model = model._meta.get_field(part).related_model
        if is_curated(model):
            condition &= Q(**{"__".join(prefix) + "__review_status": ReviewStatus.PUBLISHED})
    return condition


def is_whole_country(place: Place) -> bool:
    return place.kind == PlaceKind.NATIONWIDE and place.parent_id is None


def by_place(*paths: str, country_path: str) -> PlaceTreeFilter:
    """A place filter (by slug) that takes in the places inside the given ones."""
    return by_slug(
        "place",
        places(),
        "Place slug; places inside it count too (sardinia: Cagliari, Pula), and a nationwide place "
        "at the top of its country (italy) is the whole country.",
        filter_class=PlaceTreeFilter,
        paths=paths,
        country_path=country_path,
    )


class DeploymentFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        # Items asked for, valid or not: an unknown technology is its own error (404), not this one.
        if data.get("confidence") and not any(self[claims.name].value() for claims in CLAIM_LISTS):
            self.add_error(
                "confidence",
                "confidence qualifies the items asked for: give technology, purpose or concern with it "
                "(e.g. technology=facial-recognition&confidence=confirmed).",
            )
        return data


class DeploymentFilterSet(PublicFilterSet):
    country = by_code("country")
    region = by_choice("country__region", Region.choices)
    place = by_place("places", country_path="country")
    vendor = by_slug("vendors", published_vendors(), "Vendor slug, e.g. huawei.")
    technology = by_slug("technologies", technologies(), "Technology slug, e.g. facial-recognition.")
    status = by_choice("status", DeploymentStatus.choices)
    operator = by_slug("operator", public_bodies(), "Operator (public body) slug.")
    data_location = by_choice("data_location", DataLocation.choices)
    concern = containing_all("governance_concerns", GovernanceConcern.choices, "Governance concern.")
    purpose = containing_all("purposes", Purpose.choices, "Purpose.")
    confidence = by_choice(
        "confidence",
        CONFIDENCE_CHOICES,
        "With technology, purpose or concern: only where those items are at this confidence (an item's "
        "strongest citation; unsourced: no source cites it), e.g. technology=facial-recognition&"
        "confidence=confirmed.",
        method="filter_by_items",
    )
    legal_framework = by_slug("legal_frameworks", published_legal_frameworks(), "Legal framework slug.")
    started_after = FuzzyDateFilter(field_name="started_on", bound="after")
    started_before = FuzzyDateFilter(field_name="started_on", bound="before")

    class Meta:
        model = Deployment
        form = DeploymentFilterForm
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
            "confidence",
            "legal_framework",
            "started_after",
            "started_before",
        ]

    def filter_by_items(self, queryset, name, value):
        return queryset  # applied with the items it qualifies, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("confidence"):
            return queryset
        return with_confidence(
            queryset,
            data["confidence"],
            technologies=list(data.get("technology") or ()),
            purposes=data.get("purpose") or (),
            concerns=data.get("concern") or (),
        )


class ContractFilterSet(PublicFilterSet):
    vendor = by_slug(
        "vendors",
        published_vendors(),
        "Vendor slug (any role).",
        filter_class=PublicPartyFilter,
        party="vendor",
    )
    organisation = by_slug(
        "parties__organisation",
        organisations(),
        "Organisation slug (any party role).",
        filter_class=PublicPartyFilter,
        party="organisation",
    )
    buyer = by_slug("buyer", public_bodies(), "Buyer (public body) slug.")
    buyer_country = by_code("buyer__country")
    place = by_place("deployments__places", "buyer__place", country_path="buyer__country")
    deployment = by_slug("deployments", published_deployments(), "Deployment slug.")
    kind = by_choice("kind", ContractKind.choices)
    signed_after = FuzzyDateFilter(field_name="signed_on", bound="after")
    signed_before = FuzzyDateFilter(field_name="signed_on", bound="before")
    # django-filter refuses numbers above 1e50 (no float overflow): the schema says so.
    value_min = documented_as({"type": "number", "maximum": 1e50})(
        django_filters.NumberFilter(
            field_name="value_amount",
            lookup_expr="gte",
            help_text="At least this amount, in the one currency given with currency (required with it).",
        )
    )
    value_max = documented_as({"type": "number", "maximum": 1e50})(
        django_filters.NumberFilter(
            field_name="value_amount",
            lookup_expr="lte",
            help_text="At most this amount, in the one currency given with currency (required with it).",
        )
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
            "organisation",
            "buyer",
            "buyer_country",
            "place",
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

    def filter_queryset(self, queryset):
        # Amounts are compared as written, never converted: COP 200bn is not "over 10 million" in USD.
        data = self.form.cleaned_data
        bounded = data.get("value_min") is not None or data.get("value_max") is not None
        if bounded and len(data.get("currency") or ()) != 1:
            raise ValidationError(
                {
                    "currency": [
                        "value_min and value_max compare amounts in one currency: give exactly one "
                        "currency with them (e.g. currency=USD); amounts are not converted."
                    ]
                }
            )
        return super().filter_queryset(queryset)


class CameraCountFilterSet(PublicFilterSet):
    deployment = by_slug("deployment", published_deployments(), "Deployment slug.")
    country = by_code("deployment__country")
    place = by_place("place", country_path="deployment__country")
    kind = by_choice("kind", CameraCountKind.choices)
    # By the timeline's date: a count the source gives undated is dated by the source.
    as_of_after = FuzzyDateFilter(field_name="timeline_date", bound="after", help_text=TIMELINE_DATE_HELP)
    as_of_before = FuzzyDateFilter(field_name="timeline_date", bound="before", help_text=TIMELINE_DATE_HELP)

    class Meta:
        model = CameraCount
        fields = ["deployment", "country", "place", "kind", "as_of_after", "as_of_before"]


class EventFilterSet(PublicFilterSet):
    deployment = by_slug("deployment", published_deployments(), "Deployment slug.")
    country = by_code("deployment__country")
    contract = by_slug("contract", published_contracts(), "Slug of the contract the event concerns.")
    legal_framework = by_slug(
        "legal_framework", published_legal_frameworks(), "Slug of the legal framework the event concerns."
    )
    kind = by_choice("kind", EventKind.choices)
    confidence = by_choice("confidence", Confidence.choices)
    occurred_after = FuzzyDateFilter(field_name="occurred_on", bound="after")
    occurred_before = FuzzyDateFilter(field_name="occurred_on", bound="before")

    class Meta:
        model = Event
        fields = [
            "deployment",
            "country",
            "contract",
            "legal_framework",
            "kind",
            "confidence",
            "occurred_after",
            "occurred_before",
        ]


class MeasurementFilterSet(PublicFilterSet):
    deployment = by_slug("deployment", published_deployments(), "Deployment slug.")
    country = by_code("deployment__country")
    place = by_slug("place", places(), "Place slug.")
    what = by_choice("what", MeasuredThing.choices)
    as_of_after = FuzzyDateFilter(field_name="timeline_date", bound="after", help_text=TIMELINE_DATE_HELP)
    as_of_before = FuzzyDateFilter(field_name="timeline_date", bound="before", help_text=TIMELINE_DATE_HELP)

    class Meta:
        model = Measurement
        fields = ["deployment", "country", "place", "what", "as_of_after", "as_of_before"]


class StatedCostFilterSet(PublicFilterSet):
    deployment = by_slug("deployment", published_deployments(), "Deployment slug.")
    country = by_code("deployment__country")
    currency = by_choice("currency", [(code, code) for code in CURRENCY_CODES], "ISO 4217 code, e.g. COP.")
    qualifier = by_choice("qualifier", Qualifier.choices)
    confidence = by_choice("confidence", Confidence.choices)

    class Meta:
        model = StatedCost
        fields = ["deployment", "country", "currency", "qualifier", "confidence"]


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


class PublicBodyFilterSet(PublicFilterSet):
    country = by_code("country")
    kind = by_choice("kind", PublicBodyKind.choices)
    place = by_place("place", country_path="country")
    parent = by_slug("parent", public_bodies(), "Parent public body slug.")

    class Meta:
        model = PublicBody
        fields = ["country", "kind", "place", "parent"]


class OrganisationFilterSet(PublicFilterSet):
    country = by_code("country")
    kind = by_choice("kind", OrganisationKind.choices)

    class Meta:
        model = Organisation
        fields = ["country", "kind"]


class TechnologyFilterSet(PublicFilterSet):
    biometric = BooleanChoiceFilter(field_name="biometric")

    class Meta:
        model = Technology
        fields = ["biometric"]


class CitationFilterSet(PublicFilterSet):
    record_kind = by_choice("record_kind", [(kind, kind) for kind in RECORD_KINDS])
    record = documented_as({"type": "string", "pattern": SLUG_PATTERN})(
        django_filters.CharFilter(
            field_name="record_slug",
            validators=[SLUG_VALIDATOR],
            help_text="The cited record's slug (with record_kind: slugs are unique per kind only).",
        )
    )
    source = by_slug("source", published_sources(), "Source slug.")
    confidence = by_choice("confidence", Confidence.choices)
    field = documented_as({"type": "string", "pattern": "^[a-z_]*$"})(
        django_filters.CharFilter(
            field_name="field",
            validators=[RegexValidator(r"^[a-z_]*$", "A field name: lower-case letters and _.")],
            help_text="The field the citation supports (empty: the whole record).",
        )
    )

    class Meta:
        model = AnyCitation
        fields = ["record_kind", "record", "source", "confidence", "field"]
