"""``bulk_create()`` through PostgreSQL ``COPY ... FROM STDIN``: the import's writer.

COPY sends the values as they are, where ``bulk_create()``'s INSERT makes psycopg interpolate every
parameter on the client; PostgreSQL fires the same triggers for it (constraints, the derived columns
of deployments/derived.py, pghistory's statement-level events). Each record gets what
``bulk_create()`` gives it: its fields' ``pre_save()`` values, a primary key (drawn from the table's
sequence first, so it is known without RETURNING) and a saved state.

``copy_insert()`` writes and waits; an import hands ``prepare_copy()``'s statement and rows to
``registry.imports.write_behind.WriteBehind`` instead, and draws its keys ahead of need
(``DrawnKeys``), so that no query waits for the batch being written.
"""

import datetime
import uuid

from django.db import connections, models
from psycopg import Copy
from psycopg.copy import Writer

# The Python type of a clean value (what full_clean() leaves in a record) of Django's own field
# classes, which their get_db_prep_save() on PostgreSQL returns unchanged, or as an int subclass
# that COPY writes the same: prepare_copy() passes such values (and None) through without the call,
# which was two thirds of preparing a camera count's row (27 us). Any other value, or a field of
# another class (a subclass too: it may prepare its values its own way), goes through the call.
# tests/test_copy_insert.py compares both on every field of every model.
CLEAN_TYPES = {
    models.AutoField: int,
    models.BigAutoField: int,
    models.SmallAutoField: int,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.BooleanField: bool,
    models.CharField: str,
    models.SlugField: str,
    models.TextField: str,
    models.UUIDField: uuid.UUID,
    models.DateField: datetime.date,
    models.DateTimeField: datetime.datetime,  # an aware one: a naive one is made aware, with a warning
}


class PreparedCopy:
    """A COPY statement and its data, ready to stream on the records' connection."""

    def __init__(self, instances: list[models.Model], using: str, statement: str, data: bytes):
        self.instances, self.using = instances, using
        self.statement = statement
        self.data = data

    def stream(self, raw_connection) -> None:
        """Send the data with psycopg (no Django: the caller may be another thread)."""
        with raw_connection.cursor() as cursor, cursor.copy(self.statement) as copy:
            copy.write(self.data)

    def mark_saved(self) -> None:
        """Once the COPY succeeded: the records are stored, as ``bulk_create()`` leaves them."""
        for instance in self.instances:
            instance._state.adding = False
            instance._state.db = self.using


class _KeptData(Writer):
    """A psycopg COPY writer that keeps the data it is given instead of sending it."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> None:
        self.chunks.append(bytes(data))


def copy_data(raw_connection, rows) -> bytes:
    """``rows`` as COPY's text format, escaped and adapted by psycopg as ``Copy.write_row()`` sends
    them. Formatted here, so that a thread that sends them has no Python work left to do."""
    kept = _KeptData()
    with raw_connection.cursor() as cursor, Copy(cursor, writer=kept) as copy:
        for row in rows:
            copy.write_row(row)
    return b"".join(kept.chunks)


class DrawnKeys:
    """Primary keys of ``model``'s new records, drawn from its table's sequence ahead of need: at most
    ``expected`` in all (the rows of an import's file), at most ``block`` at a time. Keys drawn and
    not used (rows that turned out to be updates) are gaps in the sequence, as a rolled-back insert's
    are."""

    def __init__(self, model, expected: int, using: str = "default", block: int = 100_000):
        self.model, self.using, self.block = model, using, block
        self.undrawn = expected
        self.keys: list[int] = []
        self.taken = 0

    def take(self, count: int) -> list[int]:
        while len(self.keys) - self.taken < count:
            self.draw(max(count - (len(self.keys) - self.taken), min(self.block, self.undrawn)))
        taken = self.keys[self.taken : self.taken + count]
        self.taken += count
        return taken

    def draw(self, count: int) -> None:
        meta = self.model._meta
        # Through Django's cursor, so that pghistory sets its context (the importing user and reason)
        # for the transaction before the COPY, which bypasses Django's execute(): it skips statements
        # that start with SELECT, hence the WITH. (tests/test_copy_insert.py checks the events.)
        with connections[self.using].cursor() as cursor:
            cursor.execute(
                "WITH drawn AS (SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id "
                "FROM generate_series(1, %s)) SELECT id FROM drawn",
                [meta.db_table, meta.pk.column, count],
            )
            self.keys = self.keys[self.taken :] + [pk for (pk,) in cursor.fetchall()]
        self.taken = 0
        self.undrawn = max(self.undrawn - count, 0)


def prepare_copy(instances: list[models.Model], keys: DrawnKeys) -> PreparedCopy:
    """Give ``instances`` (new records of one model) primary keys from ``keys``; return the COPY that
    stores them. Nothing is written until it is streamed."""
    model = type(instances[0])
    meta = model._meta
    connection = connections[keys.using]
    fields = [field for field in meta.concrete_fields if not field.generated]
    for instance in instances:
        instance._prepare_related_fields_for_save(operation_name="copy_insert")
    for instance, pk in zip(instances, keys.take(len(instances)), strict=True):
        instance.pk = pk
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    clean_types = [clean_type(field) for field in fields]
    rows = (copy_row(instance, fields, clean_types, connection) for instance in instances)
    return PreparedCopy(instances, keys.using, statement, copy_data(connection.connection, rows))


def copy_row(instance: models.Model, fields: list, clean_types: list, connection) -> list:
    """The values of ``instance``'s row in COPY: each field's ``pre_save()`` value, prepared by its
    ``get_db_prep_save()`` unless it is None or a clean value of its ``clean_type()``."""
    values = [field.pre_save(instance, True) for field in fields]
    return [
        value
        if clean is not None
        and (
            value is None
            or (type(value) is clean and (clean is not datetime.datetime or value.tzinfo is not None))
        )
        else field.get_db_prep_save(value, connection)
        for field, clean, value in zip(fields, clean_types, values, strict=True)
    ]


def clean_type(field: models.Field) -> type | None:
    """The type of the values of ``field`` that prepare_copy() passes through as they are (a foreign
    key: its target's), or None."""
    if type(field) is models.ForeignKey:
        return CLEAN_TYPES.get(type(field.target_field))
    return CLEAN_TYPES.get(type(field))


def copy_insert(instances: list[models.Model], using: str = "default") -> None:
    """Insert ``instances`` (new records of one model) with one COPY; sets their primary keys."""
    if not instances:
        return
    prepared = prepare_copy(instances, DrawnKeys(type(instances[0]), len(instances), using))
    connection = connections[using]
    # psycopg's own connection (Django's cursor has no copy()), its errors raised as Django's.
    with connection.wrap_database_errors:
        prepared.stream(connection.connection)
    prepared.mark_saved()
