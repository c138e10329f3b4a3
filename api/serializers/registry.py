"""Countries, legal frameworks and sources."""

from rest_framework import serializers

from api.serializers.fields import FilteredListLinkField, FuzzyDateDisplayField, LinkField, URLOrBlankField
from api.serializers.refs import CitationSerializer, CountryRefSerializer, LegalFrameworkRefSerializer
from registry.models import Country, CountryMembership, LegalFramework, Source


class CountryMembershipSerializer(serializers.ModelSerializer):
    """What the country joined (and perhaps left), and who says so: published memberships only."""

    organisation_name = serializers.CharField(source="get_organisation_display", read_only=True)
    joined_on_display = FuzzyDateDisplayField(source="joined_on")
    left_on_display = FuzzyDateDisplayField(source="left_on")
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = CountryMembership
        fields = [
            "organisation",
            "organisation_name",
            "joined_on",
            "joined_on_display",
            "left_on",
            "left_on_display",
            "notes",
            "citations",
        ]


class CountrySerializer(serializers.ModelSerializer):
    url = LinkField("api:country-detail", "code")
    unions = CountryRefSerializer(many=True, read_only=True)
    memberships = CountryMembershipSerializer(many=True, read_only=True)
    deployments = FilteredListLinkField("api:deployment-list", "country", lookup_field="code")
    legal_frameworks = FilteredListLinkField("api:legal-framework-list", "jurisdiction", lookup_field="code")

    class Meta:
        model = Country
        fields = [
            "code",
            "url",
            "name",
            "kind",
            "region",
            "subregion",
            "unions",
            "memberships",
            "deployments",
            "legal_frameworks",
        ]


class LegalFrameworkSerializer(serializers.ModelSerializer):
    url = LinkField("api:legal-framework-detail")
    status = serializers.CharField(source="legal_status", read_only=True)
    jurisdictions = CountryRefSerializer(many=True, read_only=True)
    proposed_on_display = FuzzyDateDisplayField(source="proposed_on")
    adopted_on_display = FuzzyDateDisplayField(source="adopted_on")
    published_on_display = FuzzyDateDisplayField(source="published_on")
    in_force_on_display = FuzzyDateDisplayField(source="in_force_on")
    applies_from_display = FuzzyDateDisplayField(source="applies_from")
    ended_on_display = FuzzyDateDisplayField(source="ended_on")
    amends = LegalFrameworkRefSerializer(read_only=True, allow_null=True)
    amendments = LegalFrameworkRefSerializer(many=True, read_only=True)
    official_url = URLOrBlankField()
    citations = CitationSerializer(many=True, read_only=True)
    deployments = FilteredListLinkField("api:deployment-list", "legal_framework")

    class Meta:
        model = LegalFramework
        fields = [
            "slug",
            "url",
            "name",
            "short_name",
            "kind",
            "status",
            "jurisdictions",
            "reference",
            "proposed_on",
            "proposed_on_display",
            "adopted_on",
            "adopted_on_display",
            "published_on",
            "published_on_display",
            "in_force_on",
            "in_force_on_display",
            "applies_from",
            "applies_from_display",
            "ended_on",
            "ended_on_display",
            "amends",
            "amendments",
            "oversight_authority",
            "covers_biometric_surveillance",
            "official_url",
            "summary",
            "citations",
            "deployments",
            "updated_at",
        ]


class SourceSerializer(serializers.ModelSerializer):
    url = LinkField("api:source-detail")
    original_url = URLOrBlankField(source="url")
    archived_url = URLOrBlankField()
    published_on_display = FuzzyDateDisplayField(source="published_on")

    class Meta:
        model = Source
        fields = [
            "slug",
            "url",
            "title",
            "author",
            "publisher",
            "kind",
            "original_url",
            "archived_url",
            "doi",
            "published_on",
            "published_on_display",
            "accessed_on",
            "language",
            "updated_at",
        ]
