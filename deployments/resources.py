"""Import and export of deployments and what hangs off them (see registry/imports/resources.py)."""

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
from registry.imports.resources import CitationResource, RegistryResource


class TechnologyResource(RegistryResource):
    class Meta:
        model = Technology
        fields = ("slug", "name", "description", "biometric", "review_status", "version")
        import_id_fields = ("slug",)


class PlaceResource(RegistryResource):
    class Meta:
        model = Place
        fields = (
            "slug",
            "name",
            "kind",
            "country",
            "parent",
            "latitude",
            "longitude",
            "review_status",
            "version",
        )
        import_id_fields = ("slug",)


class PublicBodyResource(RegistryResource):
    class Meta:
        model = PublicBody
        fields = (
            "slug",
            "name",
            "kind",
            "country",
            "place",
            "parent",
            "website",
            "review_status",
            "version",
        )
        import_id_fields = ("slug",)


class DeploymentResource(RegistryResource):
    class Meta:
        model = Deployment
        fields = (
            "slug",
            "name",
            "summary",
            "country",
            "places",
            "operator",
            "status",
            "started_on",
            "ended_on",
            "technologies",
            "purposes",
            "data_location",
            "data_managed_by",
            "governance_concerns",
            "legal_frameworks",
            "review_status",
            "version",
        )
        import_id_fields = ("slug",)


class DeploymentVendorResource(RegistryResource):
    class Meta:
        model = DeploymentVendor
        fields = ("deployment", "vendor", "role", "notes")
        import_id_fields = ("deployment", "vendor", "role")


class ContractResource(RegistryResource):
    class Meta:
        model = Contract
        fields = (
            "slug",
            "name",
            "summary",
            "kind",
            "buyer",
            "signed_on",
            "value_amount",
            "value_currency",
            "value_note",
            "financing",
            "disclosure",
            "procurement_method",
            "deployments",
            "review_status",
            "version",
        )
        import_id_fields = ("slug",)


class OrganisationResource(RegistryResource):
    class Meta:
        model = Organisation
        fields = ("slug", "name", "kind", "country", "website", "notes", "review_status", "version")
        import_id_fields = ("slug",)


class ContractPartyResource(RegistryResource):
    """A party is found again by contract, party and source: one row per party and source."""

    class Meta:
        model = ContractParty
        fields = (
            "contract",
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
        import_id_fields = ("contract", "vendor", "public_body", "organisation", "source")


class StatedCostResource(RegistryResource):
    class Meta:
        model = StatedCost
        fields = (
            "deployment",
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
        import_id_fields = ("deployment", "source", "description")


class CameraCountResource(RegistryResource):
    class Meta:
        model = CameraCount
        fields = (
            "public_id",
            "deployment",
            "place",
            "as_of",
            "qualifier",
            "cameras",
            "locations",
            "kind",
            "phase",
            "source",
            "locator",
            "confidence",
            "notes",
            "review_status",
            "version",
        )
        import_id_fields = ("public_id",)


class EventResource(RegistryResource):
    class Meta:
        model = Event
        fields = (
            "public_id",
            "deployment",
            "kind",
            "occurred_on",
            "description",
            "contract",
            "legal_framework",
            "source",
            "locator",
            "quote",
            "confidence",
            "notes",
            "review_status",
            "version",
        )
        import_id_fields = ("public_id",)


class MeasurementResource(RegistryResource):
    class Meta:
        model = Measurement
        fields = (
            "public_id",
            "deployment",
            "place",
            "what",
            "as_of",
            "qualifier",
            "quantity",
            "source",
            "locator",
            "confidence",
            "notes",
            "review_status",
            "version",
        )
        import_id_fields = ("public_id",)


class DeploymentCitationResource(CitationResource):
    class Meta:
        model = DeploymentCitation


class ContractCitationResource(CitationResource):
    class Meta:
        model = ContractCitation


# In dependency order: a file only refers to records of the files before it (or of earlier rows).
RESOURCES = [
    TechnologyResource,
    PlaceResource,
    PublicBodyResource,
    DeploymentResource,
    DeploymentVendorResource,
    OrganisationResource,
    ContractResource,
    ContractPartyResource,
    CameraCountResource,
    StatedCostResource,
    EventResource,
    MeasurementResource,
    DeploymentCitationResource,
    ContractCitationResource,
]
