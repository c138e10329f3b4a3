"""Countries, legal frameworks and sources."""

from rest_framework import serializers

from api.serializers.fields import FilteredListLinkField, FuzzyDateDisplayField, LinkField, URLOrBlankField
from api.serializers.refs import CitationSerializer, CountryRefSerializer
from registry.models import Country, LegalFramework, Source


class CountrySerializer(serializers.ModelSerializer):
    url = LinkField("api:country-detail", "code")
    unions = CountryRefSerializer(many=True, read_only=True)
    belt_and_road_joined_display = FuzzyDateDisplayField(source="belt_and_road_joined")
    belt_and_road_left_display = FuzzyDateDisplayField(source="belt_and_road_left")
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
            "belt_and_road_joined",
            "belt_and_road_joined_display",
            "belt_and_road_left",
            "belt_and_road_left_display",
            "deployments",
            "legal_frameworks",
        ]


class LegalFrameworkSerializer(serializers.ModelSerializer):
    url = LinkField("api:legal-framework-detail")
    status = serializers.CharField(source="legal_status", read_only=True)
    jurisdictions = CountryRefSerializer(many=True, read_only=True)
    adopted_on_display = FuzzyDateDisplayField(source="adopted_on")
    in_force_on_display = FuzzyDateDisplayField(source="in_force_on")
    ended_on_display = FuzzyDateDisplayField(source="ended_on")
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
            "adopted_on",
            "adopted_on_display",
            "in_force_on",
            "in_force_on_display",
            "ended_on",
            "ended_on_display",
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
