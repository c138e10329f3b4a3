"""The public change feed (api/changes.py says precisely what is public)."""

import json

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.changes import FEED_MODELS

ANY_VALUE = {
    "description": "The field's value in the public API's terms: text, number, boolean, list, "
    "the identifier of a linked public record, or null."
}


@extend_schema_field(ANY_VALUE)
class AnyValueField(serializers.ReadOnlyField):
    pass


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(read_only=True)
    before = AnyValueField()
    after = AnyValueField()


class ChangeSerializer(serializers.Serializer):
    """One change to a published record: when, which record, and its fields before and after."""

    model = serializers.ChoiceField(choices=list(FEED_MODELS), read_only=True)
    identifier = serializers.CharField(
        read_only=True, help_text="The record's slug (public_id for a camera count or an event)."
    )
    name = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True, help_text="The record in the API.")
    changed_at = serializers.DateTimeField(read_only=True)
    kind = serializers.ChoiceField(
        choices=["published", "updated", "retracted"],
        read_only=True,
        help_text="published: the record became public (first time, or again after a retraction) "
        "and `changes` compares it with its previous published state, if any; "
        "updated: it was changed while published; retracted: the registry withdrew it (its URL "
        "answers 410 Gone), `retraction_reason` says why and `changes` is empty.",
    )
    changes = FieldChangeSerializer(many=True, read_only=True)
    retraction_reason = serializers.CharField(
        read_only=True, allow_null=True, help_text="For a retraction, the public reason; otherwise null."
    )


class ChangeExportSerializer(serializers.Serializer):
    """One CSV row per change; ``changes`` is the list of field changes as JSON text."""

    model = serializers.CharField(read_only=True)
    identifier = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)
    changed_at = serializers.DateTimeField(read_only=True)
    kind = serializers.CharField(read_only=True)
    retraction_reason = serializers.CharField(read_only=True, allow_null=True)
    changed_fields = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    def get_changed_fields(self, obj) -> str:
        return "; ".join(change["field"] for change in obj.changes)

    def get_changes(self, obj) -> str:
        return json.dumps(obj.changes, ensure_ascii=False, default=str)
