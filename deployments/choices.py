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
