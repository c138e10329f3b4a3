"""Check constraints whose refusal belongs to one field.

Django reports a CheckConstraint as an error of the whole record: the admin shows "A deployment
cannot end before it starts." at the top of the form, away from "Ended on", and an import names no
column. ``FieldCheckConstraint(field="ended_on", ...)`` reports it as an error of that field, in
``full_clean()`` (forms) and in the import's set-based checks (registry/imports/checks.py).
Constraints about two fields together ("give both latitude and longitude, or neither") stay plain.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.constraints import BaseConstraint


def error_key(constraint: BaseConstraint) -> str:
    """Where a refusal by ``constraint`` goes in a record's errors: its field, or the whole record."""
    return getattr(constraint, "field", None) or NON_FIELD_ERRORS


class FieldCheckConstraint(models.CheckConstraint):
    """A CheckConstraint reported against ``field``. It deconstructs as a plain CheckConstraint:
    where its message is shown is no part of the database schema, so it needs no migration."""

    def __init__(self, *args, field: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.field = field

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as error:
            raise ValidationError({self.field: error.error_list}) from None

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs

    def clone(self):
        _path, args, kwargs = self.deconstruct()
        return type(self)(*args, field=self.field, **kwargs)
