from deployments.models.camera_counts import CameraCount
from deployments.models.citations import AnyCitation
from deployments.models.contracts import Contract, ContractCitation, ContractParty
from deployments.models.deployments import Deployment, DeploymentCitation, DeploymentVendor
from deployments.models.events import Event
from deployments.models.measurements import Measurement
from deployments.models.organisations import Organisation
from deployments.models.places import Place, PublicBody, Technology
from deployments.models.stated_costs import StatedCost

__all__ = [
    "AnyCitation",
    "CameraCount",
    "Contract",
    "ContractCitation",
    "ContractParty",
    "Deployment",
    "DeploymentCitation",
    "DeploymentVendor",
    "Organisation",
    "Event",
    "Measurement",
    "Place",
    "PublicBody",
    "StatedCost",
    "Technology",
]
