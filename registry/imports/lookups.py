"""``field__any=[...]``: ``field = ANY(%s)``, the list sent as one array parameter.

``__in`` sends one parameter per value; an import looks thousands of natural keys up at a time, and
rewriting that many placeholders cost psycopg more than the query cost PostgreSQL. Registered on every
field in ``RegistryConfig.ready()``.
"""

from django.db.models import Field, Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        return "%s", [[field.get_db_prep_value(item, connection, prepared=False) for item in value]]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def register() -> None:
    Field.register_lookup(AnyOf)
