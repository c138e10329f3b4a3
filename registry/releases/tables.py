"""The tables of a release: the API's own lists and CSV columns (one file per list), and the
Frictionless Table Schema of each (types and descriptions from the models, keys between tables)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from api.serializers.citations import RecordLinkField
from api.serializers.fields import FlatField, JoinedField, LinkField
from api.views.citations import CitationViewSet
from api.views.deployments import (
    CameraCountViewSet,
    ContractViewSet,
    DeploymentViewSet,
    EventViewSet,
    MeasurementViewSet,
    OrganisationViewSet,
    PlaceViewSet,
    PublicBodyViewSet,
    StatedCostViewSet,
    TechnologyViewSet,
)
from api.views.registry import CountryViewSet, LegalFrameworkViewSet, SourceViewSet
from api.views.vendors import VendorViewSet


@dataclass(frozen=True)
class Table:
    name: str  # the API's list (/api/v1/<name>/) and the file (<name>.csv)
    viewset: type
    title: str
    primary_key: str | None
    # {column: (table, its column)}
    foreign_keys: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"{self.name}.csv"


TABLES = (
    Table("countries", CountryViewSet, "Countries and unions", "code"),
    Table("sources", SourceViewSet, "Sources", "slug"),
    Table("technologies", TechnologyViewSet, "Technologies", "slug"),
    Table(
        "places",
        PlaceViewSet,
        "Places",
        "slug",
        {"country_code": ("countries", "code"), "parent_slug": ("places", "slug")},
    ),
    Table(
        "public-bodies",
        PublicBodyViewSet,
        "Public bodies",
        "slug",
        {
            "country_code": ("countries", "code"),
            "place_slug": ("places", "slug"),
            "parent_slug": ("public-bodies", "slug"),
        },
    ),
    Table(
        "vendors",
        VendorViewSet,
        "Vendors",
        "slug",
        {"headquarters_country_code": ("countries", "code"), "parent_slug": ("vendors", "slug")},
    ),
    Table(
        "organisations",
        OrganisationViewSet,
        "Other organisations party to contracts",
        "slug",
        {"country_code": ("countries", "code")},
    ),
    Table("legal-frameworks", LegalFrameworkViewSet, "Legal frameworks", "slug"),
    Table(
        "deployments",
        DeploymentViewSet,
        "Deployments",
        "slug",
        {"country_code": ("countries", "code"), "operator_slug": ("public-bodies", "slug")},
    ),
    Table(
        "contracts",
        ContractViewSet,
        "Contracts",
        "slug",
        {"buyer_slug": ("public-bodies", "slug"), "buyer_country_code": ("countries", "code")},
    ),
    Table(
        "camera-counts",
        CameraCountViewSet,
        "Camera counts",
        "public_id",
        {
            "deployment_slug": ("deployments", "slug"),
            "place_slug": ("places", "slug"),
            "source_slug": ("sources", "slug"),
            "country_code": ("countries", "code"),
        },
    ),
    Table(
        "measurements",
        MeasurementViewSet,
        "Measurements other than camera counts",
        "public_id",
        {
            "deployment_slug": ("deployments", "slug"),
            "place_slug": ("places", "slug"),
            "source_slug": ("sources", "slug"),
            "country_code": ("countries", "code"),
        },
    ),
    Table(
        "events",
        EventViewSet,
        "Events of deployments' timelines",
        "public_id",
        {
            "deployment_slug": ("deployments", "slug"),
            "contract_slug": ("contracts", "slug"),
            "legal_framework_slug": ("legal-frameworks", "slug"),
            "source_slug": ("sources", "slug"),
            "country_code": ("countries", "code"),
        },
    ),
    Table(
        "stated-costs",
        StatedCostViewSet,
        "Costs and spending of deployments, as sources state them",
        "public_id",
        {
            "deployment_slug": ("deployments", "slug"),
            "source_slug": ("sources", "slug"),
            "country_code": ("countries", "code"),
        },
    ),
    # No primary key: a source may support the same field of a record twice (two locators).
    Table(
        "citations",
        CitationViewSet,
        "Citations: which source supports which fact",
        None,
        {"source_slug": ("sources", "slug")},
    ),
)

JOINED = 'Several values joined by "; " (aligned with the other joined columns of the same relation).'


def table_schema(table: Table) -> dict:
    """The Frictionless Table Schema of ``table``'s CSV."""
    serializer = table.viewset.export_serializer_class()
    model = table.viewset.queryset.model
    schema = {
        "fields": [column_schema(name, column, model) for name, column in serializer.fields.items()],
        "missingValues": [""],
    }
    if table.primary_key:
        schema["primaryKey"] = [table.primary_key]
    schema["foreignKeys"] = [
        {"fields": [column], "reference": {"resource": other, "fields": [key]}}
        for column, (other, key) in table.foreign_keys.items()
    ]
    return schema


def column_schema(name: str, column, model) -> dict:
    if isinstance(column, LinkField | RecordLinkField):
        return {
            "name": name,
            "type": "string",
            "format": "uri",
            "description": "The record's address in the public API.",
        }
    if isinstance(column, JoinedField):
        return {
            "name": name,
            "type": "string",
            "description": f"{_describe(_joined_field(model, column), name)} {JOINED}",
        }
    path = column.path if isinstance(column, FlatField) else column.source
    described = _model_field(model, path.replace(".", "__"))
    column_type = next((kind for base, kind in _TYPES.items() if isinstance(described, base)), "string")
    result = {"name": name, "type": column_type}
    if column_type == "datetime":
        result["format"] = "any"  # "2025-01-02 03:04:05.678900+00:00"
    if isinstance(described, models.UUIDField):
        result["format"] = "uuid"
    if described is not None and getattr(described, "choices", None):
        result["constraints"] = {"enum": [str(value) for value, _ in described.choices]}
    result["description"] = _describe(described, name)
    return result


def _joined_field(model, column: JoinedField):
    """The model field whose values a joined column lists: ``attr`` of each related record, or the
    items of an array field."""
    values = _model_field(model, column.source)
    if values is None or not values.is_relation:
        return values
    return _model_field(values.related_model, (column.attr or "").replace(".", "__"))


# Model field classes and their Frictionless types; any other field is a string (fuzzy dates such
# as "2017-02" included).
_TYPES = {
    models.BooleanField: "boolean",
    models.IntegerField: "integer",
    models.DecimalField: "number",
    models.FloatField: "number",
    models.DateTimeField: "datetime",
}


def _model_field(model, path: str):
    """The model field at the end of ``path`` ("buyer__country__code"), or None."""
    if not path or path == "*":
        return None
    field = None
    for part in path.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:  # a serializer attribute that is no model field
            return None
        model = field.related_model if field.is_relation else None
    return field


def _describe(model_field, column: str) -> str:
    if model_field is None or not hasattr(model_field, "help_text"):
        return column.replace("_", " ").capitalize() + "."
    owner = model_field.model._meta.verbose_name
    text = str(model_field.help_text or model_field.verbose_name).strip()
    text = text[0].upper() + text[1:] if text else model_field.name
    return f"{text.rstrip('.')} ({owner})."
