from deployments.models.camera_counts import CameraCount
from deployments.models.contracts import Contract, ContractCitation, ContractParty
from deployments.models.deployments import Deployment, DeploymentCitation, DeploymentVendor
from deployments.models.places import Place, PublicBody, Technology

__all__ = [
    "CameraCount",
    "Contract",
    "ContractCitation",
    "ContractParty",
    "Deployment",
    "DeploymentCitation",
    "DeploymentVendor",
    "Place",
    "PublicBody",
    "Technology",
]
