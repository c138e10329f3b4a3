"""Deployments (with everything known about them and who says so), contracts, camera counts,
events, measurements, technologies and places."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.links import cached_link
from api.serializers.fields import (
    FilteredListLinkField,
    FuzzyDateDisplayField,
    FuzzyDatePrecisionField,
    HistoryLinkField,
    LinkField,
    URLOrBlankField,
)
from api.serializers.refs import (
    CitationSerializer,
    ContractRefSerializer,
    CountryRefSerializer,
    DeploymentRefSerializer,
    LegalFrameworkRefSerializer,
    PlaceRefSerializer,
    PublicBodyRefSerializer,
    SourceRefSerializer,
    TechnologyRefSerializer,
)
from deployments.choices import PartyRole
from deployments.claims import CONCERNS, CONFIDENCE_CHOICES, PURPOSES, TECHNOLOGIES, ClaimList, item_claims
from deployments.models import (
    CameraCount,
    Contract,
    ContractParty,
    Deployment,
    DeploymentVendor,
    Event,
    Measurement,
    Organisation,
    StatedCost,
    Technology,
)
from deployments.models.contracts import PARTY_KINDS
from deployments.models.reported import AS_OF, REPORTED_ON


class VendorRoleSerializer(serializers.ModelSerializer):
    """A vendor in one role (a vendor with two roles appears twice)."""

    slug = serializers.CharField(source="vendor.slug", read_only=True)
    name = serializers.CharField(source="vendor.name", read_only=True)
    url = LinkField("api:vendor-detail", source="vendor")

    class Meta:
        model = DeploymentVendor
        fields = ["slug", "name", "url", "role", "notes"]


class ContractPartySerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="vendor.slug", read_only=True)
    name = serializers.CharField(source="vendor.name", read_only=True)
    url = LinkField("api:vendor-detail", source="vendor")

    class Meta:
        model = ContractParty
        fields = ["slug", "name", "url", "role"]


class MoneyField(serializers.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(max_digits=18, decimal_places=2, coerce_to_string=False, read_only=True, **kwargs)


# The API view of each kind of party's record.
PARTY_DETAIL_VIEWS = {
    "vendor": "api:vendor-detail",
    "public-body": "api:public-body-detail",
    "organisation": "api:organisation-detail",
}


@extend_schema_field(OpenApiTypes.URI)
class PartyLinkField(serializers.Field):
    """The API URL of the party's record: a vendor, a public body or an organisation."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", allow_null=True, **kwargs)

    def to_representation(self, value):
        return cached_link(self.context, PARTY_DETAIL_VIEWS[value.kind], "slug", value.party.slug)


class PartySerializer(serializers.ModelSerializer):
    """A party to a contract as one source gives it: which organisation, its OCDS roles, what it
    contributes, and who says so (``source`` null when the contract's own citations do)."""

    kind = serializers.ChoiceField(choices=list(PARTY_KINDS.values()), read_only=True)
    slug = serializers.CharField(source="party.slug", read_only=True)
    name = serializers.CharField(source="party.name", read_only=True)
    url = PartyLinkField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=PartyRole.choices), read_only=True)
    vendor_role = serializers.CharField(source="role", read_only=True)
    contribution_amount = MoneyField(allow_null=True)
    source = SourceRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ContractParty
        fields = [
            "kind",
            "slug",
            "name",
            "url",
            "roles",
            "vendor_role",
            "contribution_amount",
            "contribution_currency",
            "source",
            "locator",
            "confidence",
        ]


class StatedCostSerializer(serializers.ModelSerializer):
    """What a source says the deployment cost, or what was spent on it, over a period."""

    amount = MoneyField()
    period_start_display = FuzzyDateDisplayField(source="period_start")
    period_end_display = FuzzyDateDisplayField(source="period_end")
    source = SourceRefSerializer(read_only=True)

    class Meta:
        model = StatedCost
        fields = [
            "description",
            "qualifier",
            "amount",
            "currency",
            "period_start",
            "period_start_display",
            "period_end",
            "period_end_display",
            "source",
            "locator",
            "confidence",
        ]


class StatedCostDetailSerializer(StatedCostSerializer):
    """A stated cost on its own (the ``stated-costs`` list): which deployment, and its own URL."""

    url = LinkField("api:stated-cost-detail", "public_id")
    deployment = DeploymentRefSerializer(read_only=True)
    country = CountryRefSerializer(source="deployment.country", read_only=True)

    class Meta(StatedCostSerializer.Meta):
        fields = ["public_id", "url", "deployment", "country", *StatedCostSerializer.Meta.fields]


class ReportedDateSerializer(serializers.ModelSerializer):
    """The dates of a figure (deployments/models/reported.py): ``as_of`` (blank when the source gives
    none), ``reported_on`` (the source's published date) and the one its timeline uses."""

    as_of_display = FuzzyDateDisplayField(source="as_of")
    as_of_precision = FuzzyDatePrecisionField(source="as_of")
    reported_on = serializers.CharField(
        source="source.published_on", read_only=True, help_text="The source's published date."
    )
    timeline_date_basis = serializers.ChoiceField(
        choices=[AS_OF, REPORTED_ON],
        read_only=True,
        help_text="Which date timeline_date is: the figure's as_of, or (none given) its source's reported_on.",
    )
    place = PlaceRefSerializer(read_only=True, allow_null=True)
    source = SourceRefSerializer(read_only=True)

    # The fields, in order, that come between the url and the figure itself.
    DATES = [
        "as_of",
        "as_of_display",
        "as_of_precision",
        "reported_on",
        "timeline_date",
        "timeline_date_basis",
    ]


class CameraCountEntrySerializer(ReportedDateSerializer):
    """One observation in a deployment's camera-count timeline."""

    url = LinkField("api:camera-count-detail", "public_id")

    class Meta:
        model = CameraCount
        fields = [
            "public_id",
            "url",
            *ReportedDateSerializer.DATES,
            "qualifier",
            "cameras",
            "locations",
            "kind",
            "phase",
            "place",
            "source",
            "locator",
            "confidence",
            "notes",
        ]


class CameraCountSerializer(CameraCountEntrySerializer):
    deployment = DeploymentRefSerializer(read_only=True)
    country = CountryRefSerializer(source="deployment.country", read_only=True)

    class Meta(CameraCountEntrySerializer.Meta):
        fields = [
            "public_id",
            "url",
            "deployment",
            "country",
            *ReportedDateSerializer.DATES,
            "qualifier",
            "cameras",
            "locations",
            "kind",
            "phase",
            "place",
            "source",
            "locator",
            "confidence",
            "notes",
            "updated_at",
        ]


class EventSerializer(serializers.ModelSerializer):
    """One dated step of a deployment's history, as one source tells it."""

    url = LinkField("api:event-detail", "public_id")
    deployment = DeploymentRefSerializer(read_only=True)
    country = CountryRefSerializer(source="deployment.country", read_only=True)
    contract = ContractRefSerializer(read_only=True, allow_null=True)
    legal_framework = LegalFrameworkRefSerializer(read_only=True, allow_null=True)
    occurred_on_display = FuzzyDateDisplayField(source="occurred_on")
    occurred_on_precision = FuzzyDatePrecisionField(source="occurred_on")
    source = SourceRefSerializer(read_only=True)

    class Meta:
        model = Event
        fields = [
            "public_id",
            "url",
            "deployment",
            "country",
            "kind",
            "occurred_on",
            "occurred_on_display",
            "occurred_on_precision",
            "description",
            "contract",
            "legal_framework",
            "source",
            "locator",
            "quote",
            "confidence",
            "notes",
            "updated_at",
        ]


class MeasurementSerializer(ReportedDateSerializer):
    """A figure about a deployment other than its cameras (locations, centres, staff, sensors)."""

    url = LinkField("api:measurement-detail", "public_id")
    deployment = DeploymentRefSerializer(read_only=True)
    country = CountryRefSerializer(source="deployment.country", read_only=True)

    class Meta:
        model = Measurement
        fields = [
            "public_id",
            "url",
            "deployment",
            "country",
            "what",
            *ReportedDateSerializer.DATES,
            "qualifier",
            "quantity",
            "place",
            "source",
            "locator",
            "confidence",
            "notes",
            "updated_at",
        ]


class ContractSummarySerializer(serializers.ModelSerializer):
    """A contract as embedded in a deployment."""

    url = LinkField("api:contract-detail")
    signed_on_display = FuzzyDateDisplayField(source="signed_on")
    value_amount = MoneyField(allow_null=True)
    buyer = PublicBodyRefSerializer(read_only=True)
    vendors = ContractPartySerializer(source="parties", many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "slug",
            "url",
            "name",
            "kind",
            "signed_on",
            "signed_on_display",
            "value_amount",
            "value_currency",
            "disclosure",
            "buyer",
            "vendors",
        ]


class ContractSerializer(ContractSummarySerializer):
    signed_on_precision = FuzzyDatePrecisionField(source="signed_on")
    buyer_country = CountryRefSerializer(source="buyer.country", read_only=True)
    parties = PartySerializer(source="public_parties", many=True, read_only=True)
    deployments = DeploymentRefSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(ContractSummarySerializer.Meta):
        fields = [
            "slug",
            "url",
            "name",
            "summary",
            "kind",
            "signed_on",
            "signed_on_display",
            "signed_on_precision",
            "value_amount",
            "value_currency",
            "value_note",
            "financing",
            "disclosure",
            "procurement_method",
            "buyer",
            "buyer_country",
            "vendors",
            "parties",
            "deployments",
            "citations",
            "updated_at",
        ]


def claims_field(claims: ClaimList) -> serializers.Field:
    """``<name>_claims``: each item of the list with its confidence and the sources citing it
    (deployments/claims.py)."""
    item = type(
        f"{claims.name.capitalize()}ClaimSerializer",
        (serializers.Serializer,),
        {
            claims.name: serializers.CharField(read_only=True),
            "confidence": serializers.ChoiceField(choices=CONFIDENCE_CHOICES, read_only=True),
            "sources": serializers.ListField(child=serializers.SlugField(), read_only=True),
        },
    )

    @extend_schema_field(item(many=True))
    class ClaimsField(serializers.Field):
        def __init__(self, **kwargs):
            super().__init__(read_only=True, source="*", **kwargs)

        def to_representation(self, deployment):
            return item_claims(deployment, claims)

    return ClaimsField()


class DeploymentSummarySerializer(serializers.ModelSerializer):
    """A deployment in a list: everything but its camera-count timeline, which can be long and has
    its own filtered list (``camera_counts_url``), so a page's cost does not grow with the counts."""

    url = LinkField("api:deployment-detail")
    country = CountryRefSerializer(read_only=True)
    region = serializers.CharField(source="country.region", read_only=True)
    places = PlaceRefSerializer(many=True, read_only=True)
    operator = PublicBodyRefSerializer(read_only=True, allow_null=True)
    started_on_display = FuzzyDateDisplayField(source="started_on")
    started_on_precision = FuzzyDatePrecisionField(source="started_on")
    ended_on_display = FuzzyDateDisplayField(source="ended_on")
    ended_on_precision = FuzzyDatePrecisionField(source="ended_on")
    technologies = TechnologyRefSerializer(many=True, read_only=True)
    technology_claims = claims_field(TECHNOLOGIES)
    purpose_claims = claims_field(PURPOSES)
    concern_claims = claims_field(CONCERNS)
    vendors = VendorRoleSerializer(source="vendor_roles", many=True, read_only=True)
    legal_frameworks = LegalFrameworkRefSerializer(many=True, read_only=True)
    contracts = ContractSummarySerializer(many=True, read_only=True)
    stated_costs = StatedCostSerializer(many=True, read_only=True)
    events_url = FilteredListLinkField("api:event-list", "deployment")
    camera_counts_url = FilteredListLinkField("api:camera-count-list", "deployment")
    citations = CitationSerializer(many=True, read_only=True)
    history_url = HistoryLinkField("deployment")

    class Meta:
        model = Deployment
        fields = [
            "slug",
            "url",
            "name",
            "summary",
            "country",
            "region",
            "places",
            "operator",
            "status",
            "started_on",
            "started_on_display",
            "started_on_precision",
            "ended_on",
            "ended_on_display",
            "ended_on_precision",
            "technologies",
            "technology_claims",
            "purposes",
            "purpose_claims",
            "data_location",
            "data_managed_by",
            "governance_concerns",
            "concern_claims",
            "vendors",
            "legal_frameworks",
            "contracts",
            "stated_costs",
            "events_url",
            "camera_counts_url",
            "citations",
            "updated_at",
            "history_url",
        ]


class DeploymentSerializer(DeploymentSummarySerializer):
    """What we know about a deployment, and who says so: the summary and its camera-count timeline."""

    camera_counts = CameraCountEntrySerializer(many=True, read_only=True)

    class Meta(DeploymentSummarySerializer.Meta):
        fields = [
            *DeploymentSummarySerializer.Meta.fields[:-4],
            "camera_counts",
            *DeploymentSummarySerializer.Meta.fields[-4:],
        ]


class TechnologySerializer(serializers.ModelSerializer):
    url = LinkField("api:technology-detail")
    deployments = FilteredListLinkField("api:deployment-list", "technology")

    class Meta:
        model = Technology
        fields = ["slug", "url", "name", "description", "biometric", "deployments"]


class PublicBodySerializer(PublicBodyRefSerializer):
    """A buyer or operator: a ministry, municipality, regional government, police force or agency."""

    country = CountryRefSerializer(read_only=True)
    place = PlaceRefSerializer(read_only=True, allow_null=True)
    parent = PublicBodyRefSerializer(read_only=True, allow_null=True)
    website = URLOrBlankField()
    deployments = FilteredListLinkField("api:deployment-list", "operator")
    contracts = FilteredListLinkField("api:contract-list", "buyer")

    class Meta(PublicBodyRefSerializer.Meta):
        fields = [
            "slug",
            "url",
            "name",
            "kind",
            "country",
            "place",
            "parent",
            "website",
            "deployments",
            "contracts",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    """A party to contracts that is neither a vendor nor a public body: a foreign state, a lender, a
    research centre, an international or civil society organisation."""

    url = LinkField("api:organisation-detail")
    country = CountryRefSerializer(read_only=True, allow_null=True)
    website = URLOrBlankField()
    contracts = FilteredListLinkField("api:contract-list", "organisation")

    class Meta:
        model = Organisation
        fields = ["slug", "url", "name", "kind", "country", "website", "notes", "contracts"]


class PlaceSerializer(PlaceRefSerializer):
    country = CountryRefSerializer(read_only=True)
    parent = PlaceRefSerializer(read_only=True, allow_null=True)
    deployments = FilteredListLinkField("api:deployment-list", "place")

    class Meta(PlaceRefSerializer.Meta):
        fields = ["slug", "url", "name", "kind", "country", "parent", "latitude", "longitude", "deployments"]
