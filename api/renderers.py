"""Export formats of every list: CSV (all matching rows, flat) and GeoJSON (a FeatureCollection).

Both stream: the view hands over the filtered queryset, which is read in chunks with its
prefetches (or, for the large CSV exports, by PostgreSQL COPY: api/copy_export.py), so memory stays
flat however many rows match.
"""

import csv
import json
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import StreamingHttpResponse
from rest_framework import renderers
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

from registry.csv_safety import escape_formula

CHUNK_SIZE = 500


class ExportRenderer(BaseRenderer):
    """A list format that returns every matching row, streamed, instead of one page."""

    charset = "utf-8"
    extension = ""

    def rows(self, objects: Iterable, serializer) -> Iterator[str]:
        raise NotImplementedError

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("Export formats are streamed by the list view.")

    def chunks(self, queryset, serializer) -> Iterator[bytes]:
        objects = queryset.iterator(chunk_size=CHUNK_SIZE)
        return (chunk.encode(self.charset) for chunk in self.rows(objects, serializer))

    def streaming_response(self, queryset, serializer, filename: str) -> StreamingHttpResponse:
        response = StreamingHttpResponse(
            self.chunks(queryset, serializer), content_type=f"{self.media_type}; charset={self.charset}"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.{self.extension}"'
        return response


class _Line:
    """A file-like object for csv.writer that hands back each line instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape_formula(value)


class CSVRenderer(ExportRenderer):
    """CSV. Lists whose export serializer has an SQL twin (api/copy_export.py) are streamed from
    PostgreSQL ``COPY`` (the same bytes, much faster); ``API_CSV_COPY = False`` turns that off."""

    media_type = "text/csv"
    format = "csv"
    extension = "csv"

    def chunks(self, queryset, serializer):
        from api import copy_export

        if getattr(settings, "API_CSV_COPY", True) and copy_export.supports(serializer):
            return copy_export.copy_csv_chunks(queryset, serializer)
        return super().chunks(queryset, serializer)

    def rows(self, objects, serializer):
        writer = csv.writer(_Line())
        header = list(serializer.fields)
        yield writer.writerow(header)
        for obj in objects:
            row = serializer.to_representation(obj)
            yield writer.writerow([csv_cell(row[column]) for column in header])


class GeoJSONRenderer(ExportRenderer):
    """RFC 7946 FeatureCollection: coordinates [longitude, latitude]; properties are the CSV columns."""

    media_type = "application/geo+json"
    format = "geojson"
    extension = "geojson"

    def rows(self, objects, serializer):
        yield '{"type": "FeatureCollection", "features": ['
        separator = "\n"
        for obj in objects:
            properties = serializer.to_representation(obj)
            feature = {
                "type": "Feature",
                "id": properties.get("slug"),
                "geometry": serializer.geometry(obj),
                "properties": properties,
            }
            yield separator + json.dumps(feature, cls=JSONEncoder, ensure_ascii=False)
            separator = ",\n"
        yield "\n]}\n"


class RenderedRows(list):
    """A page's rows already rendered as JSON text, exactly as ``JSONRenderer`` would write them
    (api/json_rows.py builds them in PostgreSQL): spliced into the page rather than parsed and
    written again, which cost more than building them (≈ 8 ms of a page of 100 deployments)."""


class RenderedObject(str):
    """A detail already rendered as JSON text, as ``RenderedRows`` are: the response as it is."""


def as_drf_escapes(text: str) -> bytes:
    """JSON text from PostgreSQL with U+2028 and U+2029 escaped, as DRF escapes them after
    ``json.dumps()`` so that its JSON is valid JavaScript too."""
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode("utf-8")


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer, which also writes a ``RenderedObject`` and a page whose ``results`` are
    ``RenderedRows``. An indented response (``Accept: application/json; indent=2``) parses them and
    writes them again, with the indent."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        indented = self.get_indent(accepted_media_type, renderer_context or {}) is not None
        if isinstance(data, RenderedObject):
            if indented:
                return super().render(json.loads(data), accepted_media_type, renderer_context)
            return as_drf_escapes(data)
        rows = data.get("results") if isinstance(data, dict) else None
        if not isinstance(rows, RenderedRows):
            return super().render(data, accepted_media_type, renderer_context)
        if indented:
            rows = [json.loads(row) for row in rows]
            return super().render({**data, "results": rows}, accepted_media_type, renderer_context)
        page = super().render({**data, "results": []}, accepted_media_type, renderer_context)
        # "results" is a page's last key (api/pagination.py), so the page ends with its empty list.
        if not page.endswith(b"[]}"):
            raise ValueError("A page of RenderedRows must end with its results.")
        return b"".join((page[:-3], b"[", as_drf_escapes(",".join(rows)), b"]}"))
