"""Deployments (with everything known about them and who says so), contracts, camera counts,
technologies and places."""

from rest_framework import serializers

from api.serializers.fields import (
    FilteredListLinkField,
    FuzzyDateDisplayField,
    FuzzyDatePrecisionField,
    HistoryLinkField,
    LinkField,
)
from api.serializers.refs import (
    CitationSerializer,
    CountryRefSerializer,
    DeploymentRefSerializer,
    LegalFrameworkRefSerializer,
    PlaceRefSerializer,
    PublicBodyRefSerializer,
    SourceRefSerializer,
    TechnologyRefSerializer,
)
from deployments.models import (
    CameraCount,
    Contract,
    ContractParty,
    Deployment,
    DeploymentVendor,
    Technology,
)


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


class CameraCountEntrySerializer(serializers.ModelSerializer):
    """One observation in a deployment's camera-count timeline."""

    url = LinkField("api:camera-count-detail", "public_id")
    as_of_display = FuzzyDateDisplayField(source="as_of")
    as_of_precision = FuzzyDatePrecisionField(source="as_of")
    place = PlaceRefSerializer(read_only=True, allow_null=True)
    source = SourceRefSerializer(read_only=True)

    class Meta:
        model = CameraCount
        fields = [
            "public_id",
            "url",
            "as_of",
            "as_of_display",
            "as_of_precision",
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
            "as_of",
            "as_of_display",
            "as_of_precision",
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
            "deployments",
            "citations",
            "updated_at",
        ]


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
    vendors = VendorRoleSerializer(source="vendor_roles", many=True, read_only=True)
    legal_frameworks = LegalFrameworkRefSerializer(many=True, read_only=True)
    contracts = ContractSummarySerializer(many=True, read_only=True)
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
            "purposes",
            "data_location",
            "data_managed_by",
            "governance_concerns",
            "vendors",
            "legal_frameworks",
            "contracts",
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


class PlaceSerializer(PlaceRefSerializer):
    country = CountryRefSerializer(read_only=True)
    parent = PlaceRefSerializer(read_only=True, allow_null=True)
    deployments = FilteredListLinkField("api:deployment-list", "place")

    class Meta(PlaceRefSerializer.Meta):
        fields = ["slug", "url", "name", "kind", "country", "parent", "latitude", "longitude", "deployments"]
