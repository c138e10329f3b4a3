"""The seed, loaded once per test process. The first test that asks for it loads it as ``make run``
does, and its rows are kept (``COPY ... TO``); every later test copies them back in, inside its own
transaction, table by table in the order of their foreign keys. The tables' triggers then derive the
same columns and write the same history events as the load did. Loading the seed is ~1,500 queries
(about 2 s a test on an idle machine, 10 s on a busy one); copying it back is ~40 statements."""

from collections.abc import Callable
from dataclasses import dataclass

import pghistory.models
from django.apps import apps
from django.db import connection, models

SEED_APPS = ("registry", "vendors", "deployments")


@dataclass(frozen=True)
class TableRows:
    table: str
    columns: tuple[str, ...]
    data: bytes


_snapshot: list[TableRows] | None = None


def seed_models() -> list[type[models.Model]]:
    """The seed apps' tables (the history event tables aside: triggers write those), many-to-many links
    included, each after the tables it points at."""
    found = []
    for label in SEED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not issubclass(model, pghistory.models.Event) and model._meta.managed:  # not SQL views
                found.append(model)
    ordered, placed = [], set()
    while len(ordered) < len(found):
        ready = [
            model
            for model in found
            if model not in placed
            and all(
                field.related_model in placed
                or field.related_model is model
                or field.related_model not in found
                for field in model._meta.concrete_fields
                if field.is_relation
            )
        ]
        ready.sort(key=lambda model: model._meta.db_table)
        ordered += ready
        placed.update(ready)
    return ordered


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _is_empty(tables: list[str]) -> bool:
    with connection.cursor() as cursor:
        # The tables' names come from the models, never from input.
        cursor.execute("SELECT " + " OR ".join(f"EXISTS (SELECT 1 FROM {_quoted(t)})" for t in tables))  # noqa: S608
        return not cursor.fetchone()[0]


def _capture(seeded: list[type[models.Model]]) -> list[TableRows]:
    connection.ensure_connection()
    snapshot = []
    with connection.connection.cursor() as cursor:
        for model in seeded:
            columns = tuple(field.column for field in model._meta.concrete_fields)
            statement = f"COPY {_quoted(model._meta.db_table)} ({', '.join(map(_quoted, columns))}) TO STDOUT"
            with cursor.copy(statement) as copy:
                data = b"".join(bytes(chunk) for chunk in copy)
            if data:
                snapshot.append(TableRows(model._meta.db_table, columns, data))
    return snapshot


def _restore(snapshot: list[TableRows]) -> None:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        for rows in snapshot:
            statement = f"COPY {_quoted(rows.table)} ({', '.join(map(_quoted, rows.columns))}) FROM STDIN"
            with cursor.copy(statement) as copy:
                copy.write(rows.data)
            # The ids came with the rows: move the table's sequence past them.
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {_quoted(rows.table)}))",  # noqa: S608
                [rows.table],
            )


def load_seed(load: Callable[[], None]) -> None:
    """The seed in this test's transaction: by ``load()`` the first time (or when the seed's tables
    already hold rows), from the kept rows afterwards."""
    global _snapshot
    seeded = seed_models()
    empty = _is_empty([model._meta.db_table for model in seeded])
    if _snapshot is not None and empty:
        _restore(_snapshot)
        return
    load()
    if _snapshot is None and empty:
        _snapshot = _capture(seeded)
