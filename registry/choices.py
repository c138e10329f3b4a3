from django.db import models


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"  # the source itself states it (cases.md "high")
    REPORTED = "reported", "Reported"  # a secondary mention, or a date inferred ("medium")
    CLAIMED = "claimed", "Claimed"  # asserted, not confirmed elsewhere ("low", "brief only")
    DISPUTED = "disputed", "Disputed"  # contradicted by another source


class CountryKind(models.TextChoices):
    COUNTRY = "country", "Country"
    UNION = "union", "Supranational union"


class Region(models.TextChoices):
    """UN M49 regions, with the Americas split as journalists and the anchors' datasets split them."""

    AFRICA = "africa", "Africa"
    LATIN_AMERICA = "latin-america", "Latin America and the Caribbean"
    NORTHERN_AMERICA = "northern-america", "Northern America"
    ASIA = "asia", "Asia"
    EUROPE = "europe", "Europe"
    OCEANIA = "oceania", "Oceania"


class Organisation(models.TextChoices):
    """What a country can join or leave, as a cited fact (``CountryMembership``)."""

    BELT_AND_ROAD = "belt-and-road", "Belt and Road Initiative (memorandum with China)"
    EUROPEAN_UNION = "european-union", "European Union"


class LegalFrameworkKind(models.TextChoices):
    DATA_PROTECTION_LAW = "data-protection-law", "Data protection law"
    AI_LAW = "ai-law", "AI law"
    POLICING_LAW = "policing-law", "Policing law"
    MORATORIUM = "moratorium", "Moratorium"
    COURT_DECISION = "court-decision", "Court decision"
    DPA_DECISION = "dpa-decision", "Data protection authority decision"
    OTHER = "other", "Other"


class LegalStatus(models.TextChoices):
    DRAFT = "draft", "Draft (bill)"
    IN_FORCE = "in-force", "In force"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REPEALED = "repealed", "Repealed"
    EXPIRED = "expired", "Expired"


class SourceKind(models.TextChoices):
    NEWS = "news", "News"
    NGO_REPORT = "ngo-report", "NGO report"
    GOVERNMENT_DOCUMENT = "government-document", "Government document"
    COURT_OR_DPA_DECISION = "court-or-dpa-decision", "Court or DPA decision"
    ACADEMIC = "academic", "Academic"
    VENDOR_MATERIAL = "vendor-material", "Vendor material"
    LEAK = "leak", "Leak"
    OTHER = "other", "Other"
