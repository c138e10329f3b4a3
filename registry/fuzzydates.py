"""Dates as sources give them: a year ("2017"), a month ("2017-02") or a day ("2017-02-07").

They are stored as ISO 8601 reduced-precision strings, so they sort and compare correctly as text
and are never padded into a made-up 1 January. ``format_fuzzy_date`` shows them as given.
"""

import calendar
import datetime
import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Least, Left, Length
from django.db.models.lookups import GreaterThanOrEqual

FUZZY_DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
_FUZZY_DATE_RE = re.compile(FUZZY_DATE_PATTERN)

YEAR, MONTH, DAY = "year", "month", "day"


def fuzzy_date_precision(value: str) -> str | None:
    """Return "year", "month" or "day" for a valid fuzzy date, None for an empty one."""
    if not value:
        return None
    return {4: YEAR, 7: MONTH, 10: DAY}[len(value)]


def validate_fuzzy_date(value: str) -> None:
    if not value:
        return
    if not _FUZZY_DATE_RE.match(value):
        raise ValidationError(
            "%(value)s is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2017, 2017-02, 2017-02-07).",
            code="invalid_fuzzy_date",
            params={"value": value},
        )
    if len(value) == 10:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                "%(value)s is not a day of the calendar.", code="invalid_fuzzy_date", params={"value": value}
            ) from None


def format_fuzzy_date(value: str) -> str:
    """'2017' -> '2017', '2017-02' -> 'Feb 2017', '2017-02-07' -> '7 Feb 2017'; a value that is no
    fuzzy date (a form's invalid input, shown back with its error) as it is."""
    if not value or not _FUZZY_DATE_RE.match(value):
        return value or ""
    precision = fuzzy_date_precision(value)
    if precision == YEAR:
        return value
    month = calendar.month_abbr[int(value[5:7])]
    if precision == MONTH:
        return f"{month} {value[:4]}"
    return f"{int(value[8:10])} {month} {value[:4]}"


def fuzzy_date_range(value: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the period a fuzzy date covers."""
    year = int(value[:4])
    if len(value) == 4:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    month = int(value[5:7])
    if len(value) == 7:
        return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
    day = datetime.date.fromisoformat(value)
    return day, day


def fuzzy_dates_in_order(start_field: str, end_field: str) -> Q:
    """A condition that holds unless the end is before the start.

    Compared at the coarser of the two precisions, so an end of "2018" is not before a start of
    "2018-05" (the year may well end after May).
    """
    common = Least(Length(start_field), Length(end_field))
    return (
        Q(**{start_field: ""})
        | Q(**{end_field: ""})
        | Q(GreaterThanOrEqual(Left(end_field, common), Left(start_field, common)))
    )
