"""CSV exports at the speed of PostgreSQL ``COPY``: the same rows, columns and escaping as the
serializer path (api/renderers.py ``CSVRenderer.rows``), computed by one SQL query and streamed
with ``COPY (query) TO STDOUT WITH (FORMAT csv)``.

The query is the view's own filtered, searched and ordered queryset, annotated with one SQL
expression per export column; so filters, search, ordering and the published-only selectors are
exactly those of the normal path. Each column mirrors its serializer field:

- a text column goes through ``escape_formula`` in SQL (a cell that starts like a formula gets a ');
- a relation's values are joined by "; " in the order of the selector's prefetch (then by id);
- an empty string and a missing value are both an empty cell (``NULLIF(..., '')``: PostgreSQL would
  quote an empty string as ``""`` to tell it from NULL; Python's csv writer does not);
- booleans are true/false, timestamps print as Python prints an aware UTC datetime;
- each COPY message is one row, so the ``\\n`` that ends it becomes the ``\\r\\n`` of Python's csv writer.

A list with joined columns is one statement in three parts, not a correlated subquery per column and
row: ``selected_rows`` (the ids, numbered by ``row_number()`` over the ORDER BY Django compiles for the
queryset), the row's own columns read by id, and per relation one grouped subquery over its link table
restricted to the selected ids (``string_agg``), left-joined by id.

tests/test_scale.py compares the two paths byte for byte.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.db import connections
from django.db.models import Case, F, Func, QuerySet, TextField, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, RowNumber

from api.links import link_expression
from api.serializers.exports import CameraCountExportSerializer, DeploymentExportSerializer
from deployments.models import DeploymentCitation
from deployments.selectors import (
    published_contract_links,
    published_law_links,
    published_place_links,
    published_technology_links,
    published_vendor_roles,
)
from registry.choices import ReviewStatus
from registry.imports.csv_safety import formula_start_sql
from registry.selectors import published_citations

BATCH_BYTES = 256 * 1024
SELECTED = "selected_rows"  # the name of the ids (and positions) of the exported rows in the SQL


class EscapedText(Func):
    """``escape_formula`` of a text value, and '' or NULL as an empty cell.

    The value appears once in the SQL: it may be a relation's ``string_agg`` or a link built from
    several columns, which PostgreSQL would compute again for each mention.
    """

    output_field = TextField()
    # E'''\\1': a quote, then the matched start (escape_formula's rule, csv_safety.py).
    template = "NULLIF(regexp_replace(%(expressions)s, E'" + formula_start_sql() + r"', E'''\\1'), '')"

    def __init__(self, expression):
        super().__init__(Cast(expression, TextField()) if isinstance(expression, str) else expression)


def text(path: str) -> EscapedText:
    return EscapedText(F(path))


def published_text(relation: str, field: str) -> EscapedText:
    """``field`` of the curated record ``relation`` points at, only while that record is published
    (an empty cell otherwise), as the serializer path shows it (deployments/selectors.py)."""
    published = When(**{f"{relation}__review_status": ReviewStatus.PUBLISHED}, then=F(f"{relation}__{field}"))
    return EscapedText(Case(published, output_field=TextField()))


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


@dataclass(eq=False)
class Relation:
    """The records linked to each exported row (``outer`` points to it), in one order."""

    queryset: QuerySet
    outer: str
    order_by: tuple[str, ...]

    def joined(self, value: str, nullable: bool = False) -> Joined:
        return Joined(self, value, nullable)

    def aggregated(self, columns: dict) -> QuerySet:
        """One row per selected record that has links: ``_selected_key`` (its id) and ``columns``."""
        selected_ids = RawSQL(f"SELECT id FROM {SELECTED}", ())  # noqa: S608, S611 (a constant)
        return (
            self.queryset.filter(**{f"{self.outer}__in": selected_ids})
            .order_by()
            .values(_selected_key=F(self.outer))
            .annotate(**columns)
        )


@dataclass(eq=False)
class Joined:
    """A relation's values joined by "; ", as JoinedField writes them."""

    relation: Relation
    value: str
    nullable: bool = False  # a missing value joins as "" (string_agg would skip it)

    def aggregate(self) -> EscapedText:
        value = self.value
        if self.nullable:
            value = Coalesce(Cast(F(value), TextField()), Value(""))
        return EscapedText(StringAgg(value, "; ", order_by=self.relation.order_by))


def detail_url(request, view_name: str, lookup_field: str, path: str) -> EscapedText:
    return EscapedText(link_expression(request, view_name, lookup_field, path))


def deployment_columns(request) -> dict:
    places = Relation(published_place_links(), "deployment", ("place__name", "place__id"))
    technologies = Relation(
        published_technology_links(), "deployment", ("technology__name", "technology__id")
    )
    roles = Relation(published_vendor_roles(), "deployment", ("id",))
    laws = Relation(published_law_links(), "deployment", ("legalframework__name", "legalframework__id"))
    contracts = Relation(
        published_contract_links(), "deployment", ("contract__signed_on", "contract__name", "contract__id")
    )
    citations = Relation(published_citations(DeploymentCitation), "record", ("id",))
    return {
        "slug": text("slug"),
        "url": detail_url(request, "api:deployment-detail", "slug", "slug"),
        "name": text("name"),
        "country_code": text("country__code"),
        "country_name": text("country__name"),
        "region": text("country__region"),
        "place_slugs": places.joined("place__slug"),
        "place_names": places.joined("place__name"),
        "place_latitudes": places.joined("place__latitude", nullable=True),
        "place_longitudes": places.joined("place__longitude", nullable=True),
        "operator_slug": published_text("operator", "slug"),
        "operator_name": published_text("operator", "name"),
        "status": text("status"),
        "started_on": text("started_on"),
        "ended_on": text("ended_on"),
        "technology_slugs": technologies.joined("technology__slug"),
        "technology_names": technologies.joined("technology__name"),
        "vendor_slugs": roles.joined("vendor__slug"),
        "vendor_names": roles.joined("vendor__name"),
        "vendor_roles": roles.joined("role"),
        "purposes": joined_array("purposes"),
        "data_location": text("data_location"),
        "data_managed_by": text("data_managed_by"),
        "governance_concerns": joined_array("governance_concerns"),
        "legal_framework_slugs": laws.joined("legalframework__slug"),
        "legal_framework_names": laws.joined("legalframework__name"),
        "contract_slugs": contracts.joined("contract__slug"),
        "summary": text("summary"),
        "citation_sources": citations.joined("source__slug"),
        "citation_urls": citations.joined("source__url"),
        "citation_archived_urls": citations.joined("source__archived_url"),
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
        "reported_on": text("source__published_on"),
        "qualifier": text("qualifier"),
        "cameras": plain("cameras"),
        "locations": plain("locations"),
        "kind": text("kind"),
        "phase": text("phase"),
        "place_slug": published_text("place", "slug"),
        "place_name": published_text("place", "name"),
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
    queryset = without_distinct(queryset.prefetch_related(None))
    aliases = {f"_csv_{index}": expression for index, expression in enumerate(columns.values())}
    if any(isinstance(expression, Joined) for expression in aliases.values()):
        sql, params = aggregated_query(queryset, aliases)
    else:
        sql, params = compiled(queryset.annotate(**aliases).values_list(*aliases))
    return sql, params, header


def without_distinct(queryset):
    """DISTINCT would add the ORDER BY columns to the output (and number duplicates apart): select
    the same rows by id instead."""
    if not queryset.query.distinct:
        return queryset
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    matching = queryset.order_by().values("pk")
    return queryset.model._base_manager.filter(pk__in=matching).order_by(*ordering)


def compiled(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def aggregated_query(queryset, aliases: dict) -> tuple[str, tuple]:
    """The rows' own columns read by id, and each relation's columns from one grouped subquery
    (see the module docstring), in the order of ``queryset``."""
    own = {alias: expression for alias, expression in aliases.items() if not isinstance(expression, Joined)}
    selected_sql, params = compiled(selected(queryset))
    rows = queryset.model._base_manager.order_by().annotate(**own, _csv_id=F("pk"))
    rows_sql, rows_params = compiled(rows.values_list(*own, "_csv_id"))
    params += rows_params
    source = dict.fromkeys(own, "csv_rows")
    joins = [f'JOIN ({rows_sql}) AS csv_rows ON csv_rows."_csv_id" = {SELECTED}.id']
    for index, (relation, columns) in enumerate(by_relation(aliases).items()):
        name = f"csv_relation_{index}"
        relation_sql, relation_params = compiled(relation.aggregated(columns))
        params += relation_params
        source.update(dict.fromkeys(columns, name))
        joins.append(f'LEFT JOIN ({relation_sql}) AS {name} ON {name}."_selected_key" = {SELECTED}.id')
    select = ", ".join(f'{source[alias]}."{alias}"' for alias in aliases)
    sql = (
        f"WITH {SELECTED} (id, position) AS MATERIALIZED ({selected_sql}) "  # noqa: S608 (our compiled SQL)
        f"SELECT {select} FROM {SELECTED} {' '.join(joins)} ORDER BY {SELECTED}.position"
    )
    return sql, params


def by_relation(aliases: dict) -> dict[Relation, dict]:
    """The aggregate of each joined column, grouped by relation: {relation: {alias: aggregate}}."""
    relations: dict[Relation, dict] = {}
    for alias, expression in aliases.items():
        if isinstance(expression, Joined):
            relations.setdefault(expression.relation, {})[alias] = expression.aggregate()
    return relations


def selected(queryset):
    """The ids of ``queryset`` and their position in its order."""
    ids = queryset.values_list("pk")
    position = Window(RowNumber(), order_by=sort_keys(ids))
    return ids.order_by().annotate(_csv_position=position).values_list("pk", "_csv_position")


def sort_keys(queryset) -> list:
    """The ORDER BY of ``queryset`` as Django compiles it (an ordering by a relation expanded to that
    model's ordering, with its joins added to the query), as expressions a window can sort by.

    A fresh compiler has no SELECT list yet, so no key comes back as a position ("ORDER BY 1")."""
    return [order_by for order_by, _ in queryset.query.get_compiler(using=queryset.db).get_order_by()]


def header_line(header: list[str]) -> bytes:
    line = io.StringIO()
    csv.writer(line).writerow(header)
    return line.getvalue().encode("utf-8")


def copy_statement(queryset, serializer) -> tuple[str, tuple, list[str]]:
    sql, params, header = export_query(queryset, serializer)
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')", params, header


def check_export(queryset, serializer) -> None:
    """Have PostgreSQL parse and plan the export's query (``EXPLAIN``), so that a request it cannot
    run is an error before the first byte, without holding the connection for a COPY that the
    response may never start."""
    sql, params, _ = export_query(queryset, serializer)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params or None)


def copy_csv_chunks(queryset, serializer) -> Iterator[bytes]:
    """The CSV file, in chunks of about 256 KB, read from ``COPY (query) TO STDOUT``."""
    statement, params, header = copy_statement(queryset, serializer)
    yield header_line(header)
    connection = connections[queryset.db]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(statement, params or None) as copy:
        batch, size = [], 0
        for row in copy:
            batch.append(bytes(row[:-1]))
            size += len(row) + 1
            if size >= BATCH_BYTES:
                yield b"\r\n".join(batch) + b"\r\n"
                batch, size = [], 0
        if batch:
            yield b"\r\n".join(batch) + b"\r\n"
