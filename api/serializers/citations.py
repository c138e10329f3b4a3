"""/api/v1/citations/: one citation a row, the record it supports and its source."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.links import cached_link
from api.serializers.exports import ExportSerializer
from api.serializers.fields import flat
from api.serializers.refs import SourceRefSerializer
from deployments.models.citations import RECORD_KINDS


def record_url(context: dict, citation) -> str:
    return cached_link(context, RECORD_KINDS[citation.record_kind][2], "slug", citation.record_slug)


@extend_schema_field(OpenApiTypes.URI)
class RecordLinkField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value):
        return record_url(self.context, value)


class CitedRecordSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(RECORD_KINDS), source="record_kind", read_only=True)
    slug = serializers.CharField(source="record_slug", read_only=True)
    name = serializers.CharField(source="record_name", read_only=True)
    url = RecordLinkField()


class AnyCitationSerializer(serializers.Serializer):
    """Who says what about which record: the record, the field the source supports ("" for the whole
    record), how sure, where in the source and in its words, and the source."""

    record = CitedRecordSerializer(source="*", read_only=True)
    field = serializers.CharField(read_only=True)
    item = serializers.CharField(read_only=True)
    confidence = serializers.CharField(read_only=True)
    locator = serializers.CharField(read_only=True)
    quote = serializers.CharField(read_only=True)
    source = SourceRefSerializer(read_only=True)


class AnyCitationExportSerializer(ExportSerializer):
    record_kind = flat("record_kind")
    record_slug = flat("record_slug")
    record_name = flat("record_name")
    record_url = RecordLinkField()
    field = flat("field")
    item = flat("item")
    confidence = flat("confidence")
    locator = flat("locator")
    quote = flat("quote")
    source_slug = flat("source.slug")
    source_title = flat("source.title")
    source_publisher = flat("source.publisher")
    source_published_on = flat("source.published_on")
    source_url = flat("source.url")
    source_archived_url = flat("source.archived_url")
