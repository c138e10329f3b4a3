"""Import and export of the registry's reference records: countries, sources and laws."""

from registry.imports.resources import CitationResource, RegistryResource
from registry.models import (
    Country,
    CountryMembership,
    CountryMembershipCitation,
    LegalFramework,
    LegalFrameworkCitation,
    Source,
)

# --- The registry's resources ----------------------------------------------------------------------


class CountryResource(RegistryResource):
    class Meta:
        model = Country
        fields = (
            "code",
            "name",
            "kind",
            "region",
            "subregion",
            "unions",
        )
        import_id_fields = ("code",)


class SourceResource(RegistryResource):
    class Meta:
        model = Source
        fields = (
            "slug",
            "title",
            "author",
            "publisher",
            "kind",
            "url",
            "archived_url",
            "doi",
            "published_on",
            "accessed_on",
            "language",
            "notes",
            "review_status",
            "version",
        )
        import_id_fields = ("slug",)


class LegalFrameworkResource(RegistryResource):
    class Meta:
        model = LegalFramework
        fields = (
            "slug",
            "name",
            "short_name",
            "kind",
            "legal_status",
            "jurisdictions",
            "reference",
            "proposed_on",
            "adopted_on",
            "published_on",
            "in_force_on",
            "applies_from",
            "ended_on",
            "amends",
            "oversight_authority",
            "covers_biometric_surveillance",
            "official_url",
            "summary",
            "review_status",
            "version",
        )
        import_id_fields = ("slug",)


class LegalFrameworkCitationResource(CitationResource):
    class Meta:
        model = LegalFrameworkCitation


class CountryMembershipResource(RegistryResource):
    class Meta:
        model = CountryMembership
        fields = (
            "slug",
            "country",
            "organisation",
            "joined_on",
            "left_on",
            "notes",
            "review_status",
            "version",
        )
        import_id_fields = ("slug",)


class CountryMembershipCitationResource(CitationResource):
    class Meta:
        model = CountryMembershipCitation


# In dependency order: a file only refers to records of the files before it (or of earlier rows).
RESOURCES = [
    CountryResource,
    SourceResource,
    LegalFrameworkResource,
    LegalFrameworkCitationResource,
    CountryMembershipResource,
    CountryMembershipCitationResource,
]
