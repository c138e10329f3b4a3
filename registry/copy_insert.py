"""``bulk_create()`` through PostgreSQL ``COPY ... FROM STDIN``: the import's writer.

Django's ``bulk_create()`` of 1,000 records builds one INSERT of 1,000 x 18 placeholders, then
psycopg interpolates the parameters into it on the client; at 100,000 rows that costs more than the
database's own work. COPY sends the values as they are, and PostgreSQL fires the same triggers for it
as for INSERT (constraints, the derived columns of deployments/derived.py, pghistory's
statement-level events).

Each record gets what ``bulk_create()`` gives it: its fields' ``pre_save()`` values (``auto_now``,
the first version), a primary key (drawn from the table's sequence first, so it is known without
RETURNING), and a saved state.
"""

from django.db import connections, models


def copy_insert(instances: list[models.Model], using: str = "default") -> None:
    """Insert ``instances`` (new records of one model) with one COPY; sets their primary keys."""
    if not instances:
        return
    model = type(instances[0])
    meta = model._meta
    connection = connections[using]
    fields = [field for field in meta.concrete_fields if not field.generated]
    for instance in instances:
        instance._prepare_related_fields_for_save(operation_name="copy_insert")
    # Through Django's cursor, so that pghistory sets its context (the importing user and reason)
    # for the transaction before the COPY, which bypasses Django's execute(): it skips statements
    # that start with SELECT, hence the WITH. (tests/test_copy_insert.py checks the events.)
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH drawn AS (SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id "
            "FROM generate_series(1, %s)) SELECT id FROM drawn",
            [meta.db_table, meta.pk.column, len(instances)],
        )
        for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
            instance.pk = pk
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    rows = (
        [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
        for instance in instances
    )
    # psycopg's own cursor (Django's has no copy()), its errors raised as Django's (IntegrityError).
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)
    for instance in instances:
        instance._state.adding = False
        instance._state.db = using
