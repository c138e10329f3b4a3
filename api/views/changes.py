"""/api/v1/changes/: what changed in published records, newest first (see api/changes.py)."""

from datetime import UTC, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError

from api.changes import FEED_MODELS, public_change_events, resolve_changes
from api.renderers import ExportRenderer
from api.serializers.changes import ChangeExportSerializer, ChangeSerializer
from api.views.base import PublicListViewSet

FEED_PARAMETERS = [
    OpenApiParameter(
        "since",
        {"type": "string", "anyOf": [{"format": "date-time"}, {"format": "date"}]},
        allow_blank=True,
        description="Only changes made after this moment (exclusive): an ISO 8601 date-time "
        "(2025-03-01T12:00:00Z; without an offset, UTC) or a date (2025-03-01, from its start, UTC). "
        "Anything else is a 400; empty means no limit.",
    ),
    OpenApiParameter(
        "model",
        str,
        enum=list(FEED_MODELS),
        allow_blank=True,
        description="Only changes to this kind of record.",
    ),
    OpenApiParameter(
        "record",
        str,
        allow_blank=True,
        description="Only changes to the record with this identifier (slug; public_id for camera "
        "counts); use it with model.",
    ),
]


def parse_since(raw: str) -> datetime:
    # A "+" of an offset arrives as a space when the client did not encode it.
    text = raw.strip().replace(" ", "+")
    try:
        moment = parse_datetime(text) if "T" in text else None
        day = parse_date(text) if moment is None else None
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise ValidationError(
            {"since": [f"{raw!r} is not an ISO 8601 date-time or date, e.g. 2025-03-01T12:00:00Z."]}
        )
    if moment is None:
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+05:00, before the first representable instant
        return datetime.min.replace(tzinfo=UTC) if moment.year == 1 else datetime.max.replace(tzinfo=UTC)


class _ResolvedChanges:
    """What the CSV renderer streams: the public events, resolved a chunk at a time."""

    def __init__(self, queryset, request):
        self.queryset, self.request = queryset, request
        self.model = queryset.model

    def iterator(self, chunk_size):
        chunk = []
        for row in self.queryset.iterator(chunk_size=chunk_size):
            chunk.append(row)
            if len(chunk) == chunk_size:
                yield from resolve_changes(chunk, self.request)
                chunk = []
        if chunk:
            yield from resolve_changes(chunk, self.request)


@extend_schema_view(list=extend_schema(parameters=FEED_PARAMETERS))
class ChangeViewSet(PublicListViewSet):
    """Changes to published records, newest first: for anyone following the registry.

    Listed: only records published now, only their published states (a draft's content, an
    unpublished record or a retracted one never appear), only the fields the API shows, each
    compared with the record's previous published state. Not listed: who made a change, or why.
    ``?format=csv``: every matching change, one row each.
    """

    serializer_class = ChangeSerializer
    export_serializer_class = ChangeExportSerializer
    filter_backends = ()
    list_parameters = frozenset({"format", "page", "page_size", "since", "model", "record"})

    def get_queryset(self):
        params = self.request.query_params
        model = params.get("model") or None
        if model is not None and model not in FEED_MODELS:
            raise ValidationError({"model": [f"Choose one of {', '.join(FEED_MODELS)}."]})
        since = parse_since(params["since"]) if params.get("since") else None
        record = params.get("record") or None
        return public_change_events(model=model, record=record, since=since)

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        renderer = request.accepted_renderer
        if isinstance(renderer, ExportRenderer):
            return self.export_response(_ResolvedChanges(queryset, request), "changes")
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(resolve_changes(page, request), many=True)
        return self.get_paginated_response(serializer.data)
