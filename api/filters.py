"""Full-text search (PostgreSQL, registry/search.py) and strict ordering for the public lists."""

import re

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, F, Func, TextField, Value, When
from django_filters import utils as filterset_utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter

from registry.choices import ReviewStatus
from registry.curation.models import is_curated
from registry.filtersets import RelatedChoiceFilter
from registry.search import Fold, JoinedText, Matches, SearchDocument, SimilarWords, WebSearchQuery

SEARCH_MAX_LENGTH = 200
# The web-search syntax: a quote, a negated word, "or".
_OPERATORS = re.compile(r'(^|\s)-\S*|"|(^|\s)or(?=\s|$)', re.IGNORECASE)


def _searchable(model, path: str):
    """A column of the search document; an array (aliases) is joined into one text, and a curated
    related record's field counts only while that record is published (deployments/derived.py)."""
    if "__" in path:
        relation, _, _ = path.partition("__")
        if is_curated(model._meta.get_field(relation).related_model):
            return Case(When(**{f"{relation}__review_status": ReviewStatus.PUBLISHED}, then=F(path)))
        return F(path)
    if isinstance(model._meta.get_field(path), ArrayField):
        return Func(F(path), Value(" "), function="array_to_string", output_field=TextField())
    return F(path)


def search_document(model, fields) -> SearchDocument:
    """``registry_search_document(field || ' ' || field ...)``: the expression GIN indexes hold."""
    return SearchDocument(*(_searchable(model, path) for path in fields))


def has_stored_vector(model) -> bool:
    """Whether ``model`` stores its document in ``search_vector`` (deployments/derived.py)."""
    try:
        model._meta.get_field("search_vector")
    except FieldDoesNotExist:
        return False
    return True


def fallback_words(terms: str) -> str:
    """The words a trigram match compares: a query of plain words; none when it uses the web-search
    syntax (a phrase, a negation, or), whose reader asked for exactly that."""
    return "" if _OPERATORS.search(terms) else " ".join(terms.split())


class FullTextSearchFilter(BaseFilterBackend):
    """``?search=``: websearch syntax ("safe city" -huawei, "exact phrase", or) over the view's
    ``search_fields``; accents and letter case ignored, Serbian Cyrillic and Latin alike, each word of
    three letters or more a prefix (``camera`` finds "cameras").

    Deployments, contracts and camera counts store that document, related records' names included,
    in a GIN-indexed ``search_vector`` the database keeps up to date; the other (small) tables compute
    it with the expression their GIN indexes hold.

    When full-text search finds nothing, the words are compared by trigram similarity with the
    records' names (``trigram_fields``: pg_trgm's word similarity), so a typo (``Hikvison``) still
    finds the record.
    """

    search_param = "search"

    def filter_queryset(self, request, queryset, view):
        terms = request.query_params.get(self.search_param, "").strip()
        fields = getattr(view, "search_fields", ())
        if not terms or not fields:
            return queryset
        if len(terms) > SEARCH_MAX_LENGTH:
            raise ValidationError({self.search_param: [f"At most {SEARCH_MAX_LENGTH} characters."]})
        model = queryset.model
        document = F("search_vector") if has_stored_vector(model) else search_document(model, fields)
        found = queryset.filter(Matches(document, WebSearchQuery(terms)))
        words = fallback_words(terms)
        names = getattr(view, "trigram_fields", ())
        # Two letters are too few to be like anything in particular.
        if len(words) < 3 or not names or found.exists():
            return found
        return queryset.filter(SimilarWords(words, self.names(model, names)))

    @staticmethod
    def names(model, fields):
        """The folded names a trigram match compares: a stored ``search_names`` column as it is."""
        if len(fields) == 1 and fields[0].endswith("search_names"):
            return F(fields[0])
        return Fold(JoinedText(*(_searchable(model, path) for path in fields)))

    def get_schema_operation_parameters(self, view):
        fields = ", ".join(getattr(view, "search_fields", ()))
        if not fields:
            return []
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": f'Full-text search (web search syntax: words, "phrase", or, -word) in {fields}; '
                "accents and case ignored, words of three letters or more match as prefixes; when nothing "
                "matches, names similar to the words (typos).",
                "schema": {"type": "string", "maxLength": SEARCH_MAX_LENGTH},
            }
        ]


class PublicFilterBackend(DjangoFilterBackend):
    """django-filter's backend; a filter naming a record that does not exist (or is not published:
    ``vendor=no-such-vendor``) is a 404 naming the parameter, like a detail URL naming none. Any other
    invalid value (a malformed date, a choice not in the list) is a 400."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            errors = filterset.form.errors.as_data()
            unknown = all(
                names_no_record(filterset, request, name, field_errors)
                for name, field_errors in errors.items()
            )
            translated = filterset_utils.translate_validation(filterset.errors)
            raise NotFound(translated.detail) if unknown else translated
        return filterset.qs


def names_no_record(filterset, request, name: str, errors) -> bool:
    """Whether a filter's errors only say that well-formed identifiers name no (published) record."""
    related = filterset.filters.get(name)
    if not isinstance(related, RelatedChoiceFilter) or not hasattr(related, "value_pattern"):
        return False
    if any(error.code not in ("invalid_choice", "invalid_pk_value") for error in errors):
        return False
    values = [value.strip() for raw in request.query_params.getlist(name) for value in raw.split(",")]
    return all(related.value_pattern.match(value) for value in values if value)


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
