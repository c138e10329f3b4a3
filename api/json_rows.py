"""The deployment and camera-count lists' pages, and their details, as JSON written by PostgreSQL,
byte for byte the JSON DRF writes from the serializers: building ~1,500 related records a page as
model instances cost far more than the query (figures in docs/performance.md).

Each page (a detail is a page of one) is one statement over the array of its ids: the ids numbered
in their order (``unnest ... WITH ORDINALITY``); each row's own fields and one-to-one objects, read by
id; and per list (places, technologies, vendors, laws, contracts, stated costs, citations; a detail's camera counts)
one grouped subquery over its link table restricted to those ids, left-joined by id. One concatenation
then writes the fields in the serializer's order (``JSONObject``: values by ``to_json``, decimals by
``PythonFloat``), and the page splices the text in as it is (``RenderedRows``, api/renderers.py).

The statement is compiled once per process, kind of object and site address, and prepared
(``PREPARE``) once per database session with the generic plan (``plan_cache_mode``), so a page is
``EXECUTE name(ids)``. The ``PREPARE`` runs on the raw connection, like Django's own session set-up. A
session that lost its statements (``DISCARD ALL``, a transaction-mode pooler) would fail with
"prepared statement does not exist".

The serializers stay the definition of the representation (the OpenAPI schema, the browsable API and
``API_JSON_SQL = False`` use them); tests compare the two paths on the seed and on synthetic data.
"""

import itertools
import json
import weakref
from dataclasses import dataclass

from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.db.models import (
    Aggregate,
    BooleanField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Concat

from api.copy_export import SELECTED, ISOTimestamp, Relation, compiled
from api.links import PLACEHOLDER, link_expression, link_template
from api.renderers import RenderedRows
from deployments.claims import CONCERNS, PURPOSES, STRENGTH, TECHNOLOGIES, UNSOURCED, ClaimList
from deployments.models import CameraCount, Deployment, DeploymentCitation, Technology
from deployments.models.reported import AS_OF, REPORTED_ON
from deployments.selectors import (
    TIMELINE_ORDER,
    published_camera_counts,
    published_contract_links,
    published_law_links,
    published_parties,
    published_place_links,
    published_stated_costs,
    published_technology_links,
    published_vendor_roles,
)
from registry.choices import ReviewStatus
from registry.db_router import read_connection
from registry.models import Source
from registry.selectors import published_citations

_MONTHS = "ARRAY['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec']"


class JSONValue(Func):
    """An expression whose text is JSON already: ``json_text()`` takes it as it is."""

    output_field = TextField()


class JSONText(JSONValue):
    """A value as JSON text, as DRF's renderer writes it (``to_json``: the same escapes as Python's
    ``json.dumps`` with ``ensure_ascii=False``, compact arrays); NULL as ``null``."""

    template = "COALESCE(to_json(%(expressions)s)::text, 'null')"


class PythonFloat(JSONValue):
    """A decimal as DRF writes it when not coerced to a string: ``float(value)`` by Python's
    ``json``, i.e. ``repr()`` of the nearest double ("12.0", "1e-05", "1234567890123456.8").
    PostgreSQL prints the same shortest digits (``float8``), with ".0" left off whole numbers and in
    exponent form from 10^15 on, where Python waits until 10^16."""

    template = (
        "(SELECT CASE WHEN f IS NULL THEN 'null' "
        # 1.2345678901234568e+15: the first 16 digits before the point, the rest (or 0) after it.
        "WHEN right(f, 4) = 'e+15' THEN (CASE WHEN left(f, 1) = '-' THEN '-' ELSE '' END) "
        "|| rpad(left(d, 16), 16, '0') || '.' || COALESCE(NULLIF(substr(d, 17), ''), '0') "
        "WHEN f ~ '[.enN]' THEN f ELSE f || '.0' END "  # NaN and Infinity as they are
        "FROM (SELECT (%(expressions)s)::float8::text AS f) AS number, "
        "LATERAL (SELECT replace(ltrim(split_part(f, 'e', 1), '-'), '.', '') AS d) AS digits)"
    )


def json_text(value):
    """``value`` (a path, or an expression) as JSON text; a ``JSONValue`` (an object, an array, a
    number written by ``PythonFloat``) as it is."""
    if isinstance(value, JSONValue):
        return value
    return JSONText(F(value) if isinstance(value, str) else value)


def key_prefix(index: int, key: str) -> str:
    """What comes before the value of an object's ``index``-th key: ``{"key":`` or ``,"key":``."""
    return ("{" if index == 0 else ",") + json.dumps(key) + ":"


class JSONObject(JSONValue):
    """A JSON object as compact text, keys in the given order, as DRF renders a serializer's dict:
    ``{"key":value,...}`` (``json_build_object`` would put spaces around its colons and commas)."""

    arg_joiner = " || "
    template = "(%(expressions)s)"

    def __init__(self, **fields):
        arguments = []
        for index, (key, value) in enumerate(fields.items()):
            arguments += [Value(key_prefix(index, key)), json_text(value)]
        super().__init__(*arguments, Value("}"))


class PublishedOrNull(JSONValue):
    """``value`` when the curated record at ``prefix`` ("operator__") is published, else ``null``
    (also when there is none): a nested operator, buyer or place that is not published is never
    shown (deployments/selectors.py prefetches it as None on the serializer path)."""

    template = "(CASE WHEN %(expressions)s ELSE 'null' END)"
    arg_joiner = " THEN "

    def __init__(self, prefix: str, value):
        published = Q(**{f"{prefix}review_status": ReviewStatus.PUBLISHED})
        super().__init__(ExpressionWrapper(published, output_field=BooleanField()), value)


class JSONArrayAgg(OrderableAggMixin, Aggregate):
    """``[item,item]`` of JSON texts, in order; NULL when there are none (``EmptyArrayIfNull``)."""

    function = "string_agg"
    template = "('[' || %(function)s(%(expressions)s, ',' %(order_by)s) || ']')"
    output_field = TextField()


class EmptyArrayIfNull(JSONValue):
    template = "COALESCE(%(expressions)s, '[]')"


def correlated_json_array(
    queryset, outer: str, item: JSONObject, order_by: tuple[str, ...], outer_key: str = "pk"
) -> EmptyArrayIfNull:
    """The JSON objects of the rows of ``queryset`` whose ``outer`` is the enclosing row's
    ``outer_key`` (a correlated subquery), in order: a list inside a related record (a contract's
    parties), run only for the records a page embeds."""
    rows = (
        queryset.filter(**{outer: OuterRef(outer_key)})
        .order_by()
        .values(outer)
        .annotate(items=JSONArrayAgg(item, order_by=order_by))
        .values("items")
    )
    return EmptyArrayIfNull(Subquery(rows, output_field=TextField()))


@dataclass(eq=False)
class JSONArray:
    """A field listing the page row's records of ``relation`` as ``item`` objects, in the
    relation's order; aggregated once for the whole page (see ``page_sql``)."""

    relation: Relation
    item: JSONObject

    def aggregated(self):
        """One row per page row that has records: ``_selected_key`` (its id) and ``items``."""
        return self.relation.aggregated({"items": JSONArrayAgg(self.item, order_by=self.relation.order_by)})


def json_array(queryset, outer: str, item: JSONObject, order_by: tuple[str, ...]) -> JSONArray:
    """The ``item`` objects of the rows of ``queryset`` whose ``outer`` is the page's row."""
    return JSONArray(Relation(queryset, outer, order_by), item)


class FuzzyDateDisplay(Func):
    """``format_fuzzy_date`` in SQL: "2017", "Feb 2017", "7 Feb 2017", or ""."""

    template = (
        "(CASE length(%(expressions)s) WHEN 4 THEN %(expressions)s "
        f"WHEN 7 THEN ({_MONTHS})[substr(%(expressions)s, 6, 2)::int] || ' ' || left(%(expressions)s, 4) "
        "WHEN 10 THEN substr(%(expressions)s, 9, 2)::int::text || ' ' "
        f"|| ({_MONTHS})[substr(%(expressions)s, 6, 2)::int] || ' ' || left(%(expressions)s, 4) "
        "ELSE '' END)"
    )
    output_field = TextField()

    def __init__(self, path: str):
        super().__init__(F(path))

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, tuple(params) * 8


class FuzzyDatePrecision(Func):
    """``fuzzy_date_precision`` in SQL: "year", "month", "day", or NULL."""

    template = "(CASE length(%(expressions)s) WHEN 4 THEN 'year' WHEN 7 THEN 'month' WHEN 10 THEN 'day' END)"
    output_field = TextField()

    def __init__(self, path: str):
        super().__init__(F(path))


class TimelineDateBasis(Func):
    """``timeline_date_basis`` in SQL: "as_of", or "reported_on" when the figure has no as_of."""

    template = f"(CASE WHEN %(expressions)s = '' THEN '{REPORTED_ON}' ELSE '{AS_OF}' END)"
    output_field = TextField()

    def __init__(self):
        super().__init__(F("as_of"))


class Links:
    """SQL expressions of the API's links, each from one ``reverse()`` (api/links.py)."""

    def __init__(self, request):
        self.request = request

    def detail(self, view_name: str, lookup_field: str, path: str, sample: str = PLACEHOLDER) -> Concat:
        return link_expression(self.request, view_name, lookup_field, path, sample)

    def filtered_list(self, view_name: str, query: str, path: str) -> Concat:
        url, _ = link_template(self.request, view_name)
        return Concat(Value(f"{url}?{query}"), F(path), output_field=TextField())


def source_ref(links: Links, prefix: str = "") -> JSONObject:
    """``SourceRefSerializer`` of the source at ``prefix`` ("source__")."""
    return JSONObject(
        slug=f"{prefix}slug",
        title=f"{prefix}title",
        publisher=f"{prefix}publisher",
        kind=f"{prefix}kind",
        published_on=f"{prefix}published_on",
        url=links.detail("api:source-detail", "slug", f"{prefix}slug"),
        original_url=f"{prefix}url",
        archived_url=f"{prefix}archived_url",
    )


def country_ref(links: Links, prefix: str) -> JSONObject:
    """``CountryRefSerializer`` of the country at ``prefix`` ("country__")."""
    return JSONObject(
        code=f"{prefix}code",
        name=f"{prefix}name",
        url=links.detail("api:country-detail", "code", f"{prefix}code", sample="ZZ"),
    )


def place_ref(links: Links, prefix: str) -> JSONObject:
    """``PlaceRefSerializer`` of the place at ``prefix`` ("place__")."""
    return JSONObject(
        slug=f"{prefix}slug",
        name=f"{prefix}name",
        kind=f"{prefix}kind",
        url=links.detail("api:place-detail", "slug", f"{prefix}slug"),
        latitude=PythonFloat(F(f"{prefix}latitude")),
        longitude=PythonFloat(F(f"{prefix}longitude")),
    )


class ItemClaims(JSONValue):
    """``item_claims`` (deployments/claims.py) in SQL: each item of the deployment's list, in the
    list's order, with the strongest confidence of its citations by published sources (or
    "unsourced") and those sources' slugs, oldest citation first."""

    def __init__(self, claims: ClaimList):
        self.claims = claims
        super().__init__()

    def as_sql(self, compiler, connection, **extra):
        deployment = compiler.quote_name_unless_alias(Deployment._meta.db_table)
        strength = "ARRAY[" + ",".join(f"'{confidence.value}'" for confidence in STRENGTH) + "]::text[]"
        if self.claims is TECHNOLOGIES:
            links, technology = Deployment.technologies.through._meta.db_table, Technology._meta.db_table
            items = (
                f"ARRAY(SELECT t.slug::text FROM {links} l JOIN {technology} t ON t.id = l.technology_id "  # noqa: S608
                f"WHERE l.deployment_id = {deployment}.id AND t.review_status = %s ORDER BY t.name, t.id)"
            )
            params = [ReviewStatus.PUBLISHED]
        else:
            items, params = f"{deployment}.{connection.ops.quote_name(self.claims.field)}::text[]", []
        item = f"'{{\"{self.claims.name}\":' || to_json(i.item)::text"
        # The record's item citations of this field, grouped by item once (not looked up per item);
        # each citation's source read by its id (a nested loop, never a hash of every source).
        sql = (
            f"(SELECT COALESCE('[' || string_agg({item} || ',\"confidence\":' || "  # noqa: S608
            f"to_json(COALESCE(({strength})[cited.strength], '{UNSOURCED}'))::text || ',\"sources\":' || "
            f"COALESCE(cited.sources, '[]') || '}}', ',' ORDER BY i.n) || ']', '[]') "
            f"FROM unnest({items}) WITH ORDINALITY AS i (item, n) LEFT JOIN ("
            f"SELECT c.item::text AS item, min(array_position({strength}, c.confidence::text)) AS strength, "
            "'[' || string_agg(to_json(s.slug)::text, ',' ORDER BY c.id) || ']' AS sources "
            f"FROM {DeploymentCitation._meta.db_table} c CROSS JOIN LATERAL (SELECT slug FROM "
            f"{Source._meta.db_table} WHERE id = c.source_id AND review_status = %s) AS s "
            f"WHERE c.record_id = {deployment}.id AND c.field = %s AND c.item <> '' GROUP BY c.item"
            ") AS cited ON cited.item = i.item)"
        )
        return sql, (*params, ReviewStatus.PUBLISHED, self.claims.field)


def deployment_summary(request) -> dict:
    """The fields of ``DeploymentSummarySerializer``, in its order: paths, expressions and lists."""
    links = Links(request)
    place_links = published_place_links()
    technology_links = published_technology_links()
    law_links = published_law_links()
    contract_links = published_contract_links()
    vendor_roles = published_vendor_roles()
    parties = published_parties()
    citations = published_citations(DeploymentCitation)
    vendor_url = links.detail("api:vendor-detail", "slug", "vendor__slug")
    return dict(
        slug="slug",
        url=links.detail("api:deployment-detail", "slug", "slug"),
        name="name",
        summary="summary",
        country=country_ref(links, "country__"),
        region="country__region",
        places=json_array(
            place_links, "deployment", place_ref(links, "place__"), ("place__name", "place__id")
        ),
        operator=PublishedOrNull(
            "operator__",
            JSONObject(
                slug="operator__slug",
                name="operator__name",
                kind="operator__kind",
                url=links.detail("api:public-body-detail", "slug", "operator__slug"),
            ),
        ),
        status="status",
        started_on="started_on",
        started_on_display=FuzzyDateDisplay("started_on"),
        started_on_precision=FuzzyDatePrecision("started_on"),
        ended_on="ended_on",
        ended_on_display=FuzzyDateDisplay("ended_on"),
        ended_on_precision=FuzzyDatePrecision("ended_on"),
        technologies=json_array(
            technology_links,
            "deployment",
            JSONObject(
                slug="technology__slug",
                name="technology__name",
                url=links.detail("api:technology-detail", "slug", "technology__slug"),
            ),
            ("technology__name", "technology__id"),
        ),
        technology_claims=ItemClaims(TECHNOLOGIES),
        purposes="purposes",
        purpose_claims=ItemClaims(PURPOSES),
        data_location="data_location",
        data_managed_by="data_managed_by",
        governance_concerns="governance_concerns",
        concern_claims=ItemClaims(CONCERNS),
        vendors=json_array(
            vendor_roles,
            "deployment",
            JSONObject(slug="vendor__slug", name="vendor__name", url=vendor_url, role="role", notes="notes"),
            ("id",),
        ),
        legal_frameworks=json_array(
            law_links,
            "deployment",
            JSONObject(
                slug="legalframework__slug",
                name="legalframework__name",
                short_name="legalframework__short_name",
                url=links.detail("api:legal-framework-detail", "slug", "legalframework__slug"),
            ),
            ("legalframework__name", "legalframework__id"),
        ),
        contracts=json_array(
            contract_links,
            "deployment",
            JSONObject(
                slug="contract__slug",
                url=links.detail("api:contract-detail", "slug", "contract__slug"),
                name="contract__name",
                kind="contract__kind",
                signed_on="contract__signed_on",
                signed_on_display=FuzzyDateDisplay("contract__signed_on"),
                value_amount=PythonFloat(F("contract__value_amount")),
                value_currency="contract__value_currency",
                disclosure="contract__disclosure",
                buyer=PublishedOrNull(
                    "contract__buyer__",
                    JSONObject(
                        slug="contract__buyer__slug",
                        name="contract__buyer__name",
                        kind="contract__buyer__kind",
                        url=links.detail("api:public-body-detail", "slug", "contract__buyer__slug"),
                    ),
                ),
                vendors=correlated_json_array(
                    parties,
                    "contract",
                    JSONObject(slug="vendor__slug", name="vendor__name", url=vendor_url, role="role"),
                    ("id",),
                    outer_key="contract",
                ),
            ),
            ("contract__signed_on", "contract__name", "contract__id"),
        ),
        stated_costs=json_array(
            published_stated_costs(),
            "deployment",
            JSONObject(
                description="description",
                qualifier="qualifier",
                amount=PythonFloat(F("amount")),
                currency="currency",
                period_start="period_start",
                period_start_display=FuzzyDateDisplay("period_start"),
                period_end="period_end",
                period_end_display=FuzzyDateDisplay("period_end"),
                source=source_ref(links, "source__"),
                locator="locator",
                confidence="confidence",
            ),
            ("id",),
        ),
        events_url=links.filtered_list("api:event-list", "deployment=", "slug"),
        camera_counts_url=links.filtered_list("api:camera-count-list", "deployment=", "slug"),
        citations=json_array(
            citations,
            "record",
            JSONObject(
                source=source_ref(links, "source__"),
                field="field",
                item="item",
                confidence="confidence",
                locator="locator",
                quote="quote",
            ),
            ("id",),
        ),
        updated_at=ISOTimestamp(F("updated_at")),
        history_url=links.filtered_list("api:change-list", "model=deployment&record=", "slug"),
    )


def camera_count_entry(links: Links) -> dict:
    """The fields of ``CameraCountEntrySerializer`` (a count in a deployment's timeline), in its order."""
    return dict(
        public_id="public_id",
        url=links.detail("api:camera-count-detail", "public_id", "public_id"),
        as_of="as_of",
        as_of_display=FuzzyDateDisplay("as_of"),
        as_of_precision=FuzzyDatePrecision("as_of"),
        reported_on="source__published_on",
        timeline_date="timeline_date",
        timeline_date_basis=TimelineDateBasis(),
        qualifier="qualifier",
        cameras="cameras",
        locations="locations",
        kind="kind",
        phase="phase",
        place=PublishedOrNull("place__", place_ref(links, "place__")),
        source=source_ref(links, "source__"),
        locator="locator",
        confidence="confidence",
        notes="notes",
    )


def deployment_detail(request) -> dict:
    """The fields of ``DeploymentSerializer``: the summary's, with the camera-count timeline before
    its last four (as the serializer inserts it), in the timeline's order (``TIMELINE_ORDER``)."""
    summary = list(deployment_summary(request).items())
    timeline = json_array(
        published_camera_counts(),
        "deployment",
        JSONObject(**camera_count_entry(Links(request))),
        TIMELINE_ORDER,
    )
    return dict([*summary[:-4], ("camera_counts", timeline), *summary[-4:]])


def camera_count(request) -> dict:
    """The fields of ``CameraCountSerializer``, in its order: the timeline entry's, with its
    deployment and country after the url."""
    links = Links(request)
    entry = list(camera_count_entry(links).items())
    return dict(
        [
            *entry[:2],
            (
                "deployment",
                JSONObject(
                    slug="deployment__slug",
                    name="deployment__name",
                    url=links.detail("api:deployment-detail", "slug", "deployment__slug"),
                ),
            ),
            ("country", country_ref(links, "deployment__country__")),
            *entry[2:],
            ("updated_at", ISOTimestamp(F("updated_at"))),
        ]
    )


def page_sql(model, fields: dict) -> tuple[str, tuple]:
    """The SQL of the JSON texts of the ``model`` rows whose ids are the array ``$1``, in its
    order, and its other parameters (see the module docstring)."""
    columns = {
        key: (f"_json_{index}", value if isinstance(value, JSONArray) else json_text(value))
        for index, (key, value) in enumerate(fields.items())
    }
    own = {alias: value for alias, value in columns.values() if not isinstance(value, JSONArray)}
    rows = model._base_manager.order_by().annotate(**own, _json_id=F("pk")).values_list(*own, "_json_id")
    sql, params = compiled(rows)
    joins = [f'JOIN ({sql}) AS json_row ON json_row."_json_id" = {SELECTED}.id']
    parts = []  # the keys are keyword arguments, so plain SQL literals
    for index, (key, (alias, value)) in enumerate(columns.items()):
        parts.append(f"'{key_prefix(index, key)}'")
        if isinstance(value, JSONArray):
            relation_sql, relation_params = compiled(value.aggregated())
            params += relation_params
            joins.append(f'LEFT JOIN ({relation_sql}) AS {alias} ON {alias}."_selected_key" = {SELECTED}.id')
            parts.append(f"COALESCE({alias}.items, '[]')")
        else:
            parts.append(f'json_row."{alias}"')
    sql = (
        f"WITH {SELECTED} (id, position) AS (SELECT * FROM unnest($1::bigint[]) WITH ORDINALITY) "  # noqa: S608
        f"SELECT {' || '.join(parts)} || '}}' FROM {SELECTED} {' '.join(joins)} "
        f"ORDER BY {SELECTED}.position"
    )
    return sql, params


@dataclass(frozen=True)
class Statement:
    """A page's SQL, with its other parameters, and the name it is prepared under."""

    name: str
    sql: str
    params: tuple


# The statement of each kind of object (its fields function) and site address (links are absolute;
# a handful of hosts at most). Names are never reused: a session may still hold a statement dropped
# from this cache.
_STATEMENTS: dict[tuple[str, str], Statement] = {}
_numbers = itertools.count()
# The statements prepared in each database session: a psycopg connection (a new one after a reconnect).
_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def statement(request, model, fields) -> Statement:
    key = (f"{model._meta.label}.{fields.__name__}", request.build_absolute_uri("/"))
    if key not in _STATEMENTS:
        if len(_STATEMENTS) >= 16:
            _STATEMENTS.clear()
        _STATEMENTS[key] = Statement(f"json_page_{next(_numbers)}", *page_sql(model, fields(request)))
    return _STATEMENTS[key]


def prepare(connection, page: Statement) -> None:
    """``PREPARE`` the statement in this session unless it is already: once per connection, like
    Django's own session setup (so it is not one of a request's logged queries)."""
    connection.ensure_connection()
    prepared = _PREPARED.setdefault(connection.connection, set())
    if page.name not in prepared:
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            cursor.execute(f"PREPARE {page.name} (bigint[]) AS {page.sql}", page.params)
            # For the session: Django binds parameters on the client and prepares nothing, so the
            # setting reaches only these statements (and PL/pgSQL's cached plans, whose lookups by
            # key plan the same either way).
            cursor.execute("SET plan_cache_mode = force_generic_plan")
        prepared.add(page.name)


def json_rows(request, model, fields, ids: list[int]) -> RenderedRows:
    """The objects ``fields(request)`` of the ``model`` rows ``ids``, in that order, as JSON texts."""
    page = statement(request, model, fields)
    connection = read_connection()  # the request's database: a replica during a public read
    prepare(connection, page)
    with connection.cursor() as cursor:
        cursor.execute(f"EXECUTE {page.name}(%s)", [list(ids)])
        return RenderedRows(item for (item,) in cursor.fetchall())


def deployment_summaries(request, ids: list[int]) -> RenderedRows:
    """The summaries of the deployments ``ids``, in that order."""
    return json_rows(request, Deployment, deployment_summary, ids)


def deployment_details(request, ids: list[int]) -> RenderedRows:
    """The details (summary and camera-count timeline) of the deployments ``ids``, in that order."""
    return json_rows(request, Deployment, deployment_detail, ids)


def camera_counts(request, ids: list[int]) -> RenderedRows:
    """The camera counts ``ids``, in that order."""
    return json_rows(request, CameraCount, camera_count, ids)
