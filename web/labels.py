"""Translatable labels of the choices the website shows.

The models' choice labels are English only; these are the same labels marked for translation, by
value, so the pages can be read in every language of settings.LANGUAGES.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LABELS = {
    "deployment_status": {
        "announced": _("Announced"),
        "planned": _("Planned"),
        "piloting": _("Piloting"),
        "active": _("Active"),
        "suspended": _("Suspended"),
        "discontinued": _("Discontinued"),
    },
    "concern": {
        "confidential-contract": _("Contract kept confidential"),
        "no-oversight-body": _("No independent oversight body"),
        "data-stored-abroad": _("Data stored abroad"),
        "vendor-managed-data": _("Data managed by the vendor"),
        "no-legal-basis": _("No specific legal basis"),
        "no-public-tender": _("No public tender"),
        "non-compliant-impact-assessment": _("Impact assessment found non-compliant"),
    },
    "purpose": {
        "public-safety": _("Public safety and policing"),
        "emergency-response": _("Emergency response"),
        "traffic": _("Traffic and mobility"),
        "smart-city": _("Smart city services"),
        "crowd-monitoring": _("Crowd monitoring"),
        "border-control": _("Border control"),
        "research": _("Research and testing"),
    },
    "data_location": {
        "in-country": _("In the country"),
        "abroad": _("Abroad"),
        "unknown": _("Unknown"),
    },
    "region": {
        "africa": _("Africa"),
        "latin-america": _("Latin America and the Caribbean"),
        "northern-america": _("Northern America"),
        "asia": _("Asia"),
        "europe": _("Europe"),
        "oceania": _("Oceania"),
    },
    "vendor_role": {
        "supplier": _("Supplier"),
        "subcontractor": _("Subcontractor"),
        "integrator": _("Integrator"),
        "financier": _("Financier"),
        "software-provider": _("Software provider"),
        "data-manager": _("Data centre operator"),
        "research-partner": _("Research partner"),
    },
    "contract_kind": {
        "mou": _("Memorandum of understanding"),
        "framework-agreement": _("Framework or partnership agreement"),
        "procurement-contract": _("Procurement contract"),
        "loan-agreement": _("Loan agreement"),
        "intergovernmental-agreement": _("Intergovernmental agreement"),
        "tender": _("Tender (call for bids)"),
    },
    "disclosure": {
        "published": _("Published"),
        "leaked": _("Leaked"),
        "partial": _("Partially disclosed"),
        "confidential": _("Confidential"),
        "unknown": _("Unknown"),
    },
    "procurement_method": {
        "tender": _("Public tender"),
        "direct-award": _("Direct award"),
        "government-to-government": _("Government to government"),
        "unknown": _("Unknown"),
    },
    "count_kind": {
        "installed": pgettext_lazy("cameras", "Installed"),
        "planned": pgettext_lazy("cameras", "Planned"),
        "announced": pgettext_lazy("cameras", "Announced"),
    },
    "confidence": {
        "confirmed": _("Confirmed"),
        "reported": _("Reported"),
        "claimed": _("Claimed"),
        "disputed": _("Disputed"),
    },
    "source_kind": {
        "news": _("News"),
        "ngo-report": _("NGO report"),
        "government-document": _("Government document"),
        "court-or-dpa-decision": _("Court or DPA decision"),
        "academic": _("Academic"),
        "vendor-material": _("Vendor material"),
        "leak": _("Leak"),
        "other": _("Other"),
    },
    "legal_kind": {
        "data-protection-law": _("Data protection law"),
        "ai-law": _("AI law"),
        "policing-law": _("Policing law"),
        "moratorium": _("Moratorium"),
        "court-decision": _("Court decision"),
        "dpa-decision": _("Data protection authority decision"),
        "other": _("Other"),
    },
    "legal_status": {
        "draft": _("Draft (bill)"),
        "in-force": _("In force"),
        "withdrawn": _("Withdrawn"),
        "repealed": _("Repealed"),
        "expired": _("Expired"),
    },
    "ownership": {
        "private": _("Private"),
        "state-owned": _("State-owned"),
        "state-linked": _("State-linked"),
        "unknown": _("Unknown"),
    },
    "designation": {
        "us-entity-list": _("US Entity List (Commerce BIS)"),
        "fcc-covered-list": _("FCC Covered List"),
        "ofac-sdn": _("OFAC sanctions (SDN list)"),
        "other": _("Other"),
    },
    "place_kind": {
        "nationwide": _("Nationwide"),
        "region": _("Region"),
        "city": _("City"),
        "district": _("District"),
        "site": _("Site"),
    },
    # Deployment fields a citation can support (Citation.field).
    "deployment_field": {
        "": _("The whole record"),
        "name": _("Name"),
        "summary": _("Summary"),
        "country": _("Country"),
        "places": _("Places"),
        "operator": _("Operator"),
        "status": _("Status"),
        "started_on": _("Started"),
        "ended_on": _("Ended"),
        "technologies": _("Technologies"),
        "purposes": _("Purposes"),
        "data_location": _("Data location"),
        "data_managed_by": _("Data managed by"),
        "governance_concerns": _("Governance concerns"),
        "legal_frameworks": _("Legal frameworks"),
        "vendors": _("Vendors"),
    },
}


def label(group: str, value) -> str:
    """The translated label of ``value`` in ``group``; the value itself when it has none."""
    if value is None:
        return ""
    return str(LABELS.get(group, {}).get(value, value))
