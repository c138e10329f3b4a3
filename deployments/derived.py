"""Columns PostgreSQL derives from a row and the rows it points to, kept by triggers whatever writes
(the ORM, ``QuerySet.update()``, raw SQL, ``COPY``, imports):

- ``search_vector`` of deployments, contracts and camera counts: the document ``?search=`` matches
  (api/filters.py), stored so that a GIN index holds it, related records' names included (a curated
  one's only while it is published);
- ``search_names`` of deployments and contracts: their names and those of the records they point to
  (vendors and their aliases, places, country, operator or buyer), folded, for the trigram fallback
  that finds ``Hikvison`` when full-text search finds nothing (a GIN trigram index holds it);
- ``is_public`` of camera counts and measurements: published, of a published deployment, from a
  published source;
- ``timeline_date`` of camera counts and measurements: their ``as_of``, else their source's published
  date; a row with neither is refused (deployments/models/reported.py), and so is a source's date
  removed while such a row relies on it.

Text is folded before it is indexed (``registry_search_fold``, registry/migrations: Serbian Cyrillic
to Latin, accents off, lower case), so ``Bogota`` finds Bogotá and ``Beograd`` finds Београд.

A BEFORE trigger computes the columns on every insert and update of the row; whatever a statement
writes into them is replaced. When a row they depend on changes (a country or vendor renamed, a
source retracted, a place linked), an AFTER trigger there sets the dependent rows' column to DEFAULT,
so that their BEFORE trigger computes it again: row by row for an edited record, once per statement
for links (a ``COPY`` of 100,000 links recomputes each deployment once). Only published vendors and
deployments lend their names: a draft's name must not make a public record findable. The columns
are no curator's edit: they stay out of history (registry/curation/history.py), forms, serializers
and import/export resources.
"""

import pgtrigger

from registry.choices import ReviewStatus
from registry.models import Country, Source
from vendors.models import Vendor

PUBLISHED = f"'{ReviewStatus.PUBLISHED}'"
# A figure with no date of its own whose source has none either (deployments/models/reported.py).
UNDATED_MESSAGE = (
    "Give the date the figure is as of: its source has no published date either, so the figure "
    "would have no date at all (or date the source first)."
)


def joined(*parts: str) -> str:
    """The SQL of ``parts`` joined by spaces, a missing one as ''."""
    return " || ' ' || ".join(f"COALESCE({part}, '')" for part in parts)


def search_document(*parts: str) -> str:
    """The tsvector of ``parts`` (api/filters.py ``SearchDocument`` writes the same SQL)."""
    return f"registry_search_document({joined(*parts)})"


def computed(column: str, expression: str, unless: pgtrigger.Q | None = None) -> pgtrigger.Trigger:
    """``NEW.column := expression`` before every insert and update, except those where ``unless``
    holds: rows for which the expression would give the column the value it already has."""
    return pgtrigger.Trigger(
        name=f"compute_{column}",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        condition=None if unless is None else ~unless,
        func=f"NEW.{column} := {expression}; RETURN NEW;",
    )


def computed_search(document: tuple[str, ...], names: tuple[str, ...], related: dict[str, str]):
    """``search_vector`` and ``search_names`` before every insert and update; ``related`` names the
    subqueries both use ({variable: SQL}), run once."""
    assignments = "".join(f"{variable} := {sql}; " for variable, sql in related.items())
    return pgtrigger.Trigger(
        name="compute_search",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        declare=[(variable, "text") for variable in related],
        func=(
            f"{assignments}NEW.search_vector := {search_document(*document)}; "
            f"NEW.search_names := registry_search_fold({joined(*names)}); RETURN NEW;"
        ),
    )


def recompute(
    name: str, *, on_change_of: str | tuple[str, ...], table: str, where: str, column: str = "search_vector"
) -> pgtrigger.Trigger:
    """After an update that changes ``on_change_of``, have ``table``'s rows ``where`` compute ``column``
    again (their ``computed`` trigger replaces the DEFAULT)."""
    fields = (on_change_of,) if isinstance(on_change_of, str) else on_change_of
    condition = pgtrigger.Q()
    for field in fields:
        condition |= pgtrigger.Q(**{f"old__{field}__df": pgtrigger.F(f"new__{field}")})
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        condition=condition,
        func=f"UPDATE {table} SET {column} = DEFAULT WHERE {where}; RETURN NULL;",  # noqa: S608 (constants)
    )


def recompute_for_links(name: str, *targets: tuple[str, str]) -> list[pgtrigger.Trigger]:
    """After a statement adds, removes or changes links, have the rows they concern compute their
    search columns again, each once: ``targets`` are (table, SQL of its ids from ``links``), where
    ``links`` stands for the statement's rows (old and new)."""
    triggers = []
    for suffix, operation, referencing, rows in (
        ("ins", pgtrigger.Insert, pgtrigger.Referencing(new="new_links"), "new_links"),
        ("del", pgtrigger.Delete, pgtrigger.Referencing(old="old_links"), "old_links"),
        (
            "upd",
            pgtrigger.Update,
            pgtrigger.Referencing(old="old_links", new="new_links"),
            "(SELECT * FROM old_links UNION ALL SELECT * FROM new_links)",
        ),
    ):
        updates = "".join(
            f"UPDATE {table} SET search_vector = DEFAULT WHERE id IN ({ids.format(links=rows)}); "  # noqa: S608
            for table, ids in targets
        )
        triggers.append(
            pgtrigger.Trigger(
                name=f"{name}_{suffix}",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=operation,
                referencing=referencing,
                func=f"{updates}RETURN NULL;",
            )
        )
    return triggers


def _name_of(table: str, key: str) -> str:
    return f"(SELECT name FROM {table} WHERE id = NEW.{key})"  # noqa: S608 (constants)


def _published_name_of(table: str, key: str) -> str:
    """The name of a curated record while it is published (NULL otherwise): what a draft is called
    must not make a published record match a search."""
    return f"(SELECT name FROM {table} WHERE id = NEW.{key} AND review_status = {PUBLISHED})"  # noqa: S608


def _is_published(table: str, key: str) -> str:
    return f"EXISTS (SELECT FROM {table} WHERE id = NEW.{key} AND review_status = {PUBLISHED})"  # noqa: S608


# A vendor's searchable names: its name, legal name and aliases.
VENDOR_NAMES = "v.name || ' ' || v.legal_name || ' ' || array_to_string(v.aliases, ' ')"


def _vendor_names(links: str, key: str) -> str:
    """The published vendors' names of the row's links in ``links`` (by ``key``)."""
    return (
        f"(SELECT string_agg({VENDOR_NAMES}, ' ' ORDER BY l.id) FROM {links} l "  # noqa: S608 (constants)
        f"JOIN vendors_vendor v ON v.id = l.vendor_id WHERE l.{key} = NEW.id AND v.review_status = {PUBLISHED})"
    )


DEPLOYMENT_PLACE_NAMES = (
    "(SELECT string_agg(p.name, ' ' ORDER BY p.id) FROM deployments_deployment_places l "
    "JOIN deployments_place p ON p.id = l.place_id AND p.review_status = 'published' "
    "WHERE l.deployment_id = NEW.id)"
)
# A contract's places: its buyer's, and those of its published deployments.
CONTRACT_PLACE_NAMES = (
    "(SELECT string_agg(p.name, ' ' ORDER BY p.id) FROM deployments_place p "
    "WHERE p.review_status = 'published' AND p.id IN ("
    "SELECT b.place_id FROM deployments_publicbody b WHERE b.id = NEW.buyer_id UNION "
    "SELECT dp.place_id FROM deployments_contract_deployments cd "
    "JOIN deployments_deployment d ON d.id = cd.deployment_id AND d.review_status = 'published' "
    "JOIN deployments_deployment_places dp ON dp.deployment_id = d.id WHERE cd.contract_id = NEW.id))"
)

# Documents: the api/views' search_fields, in the same order, then the related names
# (tests/test_derived_columns.py compares them).
DEPLOYMENT_SEARCH = computed_search(
    document=(
        "NEW.name",
        "NEW.summary",
        "NEW.data_managed_by",
        "country_name",
        "operator_name",
        "vendor_names",
        "place_names",
    ),
    names=("NEW.name", "country_name", "operator_name", "vendor_names", "place_names"),
    related={
        "country_name": _name_of("registry_country", "country_id"),
        "operator_name": _published_name_of("deployments_publicbody", "operator_id"),
        "vendor_names": _vendor_names("deployments_deploymentvendor", "deployment_id"),
        "place_names": DEPLOYMENT_PLACE_NAMES,
    },
)
CONTRACT_SEARCH = computed_search(
    document=("NEW.name", "NEW.summary", "NEW.financing", "buyer_name", "vendor_names", "place_names"),
    names=("NEW.name", "buyer_name", "vendor_names", "place_names"),
    related={
        "buyer_name": _published_name_of("deployments_publicbody", "buyer_id"),
        "vendor_names": _vendor_names("deployments_contractparty", "contract_id"),
        "place_names": CONTRACT_PLACE_NAMES,
    },
)
CAMERA_COUNT_SEARCH = computed(
    "search_vector",
    search_document(_published_name_of("deployments_deployment", "deployment_id"), "NEW.phase", "NEW.notes"),
)


def public_with_deployment_and_source() -> pgtrigger.Trigger:
    """``is_public`` of a row that hangs off a deployment and cites a source."""
    return computed(
        "is_public",
        f"NEW.review_status = {PUBLISHED} AND {_is_published('deployments_deployment', 'deployment_id')} "
        f"AND {_is_published('registry_source', 'source_id')}",
        # An unpublished row is never public: one already FALSE (a new draft) is left as it is. A
        # PL/pgSQL call per row was a tenth of storing an import of drafts.
        unless=~pgtrigger.Q(new__review_status=ReviewStatus.PUBLISHED)
        & pgtrigger.Q(new__is_public__ndf=False),
    )


def timeline_date(table: str) -> pgtrigger.Trigger:
    """``timeline_date``: ``as_of``, else the source's published date; neither is an error (a
    check_violation, as a CHECK constraint's, named ``{table}_dated``)."""
    message = UNDATED_MESSAGE.replace("'", "''")
    return pgtrigger.Trigger(
        name="compute_timeline_date",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        func=(
            "IF NEW.as_of <> '' THEN NEW.timeline_date := NEW.as_of; ELSE "  # noqa: S608 (constants)
            "NEW.timeline_date := COALESCE((SELECT published_on FROM registry_source WHERE id = NEW.source_id), ''); "
            f"IF NEW.timeline_date = '' THEN RAISE EXCEPTION '{message}' "
            f"USING ERRCODE = 'check_violation', CONSTRAINT = '{table}_dated'; END IF; END IF; RETURN NEW;"
        ),
    )


CAMERA_COUNT_PUBLIC = public_with_deployment_and_source()
MEASUREMENT_PUBLIC = public_with_deployment_and_source()

# The related rows' side. Only published counts can be public, so only they are recomputed.
COUNTRY_RENAMED = recompute(
    "recompute_deployment_search",
    on_change_of="name",
    table="deployments_deployment",
    where="country_id = NEW.id",
)
PUBLIC_BODY_CHANGED = recompute(
    "recompute_search",
    on_change_of=("name", "place_id", "review_status"),
    table="deployments_contract",
    where="buyer_id = NEW.id",
)
OPERATOR_RENAMED = recompute(
    "recompute_deployment_search",
    on_change_of=("name", "review_status"),
    table="deployments_deployment",
    where="operator_id = NEW.id",
)
DEPLOYMENT_RENAMED = recompute(
    "recompute_camera_count_search",
    on_change_of=("name", "review_status"),
    table="deployments_cameracount",
    where="deployment_id = NEW.id",
)
# Contracts lend the places of published deployments only.
DEPLOYMENT_PUBLICATION = recompute(
    "recompute_contract_search",
    on_change_of="review_status",
    table="deployments_contract",
    where="id IN (SELECT contract_id FROM deployments_contract_deployments WHERE deployment_id = NEW.id)",
)
DEPLOYMENT_REVIEWED = recompute(
    "recompute_camera_count_public",
    on_change_of="review_status",
    table="deployments_cameracount",
    column="is_public",
    where=f"deployment_id = NEW.id AND review_status = {PUBLISHED}",
)
SOURCE_REVIEWED = recompute(
    "recompute_camera_count_public",
    on_change_of="review_status",
    table="deployments_cameracount",
    column="is_public",
    where=f"source_id = NEW.id AND review_status = {PUBLISHED}",
)
DEPLOYMENT_REVIEWED_MEASUREMENTS = recompute(
    "recompute_measurement_public",
    on_change_of="review_status",
    table="deployments_measurement",
    column="is_public",
    where=f"deployment_id = NEW.id AND review_status = {PUBLISHED}",
)
SOURCE_REVIEWED_MEASUREMENTS = recompute(
    "recompute_measurement_public",
    on_change_of="review_status",
    table="deployments_measurement",
    column="is_public",
    where=f"source_id = NEW.id AND review_status = {PUBLISHED}",
)
# A source's date is the date of the figures it gives undated: they move with it (and a source's
# date removed while one relies on it is refused by their trigger).
SOURCE_REDATED = [
    recompute(
        f"recompute_{name}_timeline_date",
        on_change_of="published_on",
        table=f"deployments_{table}",
        column="timeline_date",
        where="source_id = NEW.id AND as_of = ''",
    )
    for name, table in (("camera_count", "cameracount"), ("measurement", "measurement"))
]
VENDOR_NAMES_CHANGED = [
    recompute(
        f"recompute_{target}_search",
        on_change_of=("name", "legal_name", "aliases", "review_status"),
        table=f"deployments_{target}",
        where=f"id IN (SELECT {target}_id FROM deployments_{link} WHERE vendor_id = NEW.id)",  # noqa: S608
    )
    for target, link in (("deployment", "deploymentvendor"), ("contract", "contractparty"))
]
PLACE_RENAMED = [
    recompute(
        "recompute_deployment_search",
        on_change_of=("name", "review_status"),
        table="deployments_deployment",
        where="id IN (SELECT deployment_id FROM deployments_deployment_places WHERE place_id = NEW.id)",
    ),
    recompute(
        "recompute_contract_search",
        on_change_of=("name", "review_status"),
        table="deployments_contract",
        where="buyer_id IN (SELECT id FROM deployments_publicbody WHERE place_id = NEW.id) OR id IN ("
        "SELECT cd.contract_id FROM deployments_contract_deployments cd JOIN deployments_deployment_places dp "
        "ON dp.deployment_id = cd.deployment_id WHERE dp.place_id = NEW.id)",
    ),
]
# Links: a vendor's role in a deployment or a contract, a deployment's places, a contract's deployments.
DEPLOYMENT_VENDOR_LINKED = recompute_for_links(
    "recompute_search", ("deployments_deployment", "SELECT deployment_id FROM {links} AS l")
)
CONTRACT_PARTY_LINKED = recompute_for_links(
    "recompute_search", ("deployments_contract", "SELECT contract_id FROM {links} AS l")
)
DEPLOYMENT_PLACE_LINKED = recompute_for_links(
    "recompute_search",
    ("deployments_deployment", "SELECT deployment_id FROM {links} AS l"),
    (
        "deployments_contract",
        "SELECT contract_id FROM deployments_contract_deployments "
        "WHERE deployment_id IN (SELECT deployment_id FROM {links} AS l)",
    ),
)
CONTRACT_DEPLOYMENT_LINKED = recompute_for_links(
    "recompute_search", ("deployments_contract", "SELECT contract_id FROM {links} AS l")
)


# Triggers on the registry's and the vendors' tables, declared here: they know nothing of deployments.
pgtrigger.register(COUNTRY_RENAMED)(Country)
pgtrigger.register(SOURCE_REVIEWED, SOURCE_REVIEWED_MEASUREMENTS, *SOURCE_REDATED)(Source)
pgtrigger.register(*VENDOR_NAMES_CHANGED)(Vendor)
