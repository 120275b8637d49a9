-- The search engine's functions (the search app; docs/search.md). The current definitions: a
-- change goes here and into a new migration that loads this file again (smartregion/core/sql.py).
-- The content apps keep their rows of search_document with functions of their own
-- (<app>/sql/search_index.sql), which use search_plain() and the german_unaccent configuration
-- made by the search app's first migration.

-- Sanitised HTML (body_html, description_html) as plain text: tags out, the entities that
-- Markdown and nh3 write turned back into characters.
CREATE OR REPLACE FUNCTION search_plain(html text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT replace(replace(replace(replace(replace(replace(
        regexp_replace(coalesce(html, ''), '<[^>]*>', ' ', 'g'),
        '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&#x27;', ''''), '&amp;', '&')
$$;

-- Lexemes of six letters or more also match as prefixes: 'unternehm':* finds
-- "Unternehmensberatung". The stemmer leaves "Digitalisierung" as 'digitalisier',
-- "digitalisierte" as 'digitalisiert' and "digitalisieren" as 'digitalisi': a final "ier" or
-- "iert" is cut to "i" first, so that 'digitalisi':* finds all three. Works on the text form of
-- a query made by websearch_to_tsquery (lexemes quoted by PostgreSQL itself).
-- Hyphenated words ("E-Rechnung") come from websearch_to_tsquery as the compound and its parts,
-- as a phrase: 'e-rechn' <-> 'e' <-> 'rechnung'. The compound lexeme alone finds the same
-- documents, and without the very common part 'e' the planner's estimate is right again.
CREATE OR REPLACE FUNCTION search_prefix(query tsquery) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    -- Quoted lexemes (as PostgreSQL writes them) and the operator runs between them.
    tokens text[] := ARRAY(
        SELECT m[1] FROM regexp_matches(query::text, '''(?:[^'']|'''')*''|[^'']+', 'g') AS m);
    n integer := coalesce(array_length(tokens, 1), 0);
    result text := '';
    i integer := 1;
    parts integer;
    j integer;
    whole boolean;
BEGIN
    WHILE i <= n LOOP
        IF tokens[i] NOT LIKE '''%' THEN
            result := result || tokens[i];
            i := i + 1;
            CONTINUE;
        END IF;
        -- A compound followed by exactly its parts as a phrase of its own: keep the compound.
        parts := length(tokens[i]) - length(replace(tokens[i], '-', '')) + 1;
        whole := parts > 1 AND i + 2 * parts <= n
                 AND (i = 1 OR strpos(tokens[i - 1], '<') = 0)
                 AND (i + 2 * parts = n OR strpos(tokens[i + 2 * parts + 1], '<') = 0);
        j := 1;
        WHILE whole AND j <= parts LOOP
            whole := btrim(tokens[i + 2 * j - 1]) = '<->' AND tokens[i + 2 * j] LIKE '''%';
            j := j + 1;
        END LOOP;
        -- Six letters or more: a prefix. "ier"/"iert" at the end is cut to "i" first, so that
        -- 'digitalisi':* finds Digitalisierung, digitalisierte and digitalisieren alike.
        IF char_length(tokens[i]) >= 8 THEN
            result := result || regexp_replace(tokens[i], 'i(er|ert)''$', 'i''') || ':*';
        ELSE
            result := result || tokens[i];
        END IF;
        i := i + CASE WHEN whole THEN 2 * parts + 1 ELSE 1 END;
    END LOOP;
    RETURN result::tsquery;
END
$$;

-- The query of the search box: websearch syntax ("phrase", -exclusion, OR) on the user's text,
-- passed as a value, never parsed as tsquery syntax; optionally ORed with a spelling variant
-- ("Muenster" -> "Münster"); long lexemes as prefixes. sql/synonyms.sql replaces this definition
-- once the synonym tables exist (search migration 0004): change it there.
CREATE OR REPLACE FUNCTION search_query(q text, variant text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT search_prefix(CASE
        WHEN variant IS NULL THEN websearch_to_tsquery('german_unaccent', q)
        ELSE websearch_to_tsquery('german_unaccent', q)
             || websearch_to_tsquery('german_unaccent', variant) END)
$$;

-- The same query with phrases ("a b", hyphenated words) loosened to "all these words", which the
-- GIN index answers without reading any vector. A query with a negation stays as it is (the
-- loosened form would not include every match then).
CREATE OR REPLACE FUNCTION search_relax(query tsquery) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN bool_or(token NOT LIKE '''%' AND strpos(token, '!') > 0) THEN query
        ELSE coalesce(string_agg(
            CASE WHEN token LIKE '''%' THEN token
                 ELSE regexp_replace(token, '<(-|[0-9]+)>', '&', 'g') END,
            '' ORDER BY position), '')::tsquery
    END
    FROM regexp_matches(query::text, '''(?:[^'']|'''')*''(?::\*)?|[^'']+', 'g')
         WITH ORDINALITY AS m(match, position),
         LATERAL (SELECT m.match[1] AS token) AS t
$$;
