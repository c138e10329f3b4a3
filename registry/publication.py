"""When did the public data change? Triggers note it, per table, in ``registry_publicchange``, so the
API's ``Last-Modified`` and its exports' ``ETag`` (api/conditional.py) move exactly when something
the public can see changes: not when a curator saves a draft (which would tell anyone, to the second,
when curators are at work), and always when reference data changes (a place's coordinates).

Each tracked table gets three statement-level AFTER triggers (insert, update, delete, over the
statement's transition tables). They note a change when a row the statement touched is or was
public — published (``review_status``), ``is_public`` (camera counts), or, for a link or a citation,
every curated record it points to published; reference data (places, countries) is always public —
and, for an update, when it differs in more than the columns the database derives (search vectors)
or the revision number.

The note is one row per table and transaction (an upsert on the transaction's own key: no lock that
another transaction waits for). A deferred constraint trigger stamps it at commit, not at the
statement, so the times follow the order in which changes became visible, and drops the table's
older rows.
"""

import pgtrigger
from django.db import models

from registry.choices import ReviewStatus

PUBLISHED = f"'{ReviewStatus.PUBLISHED}'"
# Columns no reader sees: derived by the database (search), or the optimistic-locking revision.
UNSEEN = ("search_vector", "search_names", "version")


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


def public_condition(model, row: str) -> str:
    """SQL that is true when the row ``row`` (an alias) of ``model`` is one the public can see."""
    if _has_field(model, "is_public"):
        return f"{row}.is_public"
    if _has_field(model, "review_status"):
        return f"{row}.review_status = {PUBLISHED}"
    conditions = [
        # An optional relation left empty hides nothing (a contract party is a vendor, a public body
        # or an organisation: the two left empty).
        ("({row}.{column} IS NULL OR {exists})" if field.null else "{exists}").format(
            row=row,
            column=field.column,
            exists=f"EXISTS (SELECT FROM {field.related_model._meta.db_table} AS parent "  # noqa: S608 (model metadata)
            f"WHERE parent.id = {row}.{field.column} AND parent.review_status = {PUBLISHED})",
        )
        for field in model._meta.concrete_fields
        if field.many_to_one and _has_field(field.related_model, "review_status")
    ]
    return " AND ".join(conditions) or "TRUE"


def _note(table: str) -> str:
    return (
        "INSERT INTO registry_publicchange (table_name, transaction_id) "  # noqa: S608 (model metadata)
        f"VALUES ('{table}', pg_current_xact_id()::text::bigint) "
        "ON CONFLICT (table_name, transaction_id) DO UPDATE SET changed_at = clock_timestamp();"
    )


def publication_triggers(model) -> list[pgtrigger.Trigger]:
    table = model._meta.db_table
    key = model._meta.pk.column
    unseen = "".join(f" - '{column}'" for column in UNSEEN if _has_field(model, column))
    # The rows, public before or after, whose visible columns differ: a set difference (hashed), not a
    # join of the two transition tables, which PostgreSQL ran as a nested loop (5,000 rows: 50 s).
    changed = (
        f"SELECT n.{key}, to_jsonb(n){unseen} FROM new_rows AS n "  # noqa: S608 (model metadata)
        f"WHERE {public_condition(model, 'n')} OR n.{key} IN "
        f"(SELECT o.{key} FROM old_rows AS o WHERE {public_condition(model, 'o')}) "
        f"EXCEPT SELECT o.{key}, to_jsonb(o){unseen} FROM old_rows AS o"
    )
    touched = {
        "ins": (pgtrigger.Insert, pgtrigger.Referencing(new="new_rows"), f"SELECT FROM new_rows AS n WHERE {public_condition(model, 'n')}"),
        "del": (pgtrigger.Delete, pgtrigger.Referencing(old="old_rows"), f"SELECT FROM old_rows AS o WHERE {public_condition(model, 'o')}"),
        "upd": (pgtrigger.Update, pgtrigger.Referencing(old="old_rows", new="new_rows"), changed),
    }  # fmt: skip
    triggers = []
    for suffix, (operation, referencing, rows) in touched.items():
        triggers.append(
            pgtrigger.Trigger(
                name=f"public_change_{suffix}",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=operation,
                referencing=referencing,
                func=f"IF EXISTS ({rows}) THEN {_note(table)} END IF; RETURN NULL;",
            )
        )
    return triggers


# Every table whose public changes are noted, in the order they were declared.
TRACKED: list = []


def track_publication(model):
    """Class decorator (or call, for an auto-created link table): note the public changes of ``model``.
    The triggers are registered once every model is loaded (``register_publication_triggers``): they
    read which related models are curated."""
    TRACKED.append(model)
    return model


def register_publication_triggers() -> None:
    """From RegistryConfig.ready(), once (pgtrigger keeps them in each model's Meta.triggers)."""
    for model in TRACKED:
        pgtrigger.register(*publication_triggers(model))(model)


# On registry_publicchange itself: at commit, stamp the transaction's row and drop the table's older
# rows (only committed ones are visible to the DELETE; a concurrent commit's row stays until the next).
STAMP_AT_COMMIT = pgtrigger.Trigger(
    name="stamp_at_commit",
    when=pgtrigger.After,
    operation=pgtrigger.Insert,
    timing=pgtrigger.Deferred,
    func=(
        "UPDATE registry_publicchange SET changed_at = clock_timestamp() WHERE id = NEW.id; "
        "DELETE FROM registry_publicchange WHERE table_name = NEW.table_name AND id < NEW.id; RETURN NULL;"
    ),
)


def tables_of(models=None) -> list[str]:
    """The tables of ``models`` (every tracked one when None), sorted."""
    return sorted({model._meta.db_table for model in (TRACKED if models is None else models)})


def latest_changes(tables: list[str]) -> dict[str, object]:
    """{table: the time of its latest public change} of those of ``tables`` that ever changed."""
    from registry.models import PublicChange

    rows = (
        PublicChange.objects.filter(table_name__in=tables)
        .values("table_name")
        .annotate(latest=models.Max("changed_at"))
    )
    return {row["table_name"]: row["latest"] for row in rows}
