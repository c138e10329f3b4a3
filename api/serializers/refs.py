"""Short representations of related records, embedded in others. Each carries its own URL."""

from rest_framework import serializers

from api.serializers.fields import CoordinateField, LinkField, URLOrBlankField
from deployments.models import Contract, Deployment, Place, PublicBody, Technology
from registry.models import Country, LegalFramework, Source
from vendors.models import Vendor


class CountryRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:country-detail", "code")

    class Meta:
        model = Country
        fields = ["code", "name", "url"]


class VendorRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:vendor-detail")

    class Meta:
        model = Vendor
        fields = ["slug", "name", "url"]


class DeploymentRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:deployment-detail")

    class Meta:
        model = Deployment
        fields = ["slug", "name", "url"]


class ContractRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:contract-detail")

    class Meta:
        model = Contract
        fields = ["slug", "name", "url"]


class LegalFrameworkRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:legal-framework-detail")

    class Meta:
        model = LegalFramework
        fields = ["slug", "name", "short_name", "url"]


class TechnologyRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:technology-detail")

    class Meta:
        model = Technology
        fields = ["slug", "name", "url"]


class PlaceRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:place-detail")
    latitude = CoordinateField()
    longitude = CoordinateField()

    class Meta:
        model = Place
        fields = ["slug", "name", "kind", "url", "latitude", "longitude"]


class PublicBodyRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:public-body-detail")

    class Meta:
        model = PublicBody
        fields = ["slug", "name", "kind", "url"]


class SourceRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:source-detail")
    original_url = URLOrBlankField(source="url")
    archived_url = URLOrBlankField()

    class Meta:
        model = Source
        fields = ["slug", "title", "publisher", "kind", "published_on", "url", "original_url", "archived_url"]


class CitationSerializer(serializers.Serializer):
    """Who says so: a published source, the field it supports ("" for the whole record) and the item of
    that field (a list's one technology, purpose or concern; "" for the whole field), where and how sure."""

    source = SourceRefSerializer(read_only=True)
    field = serializers.CharField(read_only=True)
    item = serializers.CharField(read_only=True)
    confidence = serializers.CharField(read_only=True)
    locator = serializers.CharField(read_only=True)
    quote = serializers.CharField(read_only=True)
