"""Columns PostgreSQL derives from a row and the rows it points to, kept by triggers whatever writes
(the ORM, ``QuerySet.update()``, raw SQL, ``COPY``, imports):

- ``search_vector`` of deployments, contracts and camera counts: the document ``?search=`` matches
  (api/filters.py), stored so that a GIN index holds it, related record's name included;
- ``CameraCount.is_public``: published, of a published deployment, from a published source.

A BEFORE trigger computes the column on every insert and update of the row; whatever a statement
writes into it is replaced. When a row it depends on changes (a country renamed, a source retracted),
an AFTER trigger there sets the dependent rows' column to DEFAULT, so that their BEFORE trigger
computes it again. The columns are no curator's edit: they stay out of history (registry/history.py),
forms, serializers and import/export resources.
"""

import pgtrigger

from registry.choices import ReviewStatus
from registry.models import Country, Source

PUBLISHED = f"'{ReviewStatus.PUBLISHED}'"


def search_document(*parts: str) -> str:
    """The SQL of ``SearchVector(*fields, config="simple")`` (Django) over ``parts``: the same text,
    so the same lexemes at the same positions as the view's ``search_fields`` give."""
    text = " || ' ' || ".join(f"COALESCE({part}, '')" for part in parts)
    return f"to_tsvector('simple'::regconfig, {text})"


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


def recompute(name: str, *, on_change_of: str, table: str, column: str, where: str) -> pgtrigger.Trigger:
    """After an update that changes ``on_change_of``, have ``table``'s rows ``where`` compute ``column``
    again (their ``computed`` trigger replaces the DEFAULT)."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        condition=pgtrigger.Q(**{f"old__{on_change_of}__df": pgtrigger.F(f"new__{on_change_of}")}),
        func=f"UPDATE {table} SET {column} = DEFAULT WHERE {where}; RETURN NULL;",  # noqa: S608 (constants)
    )


def _name_of(table: str, key: str) -> str:
    return f"(SELECT name FROM {table} WHERE id = NEW.{key})"  # noqa: S608 (constants)


def _is_published(table: str, key: str) -> str:
    return f"EXISTS (SELECT FROM {table} WHERE id = NEW.{key} AND review_status = {PUBLISHED})"  # noqa: S608


# Documents: the api/views' search_fields, in the same order (tests/test_scale.py compares them).
DEPLOYMENT_SEARCH = computed(
    "search_vector",
    search_document(
        "NEW.name", "NEW.summary", "NEW.data_managed_by", _name_of("registry_country", "country_id")
    ),
)
CONTRACT_SEARCH = computed(
    "search_vector",
    search_document(
        "NEW.name", "NEW.summary", "NEW.financing", _name_of("deployments_publicbody", "buyer_id")
    ),
)
CAMERA_COUNT_SEARCH = computed(
    "search_vector",
    search_document(_name_of("deployments_deployment", "deployment_id"), "NEW.phase", "NEW.notes"),
)
CAMERA_COUNT_PUBLIC = computed(
    "is_public",
    f"NEW.review_status = {PUBLISHED} AND {_is_published('deployments_deployment', 'deployment_id')} "
    f"AND {_is_published('registry_source', 'source_id')}",
    # An unpublished count is never public: one already FALSE (a new draft) is left as it is. A
    # PL/pgSQL call per row was a tenth of storing an import of drafts.
    unless=~pgtrigger.Q(new__review_status=ReviewStatus.PUBLISHED) & pgtrigger.Q(new__is_public__ndf=False),
)

# The related rows' side. Only published counts can be public, so only they are recomputed.
COUNTRY_RENAMED = recompute(
    "recompute_deployment_search",
    on_change_of="name",
    table="deployments_deployment",
    column="search_vector",
    where="country_id = NEW.id",
)
BUYER_RENAMED = recompute(
    "recompute_contract_search",
    on_change_of="name",
    table="deployments_contract",
    column="search_vector",
    where="buyer_id = NEW.id",
)
DEPLOYMENT_RENAMED = recompute(
    "recompute_camera_count_search",
    on_change_of="name",
    table="deployments_cameracount",
    column="search_vector",
    where="deployment_id = NEW.id",
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


# Triggers on the registry's tables, declared here: the registry knows nothing of deployments.
pgtrigger.register(COUNTRY_RENAMED)(Country)
pgtrigger.register(SOURCE_REVIEWED)(Source)
