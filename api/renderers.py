"""Export formats of every list: CSV (all matching rows, flat), XLSX (the same rows and columns,
typed cells) and GeoJSON (a FeatureCollection).

CSV and GeoJSON stream: the view hands over the filtered queryset, which is read in chunks with its
prefetches (or, for the large CSV exports, by PostgreSQL COPY: api/copy_export.py), so memory stays
flat however many rows match. A workbook is written to a temporary file, then sent.
"""

import csv
import itertools
import json
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from rest_framework import renderers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

from registry.imports.csv_safety import escape_formula

CHUNK_SIZE = 500


class ExportRenderer(BaseRenderer):
    """A list format that returns every matching row instead of one page."""

    charset = "utf-8"
    extension = ""
    serves_details = False  # a list format only (the detail of a record is JSON)

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset={self.charset}" if self.charset else self.media_type

    def content_disposition(self, filename: str) -> str:
        return f'attachment; filename="{filename}.{self.extension}"'

    def rows(self, objects: Iterable, serializer) -> Iterator[str]:
        raise NotImplementedError

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("Export formats are written by the list view.")

    def chunks(self, queryset, serializer) -> Iterator[bytes]:
        objects = started(queryset.iterator(chunk_size=CHUNK_SIZE))
        return (chunk.encode(self.charset) for chunk in self.rows(objects, serializer))

    def export_response(self, queryset, serializer, filename: str) -> StreamingHttpResponse:
        """The rows, streamed; the query has already run (or, for a COPY, been planned) when this
        returns (``chunks``), so a failure is the view's error response, not a download cut short."""
        response = StreamingHttpResponse(self.chunks(queryset, serializer), content_type=self.content_type)
        response["Content-Disposition"] = self.content_disposition(filename)
        return response


def started(iterator: Iterable) -> Iterator:
    """``iterator`` with its first item already taken: the query behind it has run."""
    iterator = iter(iterator)
    for first in iterator:
        return itertools.chain([first], iterator)
    return iter(())


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
            copy_export.check_export(queryset, serializer)
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


class OCDSRenderer(ExportRenderer):
    """An OCDS 1.1 release package of contracts (api/ocds.py): on a list every matching contract's
    release, streamed; on a detail (``serves_details``) that contract's one release. OCDS defines
    no media type of its own: a JSON one of the registry's, so the API's schema can tell it apart."""

    media_type = "application/vnd.ocds+json"
    format = "ocds"
    extension = "json"
    serves_details = True

    def rows(self, objects, serializer):
        from api import ocds

        context = serializer.context
        metadata = ocds.package_metadata(context["request"], context["view"].validators().last_modified)
        return ocds.package_chunks(metadata, objects, context)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # A detail's package, or an error (views answer errors in JSON: api/views/base.py).
        return json.dumps(data, cls=JSONEncoder, ensure_ascii=False).encode(self.charset)


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


class XLSXRenderer(ExportRenderer):
    """An Excel workbook (openpyxl): the CSV's rows and columns in one sheet, for spreadsheet users
    whose Excel garbles UTF-8 CSV. Cells are typed: numbers and booleans as such, the update time as
    a date-time (UTC), everything else as text, never as a formula (a value starting with = stays
    text, without the CSV's protective quote). A workbook is a zip written at the end, so it is built
    whole before the first byte is sent: at most ``API_XLSX_MAX_ROWS`` rows (a 400 beyond)."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    extension = "xlsx"
    charset = None

    def export_response(self, queryset, serializer, filename: str) -> FileResponse:
        from openpyxl import Workbook

        limit = getattr(settings, "API_XLSX_MAX_ROWS", 100_000)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(filename.rsplit("-", 1)[0][:31] or "export")
        header = list(serializer.fields)
        sheet.append(header)
        for number, obj in enumerate(queryset.iterator(chunk_size=CHUNK_SIZE)):
            if number == limit:
                # The sheet's rows so far are in a temporary file that only a save would remove.
                sheet.close()
                sheet._writer.cleanup()
                raise ValidationError(
                    {
                        "format": [
                            f"A spreadsheet holds at most {limit:,} rows here: filter the list, or use csv."
                        ]
                    }
                )
            row = serializer.to_representation(obj)
            sheet.append([xlsx_cell(sheet, row[column]) for column in header])
        output = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it once sent)
        workbook.save(output)
        output.seek(0)
        return FileResponse(
            output, content_type=self.media_type, as_attachment=True, filename=f"{filename}.xlsx"
        )


# Excel keeps at most this many characters in a cell.
XLSX_CELL_MAX = 32_767


def xlsx_cell(sheet, value):
    """A typed cell: text is always text (never a formula), without the characters XML cannot hold."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value))[:XLSX_CELL_MAX])
    cell.data_type = "s"
    return cell


class FtMRenderer(ExportRenderer):
    """FollowTheMoney entities of every published record (api/ftm.py), one JSON object per line:
    the format ``ftm`` and ``alephclient write-entities`` read (``.ftm.json``)."""

    media_type = "application/x-ndjson"
    format = "ftm"
    extension = "ftm.json"

    def entities_response(self, filename: str) -> StreamingHttpResponse:
        """The entities, streamed; the first has been built (its query run) when this returns, so a
        failure is the view's error response, not a download cut short."""
        from api.ftm import entities, json_lines

        lines = started(json_lines(entities()))
        response = StreamingHttpResponse(
            (line.encode(self.charset) for line in lines), content_type=self.content_type
        )
        response["Content-Disposition"] = self.content_disposition(filename)
        return response
