"""Template filters of the public website: fuzzy dates as the source gave them, translated labels,
and links to the API and the CSV export."""

from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.utils import dates, formats
from django.utils.translation import get_language

from deployments import choices
from registry.fuzzydates import DAY, MONTH, YEAR, format_fuzzy_date, fuzzy_date_precision
from web.labels import label as translated_label

register = template.Library()

DEFAULT_TILE_ORIGIN = "https://tile.openstreetmap.org"


@register.filter
def fuzzy(value: str) -> str:
    """'2017' -> '2017', '2017-02' -> 'Feb 2017' (in Spanish 'Feb 2017' -> 'feb. 2017')."""
    precision = fuzzy_date_precision(value or "")
    if precision is None:
        return ""
    if (get_language() or "en").startswith("en") or precision == YEAR:
        return format_fuzzy_date(value)
    month = str(dates.MONTHS_AP[int(value[5:7])])
    if precision == MONTH:
        return f"{month} {value[:4]}"
    assert precision == DAY  # noqa: S101
    return f"{int(value[8:10])} {month} {value[:4]}"


@register.filter
def label(value, group: str) -> str:
    return translated_label(group, value)


@register.simple_tag
def query_string(params, **changes) -> str:
    """The current query (a QueryDict) with some parameters replaced (None removes one)."""
    query = params.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def as_query(pairs) -> str:
    return urlencode(pairs)


@register.filter
def number(value) -> str:
    """Grouped digits in the page's language ("1,000" / "1.000"); whole amounts without decimals."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return formats.number_format(value, force_grouping=True)


@register.filter
def qualified(number: str, qualifier: str) -> str:
    """A formatted number with its qualifier's sign: "≥ 1,200", "~3,000", "≤ 500"."""
    return choices.qualified(number, qualifier)


@register.simple_tag
def map_tiles_url() -> str:
    """OpenStreetMap's tile URL (the one outside call of the website; settings.MAP_TILE_ORIGIN if set)."""
    origin = getattr(settings, "MAP_TILE_ORIGIN", DEFAULT_TILE_ORIGIN).rstrip("/")
    return f"{origin}/{{z}}/{{x}}/{{y}}.png"
