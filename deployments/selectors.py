"""Reads the public surfaces share: every public queryset of deployments, contracts and camera
counts starts here, so a draft, in-review or retracted record is never shown, embedded or exported.

Technologies, places and public bodies are public reference data with no review status.
"""

from django.db.models import Prefetch, QuerySet

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
from registry.selectors import published_citations, published_legal_frameworks
from vendors.selectors import published_vendors


def technologies() -> QuerySet[Technology]:
    return Technology.objects.all()


def public_bodies() -> QuerySet[PublicBody]:
    return PublicBody.objects.all()


def places() -> QuerySet[Place]:
    return Place.objects.select_related("country", "parent")


def published_deployments() -> QuerySet[Deployment]:
    return Deployment.objects.published()


def published_contracts() -> QuerySet[Contract]:
    return Contract.objects.published()


def published_camera_counts() -> QuerySet[CameraCount]:
    """Published counts of published deployments, from published sources: ``is_public``, which the
    database keeps (deployments/derived.py), so lists need not join the three tables to know it."""
    return CameraCount.objects.filter(is_public=True)


def published_parties() -> QuerySet[ContractParty]:
    return ContractParty.objects.filter(vendor__in=published_vendors()).select_related("vendor")


def published_vendor_roles() -> QuerySet[DeploymentVendor]:
    return DeploymentVendor.objects.filter(vendor__in=published_vendors()).select_related("vendor")


def published_law_links() -> QuerySet:
    """Links of deployments to published legal frameworks (the many-to-many table)."""
    return Deployment.legal_frameworks.through.objects.filter(legalframework__in=published_legal_frameworks())


def published_contract_links() -> QuerySet:
    """Links of deployments to published contracts (the many-to-many table)."""
    return Contract.deployments.through.objects.filter(contract__in=published_contracts())


def public_deployments() -> QuerySet[Deployment]:
    """Published deployments with everything a list of them embeds (no camera counts: see
    ``public_deployment_details``)."""
    return (
        published_deployments()
        .select_related("country", "operator")
        .prefetch_related(
            # Ties broken by id: the CSV export (api/copy_export.py) joins in this same order.
            Prefetch("places", queryset=places().order_by("name", "pk")),
            Prefetch("technologies", queryset=technologies().order_by("name", "pk")),
            Prefetch("vendor_roles", queryset=published_vendor_roles()),
            Prefetch("legal_frameworks", queryset=published_legal_frameworks().order_by("name", "pk")),
            Prefetch(
                "contracts",
                queryset=published_contracts()
                .order_by("signed_on", "name", "pk")
                .select_related("buyer")
                .prefetch_related(Prefetch("parties", queryset=published_parties())),
            ),
            Prefetch("citations", queryset=published_citations(DeploymentCitation)),
        )
    )


def public_deployment_details() -> QuerySet[Deployment]:
    """``public_deployments`` with their camera-count timelines, by date and kind (ties, conflicting
    counts of one date, by id: the SQL detail, api/json_rows.py, lists them in this same order)."""
    timeline = published_camera_counts().select_related("place", "source").order_by("as_of", "kind", "pk")
    return public_deployments().prefetch_related(Prefetch("camera_counts", queryset=timeline))


def public_contracts() -> QuerySet[Contract]:
    """Published contracts with their buyer, published vendors, deployments and citations."""
    return (
        published_contracts()
        .select_related("buyer__country")
        .prefetch_related(
            Prefetch("parties", queryset=published_parties()),
            Prefetch("deployments", queryset=published_deployments()),
            Prefetch("citations", queryset=published_citations(ContractCitation)),
        )
    )


def public_camera_counts() -> QuerySet[CameraCount]:
    return published_camera_counts().select_related("deployment__country", "place", "source")
