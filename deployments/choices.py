from django.db import models


class PlaceKind(models.TextChoices):
    NATIONWIDE = "nationwide", "Nationwide"
    REGION = "region", "Region"
    CITY = "city", "City"
    DISTRICT = "district", "District"
    SITE = "site", "Site"


class PublicBodyKind(models.TextChoices):
    NATIONAL_GOVERNMENT = "national-government", "National government"
    MINISTRY = "ministry", "Ministry"
    REGIONAL_GOVERNMENT = "regional-government", "Regional government"
    MUNICIPALITY = "municipality", "Municipality"
    POLICE = "police", "Police"
    AGENCY = "agency", "Agency"
    RESEARCH_CENTRE = "research-centre", "Public research centre"
    OTHER = "other", "Other"


class DeploymentStatus(models.TextChoices):
    ANNOUNCED = "announced", "Announced"
    PLANNED = "planned", "Planned"
    PILOTING = "piloting", "Piloting"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    DISCONTINUED = "discontinued", "Discontinued"
    UNKNOWN = "unknown", "Unknown"  # no cited source says whether it runs


class Purpose(models.TextChoices):
    PUBLIC_SAFETY = "public-safety", "Public safety and policing"
    EMERGENCY_RESPONSE = "emergency-response", "Emergency response"
    TRAFFIC = "traffic", "Traffic and mobility"
    SMART_CITY = "smart-city", "Smart city services"
    CROWD_MONITORING = "crowd-monitoring", "Crowd monitoring"
    BORDER_CONTROL = "border-control", "Border control"
    RESEARCH = "research", "Research and testing"


class DataLocation(models.TextChoices):
    IN_COUNTRY = "in-country", "In the country"
    ABROAD = "abroad", "Abroad"
    UNKNOWN = "unknown", "Unknown"


class GovernanceConcern(models.TextChoices):
    CONFIDENTIAL_CONTRACT = "confidential-contract", "Contract kept confidential"
    NO_OVERSIGHT_BODY = "no-oversight-body", "No independent oversight body"
    DATA_STORED_ABROAD = "data-stored-abroad", "Data stored abroad"
    VENDOR_MANAGED_DATA = "vendor-managed-data", "Data managed by the vendor"
    NO_LEGAL_BASIS = "no-legal-basis", "No specific legal basis"
    NO_PUBLIC_TENDER = "no-public-tender", "No public tender"
    NON_COMPLIANT_IMPACT_ASSESSMENT = (
        "non-compliant-impact-assessment",
        "Impact assessment found non-compliant",
    )
    POLITICAL_MISUSE = "political-misuse", "Political misuse: critics and opponents monitored"
    HUMAN_RIGHTS_ABUSES = "human-rights-abuses", "Human rights abuses"
    LOSS_OF_SOVEREIGNTY = "loss-of-sovereignty", "Loss of sovereignty"
    THIRD_PARTY_DATA_ACCESS = (
        "third-party-data-access",
        "Data accessible to third parties or intelligence services",
    )


class VendorRole(models.TextChoices):
    SUPPLIER = "supplier", "Supplier"
    SUBCONTRACTOR = "subcontractor", "Subcontractor"
    INTEGRATOR = "integrator", "Integrator"
    FINANCIER = "financier", "Financier"
    SOFTWARE_PROVIDER = "software-provider", "Software provider"
    DATA_MANAGER = "data-manager", "Data centre operator"
    RESEARCH_PARTNER = "research-partner", "Research partner"


class ContractKind(models.TextChoices):
    MOU = "mou", "Memorandum of understanding"
    FRAMEWORK_AGREEMENT = "framework-agreement", "Framework or partnership agreement"
    PROCUREMENT_CONTRACT = "procurement-contract", "Procurement contract"
    LOAN_AGREEMENT = "loan-agreement", "Loan agreement"
    INTERGOVERNMENTAL_AGREEMENT = "intergovernmental-agreement", "Intergovernmental agreement"
    TENDER = "tender", "Tender (call for bids)"


class Disclosure(models.TextChoices):
    PUBLISHED = "published", "Published"
    LEAKED = "leaked", "Leaked"
    PARTIAL = "partial", "Partially disclosed"
    CONFIDENTIAL = "confidential", "Confidential"
    UNKNOWN = "unknown", "Unknown"


class ProcurementMethod(models.TextChoices):
    TENDER = "tender", "Public tender"
    DIRECT_AWARD = "direct-award", "Direct award"
    GOVERNMENT_TO_GOVERNMENT = "government-to-government", "Government to government"
    UNKNOWN = "unknown", "Unknown"


class CameraCountKind(models.TextChoices):
    INSTALLED = "installed", "Installed"
    PLANNED = "planned", "Planned"
    ANNOUNCED = "announced", "Announced"


class PartyRole(models.TextChoices):
    """OCDS's party-role codelist (https://standard.open-contracting.org/latest/en/reference/codelists/#partyrole)."""

    BUYER = "buyer", "Buyer"
    PROCURING_ENTITY = "procuringEntity", "Procuring entity"
    SUPPLIER = "supplier", "Supplier"
    TENDERER = "tenderer", "Tenderer"
    FUNDER = "funder", "Funder"
    ENQUIRER = "enquirer", "Enquirer"
    PAYER = "payer", "Payer"
    PAYEE = "payee", "Payee"
    REVIEW_BODY = "reviewBody", "Review body"
    INTERESTED_PARTY = "interestedParty", "Interested party"


# The OCDS role a vendor's former single role stands for (deployments/migrations/0019_contract_parties_any_organisation.py);
# the finer role stays in ContractParty.role.
OCDS_ROLE_OF_VENDOR_ROLE = {
    VendorRole.SUPPLIER: PartyRole.SUPPLIER,
    VendorRole.SUBCONTRACTOR: PartyRole.INTERESTED_PARTY,
    VendorRole.INTEGRATOR: PartyRole.SUPPLIER,
    VendorRole.FINANCIER: PartyRole.FUNDER,
    VendorRole.SOFTWARE_PROVIDER: PartyRole.SUPPLIER,
    VendorRole.DATA_MANAGER: PartyRole.SUPPLIER,
    VendorRole.RESEARCH_PARTNER: PartyRole.INTERESTED_PARTY,
}


class OrganisationKind(models.TextChoices):
    STATE = "state", "State (foreign government)"
    LENDER = "lender", "Lender (bank, fund)"
    RESEARCH_CENTRE = "research-centre", "Research centre"
    INTERNATIONAL = "international", "International organisation"
    CIVIL_SOCIETY = "civil-society", "Civil society organisation"
    OTHER = "other", "Other"


class Qualifier(models.TextChoices):
    """How a source states a number: exactly, or as a bound or an estimate ("at least 1,200",
    "about 3,000", "over 8,000", "up to 500")."""

    EXACT = "exact", "Exact"
    AT_LEAST = "at-least", "At least"
    ABOUT = "about", "About"
    AT_MOST = "at-most", "At most"


class EventKind(models.TextChoices):
    """What happened in a deployment's history, as its sources date it (closed: a new kind is a
    decision, so that the public can filter by it and count it)."""

    NEGOTIATIONS = "negotiations", "Negotiations began"
    AGREEMENT_SIGNED = "agreement-signed", "Agreement signed"
    AGREEMENT_APPROVED = "agreement-approved", "Agreement approved or ratified"
    PILOT = "pilot", "Pilot"
    PHASE_ANNOUNCED = "phase-announced", "Phase announced"
    LAUNCHED = "launched", "Launched or presented"
    INFORMATION_REMOVED = "information-removed", "Information taken down (e.g. a vendor's case study)"
    LAW_PROPOSED = "law-proposed", "Law or draft law proposed"
    LAW_WITHDRAWN = "law-withdrawn", "Law or draft law withdrawn"
    LAW_ADOPTED = "law-adopted", "Law adopted"
    MORATORIUM = "moratorium", "Moratorium imposed or extended"
    DPA_DECISION = "dpa-decision", "Data protection authority decision"
    COURT_RULING = "court-ruling", "Court ruling"
    CONTRACT_TERMINATED = "contract-terminated", "Contract terminated or exited"
    OFFICIAL_VISIT = "official-visit", "Official visit"
    CIVIL_SOCIETY = "civil-society", "Civil society investigation or campaign"
    OTHER = "other", "Other"


QUALIFIER_HELP = "How the source states the number: exactly, at least (over), about, or at most (up to)."
# The sign written before a qualified number: "≥ 1,200", "~3,000", "≤ 500".
QUALIFIER_SIGNS = {
    Qualifier.EXACT: "",
    Qualifier.AT_LEAST: "≥ ",
    Qualifier.ABOUT: "~",
    Qualifier.AT_MOST: "≤ ",
}


def qualified(number: str, qualifier: str) -> str:
    """``number`` (already formatted: "1,200") with the sign of its qualifier: "≥ 1,200"."""
    return f"{QUALIFIER_SIGNS.get(qualifier, '')}{number}"


class MeasuredThing(models.TextChoices):
    """What a measurement counts, besides cameras (those are camera counts)."""

    LOCATIONS = "locations", "Camera locations"
    SITES_REPLACED = "sites-replaced", "Sites whose cameras were replaced"
    CAMERAS_REPLACED = "cameras-replaced", "Cameras replaced"
    CAMERAS_ADDED = "cameras-added", "Cameras added"
    CONTROL_CENTRES = "control-centres", "Control or monitoring centres"
    STAFF = "staff", "Staff"
    TRAFFIC_STATIONS = "traffic-stations", "Traffic monitoring stations"
    PARKING_SENSORS = "parking-sensors", "Parking sensors"
    SENSORS = "sensors", "Other sensors"
    VEHICLES = "vehicles", "Vehicles equipped"
