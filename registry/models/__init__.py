"""The reference records of the registry: countries (and their memberships), sources and laws."""

from registry.models.countries import Country, CountryMembership, CountryMembershipCitation
from registry.models.legal import LegalFramework, LegalFrameworkCitation
from registry.models.publication import PublicChange
from registry.models.sources import Source
from registry.publication import track_publication

for _model in (
    Country,
    Country.unions.through,
    Source,
    LegalFramework,
    LegalFramework.jurisdictions.through,
    LegalFrameworkCitation,
    CountryMembership,
    CountryMembershipCitation,
):
    track_publication(_model)

__all__ = [
    "Country",
    "CountryMembership",
    "CountryMembershipCitation",
    "LegalFramework",
    "LegalFrameworkCitation",
    "PublicChange",
    "Source",
]
