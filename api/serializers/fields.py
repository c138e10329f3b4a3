"""Serializer fields shared by the public API: fuzzy dates, links to filtered lists, joined columns."""

from urllib.parse import urlencode

from django.db.models.manager import BaseManager
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.links import cached_link
from registry.fuzzydates import format_fuzzy_date, fuzzy_date_precision


@extend_schema_field({"type": "string", "example": "Feb 2017"})
class FuzzyDateDisplayField(serializers.ReadOnlyField):
    """The date as its source gave it: "2017", "Feb 2017", "7 Feb 2017" ("" when unknown)."""

    def to_representation(self, value):
        return format_fuzzy_date(value)


@extend_schema_field({"type": ["string", "null"], "enum": ["year", "month", "day", None]})
class FuzzyDatePrecisionField(serializers.ReadOnlyField):
    def to_representation(self, value):
        return fuzzy_date_precision(value)


@extend_schema_field(OpenApiTypes.URI)
class LinkField(serializers.Field):
    """The API URL of the record, or of a related one (``source="vendor"``), by its lookup field.

    Never carries the request's ``?format=`` into the link (DRF's hyperlinked fields would).
    """

    def __init__(self, view_name: str, lookup_field: str = "slug", **kwargs):
        self.view_name, self.lookup_field = view_name, lookup_field
        kwargs.setdefault("source", "*")
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return cached_link(self.context, self.view_name, self.lookup_field, getattr(value, self.lookup_field))


@extend_schema_field(OpenApiTypes.URI)
class FilteredListLinkField(serializers.Field):
    """A link to a list filtered by this object, e.g. the deployments of a vendor."""

    def __init__(self, view_name: str, param: str, lookup_field: str = "slug", **kwargs):
        self.view_name, self.param, self.lookup_field = view_name, param, lookup_field
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def query(self, value) -> str:
        return f"{self.param}={getattr(value, self.lookup_field)}"

    def to_representation(self, value):
        return f"{cached_link(self.context, self.view_name)}?{self.query(value)}"


class HistoryLinkField(FilteredListLinkField):
    """The record's public history: the change feed filtered to it (/api/v1/changes/?model=...&record=...)."""

    def __init__(self, model: str, lookup_field: str = "slug", **kwargs):
        self.model = model
        super().__init__("api:change-list", "record", lookup_field, **kwargs)

    def query(self, value) -> str:
        return urlencode({"model": self.model, "record": getattr(value, self.lookup_field)})


@extend_schema_field({"anyOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]})
class URLOrBlankField(serializers.ReadOnlyField):
    """A web address, or "" when unknown."""


class CoordinateField(serializers.DecimalField):
    """Latitude or longitude as a JSON number (null when unknown)."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=8, decimal_places=5, coerce_to_string=False, read_only=True, allow_null=True
        )


def dig(obj, path: str | None):
    for attr in path.split(".") if path else ():
        obj = getattr(obj, attr) if obj is not None else None
    return obj


@extend_schema_field(OpenApiTypes.STR)
class JoinedField(serializers.Field):
    """A multi-valued export column: the values (or one attribute of each) joined by "; ", a missing
    one as "" (so that aligned columns stay aligned)."""

    def __init__(self, attr: str | None = None, **kwargs):
        self.attr = attr
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        items = value.all() if isinstance(value, BaseManager) else value
        values = (dig(item, self.attr) for item in items)
        return "; ".join("" if value is None else str(value) for value in values)


class FlatField(serializers.ReadOnlyField):
    """A read-only export column read along a dotted path; None when a relation on it is missing."""

    def __init__(self, path: str, **kwargs):
        self.path = path
        super().__init__(default=None, **kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.source, self.source_attrs = self.path, self.path.split(".")


flat = FlatField
