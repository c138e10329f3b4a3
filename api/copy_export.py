"""CSV exports at the speed of PostgreSQL ``COPY``: the same rows, columns and escaping as the
serializer path (api/renderers.py ``CSVRenderer.rows``), computed by one SQL query and streamed
with ``COPY (query) TO STDOUT WITH (FORMAT csv)``.

The query is the view's own filtered, searched and ordered queryset, annotated with one SQL
expression per export column; so filters, search, ordering and the published-only selectors are
exactly those of the normal path. Each column mirrors its serializer field:

- a text column goes through ``escape_formula`` in SQL (a leading = + - @ tab or CR gets a ');
- a relation's values are joined by "; " in the order of the selector's prefetch (then by id);
- an empty string and a missing value are both an empty cell (``NULLIF(..., '')``: PostgreSQL would
  quote an empty string as ``""`` to tell it from NULL; Python's csv writer does not);
- booleans are true/false, timestamps print as Python prints an aware UTC datetime;
- PostgreSQL ends rows with ``\\n``; each COPY message is one row, so the ``\\n`` that ends it becomes
  the ``\\r\\n`` of Python's csv writer (a newline inside a quoted cell is kept as it is).

tests/test_scale.py compares the two paths byte for byte (seed data and synthetic data, filters,
drafts, formula payloads, multi-valued columns, unicode).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from django.contrib.postgres.aggregates import StringAgg
from django.db import connections
from django.db.models import F, Func, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast

from api.links import link_expression
from api.serializers.exports import CameraCountExportSerializer, DeploymentExportSerializer
from deployments.models import Deployment, DeploymentCitation
from deployments.selectors import published_contract_links, published_law_links, published_vendor_roles
from registry.csv_safety import FORMULA_TRIGGERS
from registry.selectors import published_citations

BATCH_BYTES = 256 * 1024

# The trigger characters as a regular-expression bracket expression, '-' last; written in an E''
# string, where \t and \r become the characters.
_TRIGGERS_CLASS = "".join(
    {"\t": r"\t", "\r": r"\r"}.get(c, c) for c in sorted(FORMULA_TRIGGERS, key=lambda c: c == "-")
)


class EscapedText(Func):
    """``escape_formula`` of a text value, and '' or NULL as an empty cell.

    The value appears once in the SQL: it is often a correlated subquery (a joined column), which
    PostgreSQL would run again for each mention.
    """

    output_field = TextField()
    # E'''\\1': a quote, then the matched character.
    template = "NULLIF(regexp_replace(%(expressions)s, E'^([" + _TRIGGERS_CLASS + r"])', E'''\\1'), '')"

    def __init__(self, expression):
        super().__init__(Cast(expression, TextField()) if isinstance(expression, str) else expression)


def text(path: str) -> EscapedText:
    return EscapedText(F(path))


def plain(path: str) -> Func:
    """A number or UUID: written as text, never escaped (as csv_cell leaves non-strings)."""
    return Func(F(path), function="", template="(%(expressions)s)::text", output_field=TextField())


class PythonTimestamp(Func):
    """An aware UTC datetime as ``str(datetime)`` prints it: 2025-01-02 03:04:05.678900+00:00
    (no fraction when the microseconds are 0)."""

    output_field = TextField()
    separator, zone = " ", "+00:00"

    def as_sql(self, compiler, connection, **extra):
        template = (
            f"(to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"{self.separator}\"HH24:MI:SS') || CASE WHEN "
            "mod(date_part('microseconds', %(expressions)s AT TIME ZONE 'UTC')::bigint, 1000000) = 0 THEN '' "
            f"ELSE to_char(%(expressions)s AT TIME ZONE 'UTC', '.US') END || '{self.zone}')"
        )
        sql, params = super().as_sql(compiler, connection, template=template, **extra)
        return sql, tuple(params) * 3


class ISOTimestamp(PythonTimestamp):
    """An aware UTC datetime as DRF's DateTimeField writes it: 2025-01-02T03:04:05.678900Z."""

    separator, zone = "T", "Z"


def joined_array(path: str) -> EscapedText:
    return EscapedText(Func(F(path), Value("; "), function="array_to_string", output_field=TextField()))


def joined(queryset, outer: str, value: str, order_by: tuple[str, ...]) -> EscapedText:
    """The values of a relation joined by "; " (a correlated subquery), as JoinedField writes them."""
    rows = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(joined=StringAgg(value, "; ", order_by=order_by))
        .values("joined")
    )
    return EscapedText(Subquery(rows, output_field=TextField()))


def detail_url(request, view_name: str, lookup_field: str, path: str) -> EscapedText:
    return EscapedText(link_expression(request, view_name, lookup_field, path))


def deployment_columns(request) -> dict:
    places = Deployment.places.through.objects
    technologies = Deployment.technologies.through.objects
    laws = published_law_links()
    contracts = published_contract_links()
    roles = published_vendor_roles()
    citations = published_citations(DeploymentCitation)
    return {
        "slug": text("slug"),
        "url": detail_url(request, "api:deployment-detail", "slug", "slug"),
        "name": text("name"),
        "country_code": text("country__code"),
        "country_name": text("country__name"),
        "region": text("country__region"),
        "place_slugs": joined(places, "deployment", "place__slug", ("place__name", "place__id")),
        "place_names": joined(places, "deployment", "place__name", ("place__name", "place__id")),
        "operator_slug": text("operator__slug"),
        "operator_name": text("operator__name"),
        "status": text("status"),
        "started_on": text("started_on"),
        "ended_on": text("ended_on"),
        "technology_slugs": joined(
            technologies, "deployment", "technology__slug", ("technology__name", "technology__id")
        ),
        "technology_names": joined(
            technologies, "deployment", "technology__name", ("technology__name", "technology__id")
        ),
        "vendor_slugs": joined(roles, "deployment", "vendor__slug", ("id",)),
        "vendor_names": joined(roles, "deployment", "vendor__name", ("id",)),
        "vendor_roles": joined(roles, "deployment", "role", ("id",)),
        "purposes": joined_array("purposes"),
        "data_location": text("data_location"),
        "data_managed_by": text("data_managed_by"),
        "governance_concerns": joined_array("governance_concerns"),
        "legal_framework_slugs": joined(
            laws, "deployment", "legalframework__slug", ("legalframework__name", "legalframework__id")
        ),
        "legal_framework_names": joined(
            laws, "deployment", "legalframework__name", ("legalframework__name", "legalframework__id")
        ),
        "contract_slugs": joined(
            contracts,
            "deployment",
            "contract__slug",
            ("contract__signed_on", "contract__name", "contract__id"),
        ),
        "summary": text("summary"),
        "citation_sources": joined(citations, "record", "source__slug", ("id",)),
        "updated_at": PythonTimestamp(F("updated_at")),
    }


def camera_count_columns(request) -> dict:
    return {
        "public_id": plain("public_id"),
        "url": detail_url(request, "api:camera-count-detail", "public_id", "public_id"),
        "deployment_slug": text("deployment__slug"),
        "deployment_name": text("deployment__name"),
        "country_code": text("deployment__country__code"),
        "as_of": text("as_of"),
        "cameras": plain("cameras"),
        "locations": plain("locations"),
        "kind": text("kind"),
        "phase": text("phase"),
        "place_slug": text("place__slug"),
        "place_name": text("place__name"),
        "source_slug": text("source__slug"),
        "source_title": text("source__title"),
        "locator": text("locator"),
        "confidence": text("confidence"),
        "notes": text("notes"),
        "updated_at": PythonTimestamp(F("updated_at")),
    }


# Export serializers with an SQL twin; any other list uses the serializer path.
COPY_COLUMNS: dict[type, Callable] = {
    DeploymentExportSerializer: deployment_columns,
    CameraCountExportSerializer: camera_count_columns,
}


def supports(serializer) -> bool:
    return type(serializer) in COPY_COLUMNS


def export_query(queryset, serializer) -> tuple[str, tuple, list[str]]:
    """The SQL (and parameters) of the export rows of ``queryset``, and the header."""
    columns = COPY_COLUMNS[type(serializer)](serializer.context["request"])
    header = list(serializer.fields)
    if list(columns) != header:
        raise AssertionError(f"SQL export columns {list(columns)} differ from {header}")
    if queryset.query.distinct:
        # DISTINCT would add the ORDER BY columns to the output; select the same rows by id instead.
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        matching = queryset.order_by().values("pk")
        queryset = queryset.model._base_manager.filter(pk__in=matching).order_by(*ordering)
    aliases = {f"_csv_{index}": expression for index, expression in enumerate(columns.values())}
    rows = queryset.prefetch_related(None).annotate(**aliases).values_list(*aliases)
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    return sql, tuple(params), header


def header_line(header: list[str]) -> bytes:
    line = io.StringIO()
    csv.writer(line).writerow(header)
    return line.getvalue().encode("utf-8")


def copy_csv_chunks(queryset, serializer) -> Iterator[bytes]:
    """The CSV file, in chunks of about 256 KB, read from ``COPY (query) TO STDOUT``."""
    sql, params, header = export_query(queryset, serializer)
    yield header_line(header)
    connection = connections[queryset.db]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')"
        with cursor.copy(statement, params or None) as copy:
            batch, size = [], 0
            for row in copy:
                batch.append(bytes(row[:-1]))
                size += len(row) + 1
                if size >= BATCH_BYTES:
                    yield b"\r\n".join(batch) + b"\r\n"
                    batch, size = [], 0
            if batch:
                yield b"\r\n".join(batch) + b"\r\n"
