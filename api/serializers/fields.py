"""Serializer fields shared by the public API: fuzzy dates, links to filtered lists, joined columns."""

from urllib.parse import urlencode

from django.db.models.manager import BaseManager
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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
class FilteredListLinkField(serializers.Field):
    """A link to a list filtered by this object, e.g. the deployments of a vendor."""

    def __init__(self, view_name: str, param: str, lookup_field: str = "slug", **kwargs):
        self.view_name, self.param, self.lookup_field = view_name, param, lookup_field
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, value):
        url = f"{reverse(self.view_name)}?{self.param}={getattr(value, self.lookup_field)}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


@extend_schema_field(OpenApiTypes.URI)
class HistoryLinkField(serializers.Field):
    """The record's public history: the change feed filtered to it (/api/v1/changes/?model=...&record=...)."""

    def __init__(self, model: str, lookup_field: str = "slug", **kwargs):
        self.model, self.lookup_field = model, lookup_field
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, value):
        query = urlencode({"model": self.model, "record": getattr(value, self.lookup_field)})
        url = f"{reverse('api:change-list')}?{query}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


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
    """A multi-valued export column: the values (or one attribute of each) joined by "; "."""

    def __init__(self, attr: str | None = None, **kwargs):
        self.attr = attr
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        items = value.all() if isinstance(value, BaseManager) else value
        return "; ".join(str(dig(item, self.attr)) for item in items)


class FlatField(serializers.ReadOnlyField):
    """A read-only export column read along a dotted path; None when a relation on it is missing."""

    def __init__(self, path: str, **kwargs):
        self.path = path
        super().__init__(default=None, **kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.source, self.source_attrs = self.path, self.path.split(".")


flat = FlatField
