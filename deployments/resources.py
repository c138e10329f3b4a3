"""Import and export of deployments and what hangs off them (see registry/resources.py)."""

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
from registry.resources import CitationResource, RegistryResource


class TechnologyResource(RegistryResource):
    class Meta:
        model = Technology
        fields = ("slug", "name", "description", "biometric")
        import_id_fields = ("slug",)


class PlaceResource(RegistryResource):
    class Meta:
        model = Place
        fields = ("slug", "name", "kind", "country", "parent", "latitude", "longitude")
        import_id_fields = ("slug",)


class PublicBodyResource(RegistryResource):
    class Meta:
        model = PublicBody
        fields = ("slug", "name", "kind", "country", "place", "parent", "website")
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


class ContractPartyResource(RegistryResource):
    class Meta:
        model = ContractParty
        fields = ("contract", "vendor", "role")
        import_id_fields = ("contract", "vendor", "role")


class CameraCountResource(RegistryResource):
    class Meta:
        model = CameraCount
        fields = (
            "public_id",
            "deployment",
            "place",
            "as_of",
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
    ContractResource,
    ContractPartyResource,
    CameraCountResource,
    DeploymentCitationResource,
    ContractCitationResource,
]
