"""Pages of the deployment and camera-count lists as JSON built by PostgreSQL, equal to the
serializers' JSON.

A page of 100 deployments embeds about 1,500 related records (places, vendors, contracts and their
parties, laws, citations and their sources). Loading them as model instances and serializing them
with DRF cost about 80 ms of Python per page; PostgreSQL builds the same objects with
``json_build_object`` (which keeps the keys in the serializer's order) in a few milliseconds. A page
of 100 camera counts (each with its deployment, country, place and source) cost about 20 ms of
Python, more than its queries.

The SQL is compiled once per process, kind of row and site address (compiling the expression costs
more than running it); each page then fetches the objects of its rows by id, so the joins run for
the page's rows only, not for the rows an OFFSET skips.

``DeploymentSummarySerializer`` and ``CameraCountSerializer`` stay the definition of the
representation (the OpenAPI schema, the browsable API and ``API_LIST_SQL = False`` use them); tests
compare the two paths on the seed and on synthetic data, as they do for the COPY export
(api/copy_export.py).
"""

from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.db import connection
from django.db.models import Aggregate, F, Field, Func, OuterRef, Subquery, Value
from django.db.models.functions import Concat

from api.copy_export import ISOTimestamp
from api.links import PLACEHOLDER, link_expression, link_template
from deployments.models import CameraCount, Deployment, DeploymentCitation
from deployments.selectors import (
    published_contract_links,
    published_law_links,
    published_parties,
    published_vendor_roles,
)
from registry.selectors import published_citations

_MONTHS = "ARRAY['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec']"


class JSONObject(Func):
    """``json_build_object(key, value, ...)``: keys in the given order (jsonb would sort them).

    The result is parsed by psycopg into a dict; no Django field converts it.
    """

    function = "json_build_object"
    output_field = Field()

    def __init__(self, **fields):
        arguments = []
        for key, value in fields.items():
            arguments += [Value(key), F(value) if isinstance(value, str) else value]
        super().__init__(*arguments)


class NullOr(Func):
    """NULL when ``key`` (a nullable foreign key) is NULL, else ``value``: an optional nested object."""

    output_field = Field()
    template = "CASE WHEN %(expressions)s END"
    arg_joiner = " IS NULL THEN NULL ELSE "

    def __init__(self, key: str, value):
        super().__init__(F(key), value)


class JSONAgg(OrderableAggMixin, Aggregate):
    function = "json_agg"
    template = "%(function)s(%(expressions)s %(order_by)s)"
    output_field = Field()


class EmptyArrayIfNull(Func):
    template = "COALESCE(%(expressions)s, '[]'::json)"
    output_field = Field()


def json_array(
    queryset, outer: str, item: JSONObject, order_by: tuple[str, ...], outer_key: str = "pk"
) -> EmptyArrayIfNull:
    """The JSON objects of the rows of ``queryset`` whose ``outer`` is the enclosing row's
    ``outer_key`` (a correlated subquery), in order."""
    rows = (
        queryset.filter(**{outer: OuterRef(outer_key)})
        .order_by()
        .values(outer)
        .annotate(items=JSONAgg(item, order_by=order_by))
        .values("items")
    )
    return EmptyArrayIfNull(Subquery(rows, output_field=Field()))


class FuzzyDateDisplay(Func):
    """``format_fuzzy_date`` in SQL: "2017", "Feb 2017", "7 Feb 2017", or ""."""

    template = (
        "(CASE length(%(expressions)s) WHEN 4 THEN %(expressions)s "
        f"WHEN 7 THEN ({_MONTHS})[substr(%(expressions)s, 6, 2)::int] || ' ' || left(%(expressions)s, 4) "
        "WHEN 10 THEN substr(%(expressions)s, 9, 2)::int::text || ' ' "
        f"|| ({_MONTHS})[substr(%(expressions)s, 6, 2)::int] || ' ' || left(%(expressions)s, 4) "
        "ELSE '' END)"
    )
    output_field = Field()

    def __init__(self, path: str):
        super().__init__(F(path))

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, tuple(params) * 8


class FuzzyDatePrecision(Func):
    """``fuzzy_date_precision`` in SQL: "year", "month", "day", or NULL."""

    template = "(CASE length(%(expressions)s) WHEN 4 THEN 'year' WHEN 7 THEN 'month' WHEN 10 THEN 'day' END)"
    output_field = Field()

    def __init__(self, path: str):
        super().__init__(F(path))


class Links:
    """SQL expressions of the API's links, each from one ``reverse()`` (api/links.py)."""

    def __init__(self, request):
        self.request = request

    def detail(self, view_name: str, lookup_field: str, path: str, sample: str = PLACEHOLDER) -> Concat:
        return link_expression(self.request, view_name, lookup_field, path, sample)

    def filtered_list(self, view_name: str, query: str, path: str) -> Concat:
        url, _ = link_template(self.request, view_name)
        return Concat(Value(f"{url}?{query}"), F(path), output_field=Field())


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
        latitude=f"{prefix}latitude",
        longitude=f"{prefix}longitude",
    )


def deployment_summary(request) -> JSONObject:
    """``DeploymentSummarySerializer`` of each deployment, as one JSON object."""
    links = Links(request)
    place_links = Deployment.places.through.objects
    technology_links = Deployment.technologies.through.objects
    law_links = published_law_links()
    contract_links = published_contract_links()
    vendor_roles = published_vendor_roles()
    parties = published_parties()
    citations = published_citations(DeploymentCitation)
    vendor_url = links.detail("api:vendor-detail", "slug", "vendor__slug")
    return JSONObject(
        slug="slug",
        url=links.detail("api:deployment-detail", "slug", "slug"),
        name="name",
        summary="summary",
        country=country_ref(links, "country__"),
        region="country__region",
        places=json_array(
            place_links, "deployment", place_ref(links, "place__"), ("place__name", "place__id")
        ),
        operator=NullOr(
            "operator", JSONObject(slug="operator__slug", name="operator__name", kind="operator__kind")
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
        purposes="purposes",
        data_location="data_location",
        data_managed_by="data_managed_by",
        governance_concerns="governance_concerns",
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
                value_amount="contract__value_amount",
                value_currency="contract__value_currency",
                disclosure="contract__disclosure",
                buyer=JSONObject(
                    slug="contract__buyer__slug", name="contract__buyer__name", kind="contract__buyer__kind"
                ),
                vendors=json_array(
                    parties,
                    "contract",
                    JSONObject(slug="vendor__slug", name="vendor__name", url=vendor_url, role="role"),
                    ("id",),
                    outer_key="contract",
                ),
            ),
            ("contract__signed_on", "contract__name", "contract__id"),
        ),
        camera_counts_url=links.filtered_list("api:camera-count-list", "deployment=", "slug"),
        citations=json_array(
            citations,
            "record",
            JSONObject(
                source=source_ref(links, "source__"),
                field="field",
                confidence="confidence",
                locator="locator",
                quote="quote",
            ),
            ("id",),
        ),
        updated_at=ISOTimestamp(F("updated_at")),
        history_url=links.filtered_list("api:change-list", "model=deployment&record=", "slug"),
    )


def camera_count(request) -> JSONObject:
    """``CameraCountSerializer`` of each camera count, as one JSON object."""
    links = Links(request)
    return JSONObject(
        public_id="public_id",
        url=links.detail("api:camera-count-detail", "public_id", "public_id"),
        deployment=JSONObject(
            slug="deployment__slug",
            name="deployment__name",
            url=links.detail("api:deployment-detail", "slug", "deployment__slug"),
        ),
        country=country_ref(links, "deployment__country__"),
        as_of="as_of",
        as_of_display=FuzzyDateDisplay("as_of"),
        as_of_precision=FuzzyDatePrecision("as_of"),
        cameras="cameras",
        locations="locations",
        kind="kind",
        phase="phase",
        place=NullOr("place", place_ref(links, "place__")),
        source=source_ref(links, "source__"),
        locator="locator",
        confidence="confidence",
        notes="notes",
        updated_at=ISOTimestamp(F("updated_at")),
    )


# SQL of each kind of row, by model and site address (links are absolute); a handful of hosts at most.
_ROW_SQL: dict[tuple[str, str], tuple[str, tuple]] = {}
_PAGE_SQL = (
    "SELECT listed.item FROM ({sql}) AS listed (id, item) "  # noqa: S608 (our own compiled SQL)
    "JOIN unnest(%s::bigint[]) WITH ORDINALITY AS page (id, position) ON page.id = listed.id "
    "ORDER BY page.position"
)


def json_rows(request, model, json_object, ids: list[int]) -> list[dict]:
    """``json_object(request)`` of the ``model`` rows ``ids``, in that order."""
    key = (model._meta.label, request.build_absolute_uri("/"))
    if key not in _ROW_SQL:
        if len(_ROW_SQL) >= 16:
            _ROW_SQL.clear()
        rows = model._base_manager.order_by().values_list("pk", json_object(request))
        _ROW_SQL[key] = rows.query.sql_with_params()
    sql, params = _ROW_SQL[key]
    with connection.cursor() as cursor:
        cursor.execute(_PAGE_SQL.format(sql=sql), (*params, list(ids)))
        return [item for (item,) in cursor.fetchall()]


def deployment_summaries(request, ids: list[int]) -> list[dict]:
    """The summaries of the deployments ``ids``, in that order."""
    return json_rows(request, Deployment, deployment_summary, ids)


def camera_counts(request, ids: list[int]) -> list[dict]:
    """The camera counts ``ids``, in that order."""
    return json_rows(request, CameraCount, camera_count, ids)
