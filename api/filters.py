"""Full-text search (PostgreSQL) and strict ordering for the public lists."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Func, TextField, Value
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter

SEARCH_MAX_LENGTH = 200


def _searchable(model, path: str):
    """A column of the search document; an array (aliases) is joined into one text."""
    field = model._meta.get_field(path) if "__" not in path else None
    if isinstance(field, ArrayField):
        return Func(F(path), Value(" "), function="array_to_string", output_field=TextField())
    return F(path)


def search_document(model, fields) -> SearchVector:
    """``to_tsvector('simple', field || ' ' || field ...)``: the expression the GIN indexes hold."""
    return SearchVector(*(_searchable(model, path) for path in fields), config="simple")


def has_stored_vector(model) -> bool:
    """Whether ``model`` stores its document in ``search_vector`` (deployments/derived.py)."""
    try:
        model._meta.get_field("search_vector")
    except FieldDoesNotExist:
        return False
    return True


class FullTextSearchFilter(BaseFilterBackend):
    """``?search=``: websearch syntax ("safe city" -huawei, "exact phrase", or), config "simple" so
    names match in any language, over the view's ``search_fields``.

    Deployments, contracts and camera counts store that document, related record's name included, in
    a GIN-indexed ``search_vector`` the database keeps up to date; the other (small) tables compute it
    with the expression their GIN indexes hold.
    """

    search_param = "search"

    def filter_queryset(self, request, queryset, view):
        terms = request.query_params.get(self.search_param, "").strip()
        fields = getattr(view, "search_fields", ())
        if not terms or not fields:
            return queryset
        if len(terms) > SEARCH_MAX_LENGTH:
            raise ValidationError({self.search_param: [f"At most {SEARCH_MAX_LENGTH} characters."]})
        query = SearchQuery(terms, config="simple", search_type="websearch")
        if has_stored_vector(queryset.model):
            return queryset.filter(search_vector=query)
        document = search_document(queryset.model, fields)
        return queryset.alias(search_document=document).filter(search_document=query)

    def get_schema_operation_parameters(self, view):
        fields = ", ".join(getattr(view, "search_fields", ()))
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": f'Full-text search (web search syntax: words, "phrase", or, -word) in {fields}.',
                "schema": {"type": "string", "maxLength": SEARCH_MAX_LENGTH},
            }
        ]


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=name,-started_on`` on the view's ``ordering_fields`` only; anything else is a 400.

    The primary key breaks ties, so pages never overlap or skip a record.
    """

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param, "")
        if not params.strip():
            return list(self.get_default_ordering(view) or queryset.model._meta.ordering)
        fields = [param.strip() for param in params.split(",")]
        valid = self.valid_names(queryset, view, request)
        invalid = [field or "(an empty name)" for field in fields if field.removeprefix("-") not in valid]
        if invalid:
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"Cannot order by {', '.join(invalid)}; choose from {', '.join(valid)} "
                        "(prefix - for descending)."
                    ]
                }
            )
        return fields

    def valid_names(self, queryset, view, request) -> list[str]:
        return [item[0] for item in self.get_valid_fields(queryset, view, {"request": request})]

    def filter_queryset(self, request, queryset, view):
        return queryset.order_by(*self.get_ordering(request, queryset, view), "pk")

    def get_schema_operation_parameters(self, view):
        names = [name if isinstance(name, str) else name[0] for name in getattr(view, "ordering_fields", ())]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Comma-separated fields to order by; prefix - for descending.",
                "schema": {
                    "type": "array",
                    "items": {"type": "string", "enum": [*names, *(f"-{n}" for n in names)]},
                },
                "style": "form",
                "explode": False,
            }
        ]
