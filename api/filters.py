"""Full-text search (PostgreSQL) and strict ordering for the public lists."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.functions import Coalesce
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


# Each lexeme quoted as a tsquery operand: '...' with ' doubled and \ escaped.
_QUOTED_LEXEME = r"'''' || replace(replace(lexeme, E'\\', E'\\\\'), '''', '''''') || ''''"


class AnyLexemeOf(Func):
    """A tsquery matching any lexeme the search terms could contain: the lexemes of
    ``to_tsvector('simple', terms)``, and of the terms with hyphens read as spaces
    (``websearch_to_tsquery`` reads ``-word`` as a negation and ``a-b`` as a phrase of its parts).
    A superset of the lexemes of ``websearch_to_tsquery('simple', terms)``; NULL when there are none."""

    output_field = TextField()
    template = (
        f"(SELECT string_agg({_QUOTED_LEXEME}, ' | ')::tsquery "  # noqa: S608 (constants; terms are a parameter)
        "FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, %(expressions)s)) "
        "|| tsvector_to_array(to_tsvector('simple'::regconfig, translate(%(expressions)s, '-', ' ')))) AS lexeme)"
    )

    def __init__(self, terms: str):
        super().__init__(Value(terms, output_field=TextField()))

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, (*params, *params)  # %(expressions)s appears twice


class Matches(Func):
    """``document @@ tsquery`` for a tsquery that is already one (Django's lookup would re-parse it)."""

    output_field = BooleanField()
    arg_joiner = " @@ "
    template = "(%(expressions)s)"


def indexed_search(model, fields, terms: str, query: SearchQuery) -> Q | None:
    """The search as a condition that indexes can answer, when the document spans two tables.

    A document with a related field (a deployment's ``country__name``) is in no index. Write it as
    the record's own document O (an expression GIN index holds it, see the models' Meta.indexes)
    and the related record's document R (which has one too, or is a small table), and let S be a
    superset of the query's lexemes (``AnyLexemeOf``). The related field is at one end of the
    document, so joining the two texts shifts one side's positions by a constant and keeps the
    distances within each side. Hence, exactly:

    - if O holds no lexeme of S, the document matches when R does;
    - if R holds no lexeme of S, the document matches when O does;
    - otherwise (rare: both hold some) the whole document is computed and matched.

    Each case starts from an index; the result is ``pk IN (case 1 UNION ALL case 2 UNION ALL case 3)``.
    None when the document is not of that shape (then the plain document is matched).
    """
    local = [path for path in fields if "__" not in path]
    related = [path for path in fields if "__" in path]
    if len(related) != 1 or not local or list(fields) not in (local + related, related + local):
        return None
    relation, _, attribute = related[0].partition("__")
    field = model._meta.get_field(relation)
    if "__" in attribute or not field.many_to_one:
        return None
    any_lexeme = AnyLexemeOf(terms)
    own_document = search_document(model, local)
    records = model._base_manager.order_by().alias(_own=own_document)
    related_records = field.related_model._base_manager.order_by().alias(
        _related=SearchVector(attribute, config="simple")
    )
    own_has_some = Matches(own_document, any_lexeme)
    related_has_some = related_records.filter(Matches(F("_related"), any_lexeme)).values("pk")
    related_matches = related_records.filter(_related=query).values("pk")
    fk = field.attname
    related_only = records.filter(~Q(Coalesce(own_has_some, False)), **{f"{fk}__in": related_matches})
    own_only = records.filter(
        Q(**{f"{fk}__isnull": True}) | ~Q(**{f"{fk}__in": related_has_some}), _own=query
    )
    both = (
        records.alias(_whole=search_document(model, fields))
        .filter(own_has_some, **{f"{fk}__in": related_has_some})
        .filter(_whole=query)
    )
    return Q(pk__in=related_only.values("pk").union(own_only.values("pk"), both.values("pk"), all=True))


class FullTextSearchFilter(BaseFilterBackend):
    """``?search=``: websearch syntax ("safe city" -huawei, "exact phrase", or), config "simple" so
    names match in any language, over the view's ``search_fields``.

    The document is the expression the models' GIN indexes hold; for documents that span tables,
    see ``indexed_search``.
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
        condition = indexed_search(queryset.model, fields, terms, query)
        if condition is not None:
            return queryset.filter(condition)
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
