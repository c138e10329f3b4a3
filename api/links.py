"""Absolute API URLs from one ``reverse()`` per view and request.

A page of 100 deployments holds thousands of links; resolving each with ``reverse()`` cost half the
page's time. The URL of a view is resolved once, for a sample lookup value, and split around it;
each link is then the prefix, the value and the suffix. Slugs, ISO codes and UUIDs need no quoting,
which is also what ``reverse()`` does with them.
"""

from django.db.models import F, TextField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

PLACEHOLDER = "LOOKUPVALUE"


def link_template(
    request, view_name: str, lookup_field: str | None = None, sample: str = PLACEHOLDER
) -> tuple[str, str]:
    """(prefix, suffix) of the view's URL around its lookup value; the whole URL and "" without one.

    ``sample`` must be a value the URL pattern accepts (a country's code is two capitals). Absolute
    when there is a request, else a path.
    """
    path = reverse(view_name, kwargs={lookup_field: sample} if lookup_field else None)
    url = request.build_absolute_uri(path) if request is not None else path
    if not lookup_field:
        return url, ""
    # The lookup is the URL's last segment: the value's last occurrence.
    at = url.rindex(sample)
    return url[:at], url[at + len(sample) :]


def cached_link(context: dict, view_name: str, lookup_field: str | None = None, value=None) -> str:
    """The URL of ``view_name`` for ``value``, its template remembered in a serializer's context
    (one context per response)."""
    templates = context.setdefault("_link_templates", {})
    key = (view_name, lookup_field)
    if key not in templates:
        templates[key] = link_template(context.get("request"), view_name, lookup_field, str(value))
    prefix, suffix = templates[key]
    return f"{prefix}{value}{suffix}" if lookup_field else prefix


def link_expression(
    request, view_name: str, lookup_field: str, path: str, sample: str = PLACEHOLDER
) -> Concat:
    """The SQL of the link to each row's record at ``path`` (the COPY export and the JSON pages)."""
    prefix, suffix = link_template(request, view_name, lookup_field, sample)
    return Concat(Value(prefix), Cast(F(path), TextField()), Value(suffix), output_field=TextField())
