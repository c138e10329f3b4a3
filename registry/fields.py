"""Model fields shared by every app: dates with their precision, calendar dates typed as ISO 8601,
ISO 4217 currency codes and ISO 639-1 language codes."""

import datetime

import pycountry
from django import forms
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


# --- Calendar dates, typed as YYYY-MM-DD only ------------------------------------------------------

ISO_DATE_FORMAT = "%Y-%m-%d"


def iso_date_refusal(value) -> str:
    """Why ``value`` is not a date an import or a form accepts."""
    return f"{value} is not a date: write it as YYYY-MM-DD, e.g. 2024-03-05 for 5 March 2024."


def parse_iso_date(text: str) -> datetime.date:
    """``text`` (YYYY-MM-DD) as a date, or ValidationError with ``iso_date_refusal()``."""
    try:
        return datetime.datetime.strptime(text, ISO_DATE_FORMAT).date()  # noqa: DTZ007 (a date, no time)
    except ValueError:
        raise ValidationError(iso_date_refusal(text), code="invalid_date") from None


class IsoDateFormField(forms.DateField):
    """A date typed as YYYY-MM-DD and nothing else, whatever the language; shown the same way."""

    input_formats = [ISO_DATE_FORMAT]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.format = ISO_DATE_FORMAT

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(iso_date_refusal(value), code="invalid") from None


class IsoDateField(models.DateField):
    """A calendar date (e.g. when a source was accessed): YYYY-MM-DD in forms and imports, never
    03/05/2024, which one reader takes for 5 March and another for 3 May."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": IsoDateFormField, **kwargs})


# --- Languages --------------------------------------------------------------------------------------

LANGUAGE_CHOICES = tuple(
    sorted(
        ((language.alpha_2, f"{language.name} ({language.alpha_2})") for language in pycountry.languages
         if hasattr(language, "alpha_2")),
        key=lambda choice: choice[1],
    )
)  # fmt: skip
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGE_CHOICES)


def meant_language(text: str):
    """The language ``text`` probably names ("EN", "eng", "English"), or None."""
    text = text.strip()
    by_code = pycountry.languages.get(alpha_2=text.lower()) or pycountry.languages.get(alpha_3=text.lower())
    if by_code is not None:
        return by_code
    try:
        return pycountry.languages.lookup(text)  # a name ("En" is a language of its own: codes first)
    except LookupError:
        return None


def validate_language_code(value: str) -> None:
    """An ISO 639-1 code (en, sr, es); a name or another code is refused, naming the code to write."""
    if not value or value in LANGUAGE_CODES:
        return
    meant = meant_language(value)
    hint = f" ({meant.name} is {meant.alpha_2})" if getattr(meant, "alpha_2", None) else ""
    raise ValidationError(
        "%(value)r is not an ISO 639-1 language code: write the two-letter code in lower case, "
        "e.g. en, sr, es%(hint)s.",
        code="unknown_language",
        params={"value": value, "hint": hint},
    )


class LanguageField(models.CharField):
    """A language as its ISO 639-1 code, chosen by name in forms ("English (en)")."""

    default_validators = [validate_language_code]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)  # (wide enough for the three-letter codes stored before)
        kwargs.setdefault("blank", True)
        kwargs["choices"] = LANGUAGE_CHOICES
        kwargs.setdefault("help_text", "The language of the source (ISO 639-1).")
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance):
        validate_language_code(value)  # first: its message says what to write instead
        super().validate(value, model_instance)
