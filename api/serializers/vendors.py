"""Vendors, with their designations and citations."""

from rest_framework import serializers

from api.serializers.fields import FilteredListLinkField, FuzzyDateDisplayField, LinkField, URLOrBlankField
from api.serializers.refs import (
    CitationSerializer,
    CountryRefSerializer,
    SourceRefSerializer,
    VendorRefSerializer,
)
from vendors.models import Designation, Vendor


class DesignationSerializer(serializers.ModelSerializer):
    list = serializers.CharField(source="list_name", read_only=True)
    list_display = serializers.CharField(source="get_list_name_display", read_only=True)
    designated_on_display = FuzzyDateDisplayField(source="designated_on")
    source = SourceRefSerializer(read_only=True)

    class Meta:
        model = Designation
        fields = [
            "list",
            "list_display",
            "designated_on",
            "designated_on_display",
            "authority_reference",
            "source",
            "confidence",
            "notes",
        ]


class VendorSerializer(serializers.ModelSerializer):
    url = LinkField("api:vendor-detail")
    headquarters_country = CountryRefSerializer(read_only=True, allow_null=True)
    parent = VendorRefSerializer(read_only=True, allow_null=True)
    website = URLOrBlankField()
    designations = DesignationSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)
    deployments = FilteredListLinkField("api:deployment-list", "vendor")
    contracts = FilteredListLinkField("api:contract-list", "vendor")

    class Meta:
        model = Vendor
        fields = [
            "slug",
            "url",
            "name",
            "legal_name",
            "aliases",
            "headquarters_country",
            "parent",
            "ownership",
            "website",
            "wikidata_qid",
            "description",
            "designations",
            "citations",
            "deployments",
            "contracts",
            "updated_at",
        ]
