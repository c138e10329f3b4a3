"""Full-text search (PostgreSQL) and strict ordering for the public lists."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import BooleanField, F, Func, Q, TextField, Value
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


def index_prefilter(model, fields, terms: str, query: SearchQuery) -> Q | None:
    """A condition implied by the search that indexes can answer, or None.

    When the search document spans related tables (a deployment's country name), no index holds it.
    So it is split into the record's own fields, whose document an expression GIN index holds (see
    the models' Meta.indexes), and each related ``fk__field``. A record can match the whole document
    only if its own document matches, or a related record contains a lexeme of the query: when none
    does, the related text adds no lexeme the query can see and (the related fields being at one end
    of the document) the distances between the record's own lexemes are unchanged, so the whole
    document matches exactly when the own document does. The exact match on the whole document is
    still applied; the prefilter (``pk IN (indexed own-document match UNION ALL records of matching
    related records)``) only lets PostgreSQL start from the indexes.
    """
    local = [path for path in fields if "__" not in path]
    related = [path for path in fields if "__" in path]
    if not related or not local:
        return None
    if list(fields) not in (local + related, related + local):
        return None  # a related field between own fields would shift their positions
    records = model._base_manager.order_by()
    candidates = records.alias(_own_document=search_document(model, local)).filter(_own_document=query)
    parts = []
    for path in related:
        relation, _, attribute = path.partition("__")
        field = model._meta.get_field(relation)
        if "__" in attribute or not field.many_to_one:
            return None
        matches = Matches(SearchVector(attribute, config="simple"), AnyLexemeOf(terms))
        related_records = field.related_model._base_manager.filter(matches).order_by().values("pk")
        parts.append(records.filter(**{f"{field.attname}__in": related_records}).values("pk"))
    return Q(pk__in=candidates.values("pk").union(*parts, all=True))


class FullTextSearchFilter(BaseFilterBackend):
    """``?search=``: websearch syntax ("safe city" -huawei, "exact phrase", or), config "simple" so
    names match in any language, over the view's ``search_fields``.

    The document is the expression the models' GIN indexes hold; for documents that span tables,
    see ``index_prefilter``.
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
        prefilter = index_prefilter(queryset.model, fields, terms, query)
        if prefilter is not None:
            queryset = queryset.filter(prefilter)
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
