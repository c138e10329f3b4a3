"""The SQL of the registry's search, shared by the API's filter (api/filters.py), the indexes that
hold it and the triggers that store it (deployments/derived.py).

The functions are PostgreSQL's (created by registry/migrations/0008_search_functions.py, with the
unaccent and pg_trgm extensions):

- ``registry_search_fold(text)``: Serbian Cyrillic written in Latin letters, accents off (unaccent),
  lower case: ``Bogotá`` → ``bogota``, ``Београд`` → ``beograd``, ``Niš`` → ``nis``;
- ``registry_search_document(text)``: the folded text's lexemes (configuration ``simple``: no
  language's stemming rules, so names in English, Spanish, Serbian and Italian keep their words);
- ``registry_search_query(text)``: a web-search query (``"safe city" or facial -huawei``), folded,
  each word of three letters or more matched as a prefix (``camera`` finds "cameras").
"""

from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db.models import BooleanField, F, Func, TextField, Value
from django.db.models.expressions import Expression


def _text(expression) -> Expression:
    return F(expression) if isinstance(expression, str) else expression


class Fold(Func):
    function = "registry_search_fold"
    output_field = TextField()


class JoinedText(Func):
    """``COALESCE(a, '') || ' ' || COALESCE(b, '')``: an immutable join, fit for an index."""

    output_field = TextField()
    arg_joiner = " || ' ' || "
    template = "%(expressions)s"

    def __init__(self, *expressions):
        super().__init__(*(Func(_text(e), Value(""), function="COALESCE") for e in expressions))


class SearchDocument(Func):
    """The tsvector of the fields, joined (the expression of the GIN indexes of small tables)."""

    function = "registry_search_document"
    output_field = SearchVectorField()

    def __init__(self, *expressions):
        super().__init__(JoinedText(*expressions))


class WebSearchQuery(Func):
    function = "registry_search_query"
    output_field = SearchQueryField()

    def __init__(self, terms: str):
        super().__init__(Value(terms, output_field=TextField()))


class Matches(Func):
    """``document @@ query``."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class SimilarWords(Func):
    """``registry_search_fold(words) <% names``: the words are like a part of ``names`` (pg_trgm's
    word similarity, at least ``pg_trgm.word_similarity_threshold``, 0.6 by default)."""

    arg_joiner = " <%% "  # a literal % in SQL with parameters
    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, words: str, names):
        super().__init__(Fold(Value(words, output_field=TextField())), names)
