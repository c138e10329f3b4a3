"""Model fields shared by every app: dates with their precision and ISO 4217 currency codes."""

import pycountry
from django.core.exceptions import ValidationError
from django.db import models

from registry.fuzzydates import FUZZY_DATE_PATTERN, validate_fuzzy_date

CURRENCY_CODES = tuple(sorted(currency.alpha_3 for currency in pycountry.currencies))


class FuzzyDateField(models.CharField):
    """A date with its precision: "2017", "2017-02" or "2017-02-07" ('' when unknown).

    The column carries its own CHECK constraint, so no path (admin, import, raw SQL) can store
    anything else.
    """

    description = "A date as precise as its source: YYYY, YYYY-MM or YYYY-MM-DD"
    default_validators = [validate_fuzzy_date]

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 10
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("help_text", "As precise as the source: YYYY, YYYY-MM or YYYY-MM-DD.")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def db_check(self, connection):
        return f"(\"%(column)s\" = '' OR \"%(column)s\" ~ '{FUZZY_DATE_PATTERN}')" % {"column": self.column}


def validate_currency_code(value: str) -> None:
    if value and value not in CURRENCY_CODES:
        raise ValidationError(
            "%(value)s is not an ISO 4217 currency code (e.g. EUR, USD, COP).",
            code="unknown_currency",
            params={"value": value},
        )


class CurrencyField(models.CharField):
    """An ISO 4217 alphabetic code; the model adds the CHECK against CURRENCY_CODES."""

    default_validators = [validate_currency_code]

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 3
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("help_text", "ISO 4217 code, e.g. EUR, USD, COP.")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def db_check(self, connection):
        codes = ", ".join(f"'{code}'" for code in CURRENCY_CODES)
        return f'("%(column)s" = \'\' OR "%(column)s" IN ({codes}))' % {"column": self.column}
