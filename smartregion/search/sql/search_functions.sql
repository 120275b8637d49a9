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

-- The candidates for ranking: per kind, the newest `wanted` public documents that match, found
-- at a cost that does not grow with the number of matches (docs/search.md). What costs is
-- reading vectors (from the TOAST table); the GIN index reads none, except to check phrases.
-- From the planner's estimates (column statistics) of the matches and of all documents of the
-- kind follows how many documents a walk along the newest would read to find `wanted` matches:
--   * the GIN index finds all matches (search_by_index) when that reads fewer rows, counted
--     at half, as it reads no vector;
--   * otherwise walk the newest documents along the (kind, date) index and test their vectors,
--     stopping at `wanted` matches, after twice the expected length at most (between `walk`
--     and `longest_walk`; phrases, whose estimate is that of all their words: `walk`). Too
--     few found: the GIN index finds the rest among the older documents (phrases: checked
--     among the newest `checked` of the older documents that have all the words).
-- `strategy` 'walk' or 'index' forces one way, for the tests. A row with doc_id NULL says that
-- there are more matches of that kind than could be checked (phrases of very common words).
CREATE OR REPLACE FUNCTION search_candidates(query tsquery, kinds text[], municipality bigint,
                                  topic bigint, today date, wanted integer,
                                  strategy text DEFAULT 'auto', walk integer DEFAULT 3000,
                                  longest_walk integer DEFAULT 30000,
                                  checked integer DEFAULT 1000)
RETURNS TABLE (doc_kind text, doc_id bigint)
LANGUAGE plpgsql VOLATILE  -- only because it asks the planner for estimates (EXPLAIN)
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    phrase boolean;
    k text;
    plan json;
    matches numeric;
    documents numeric;
    expected numeric;
    walk_limit integer;
    ids bigint[];
    edge record;
BEGIN
    IF query IS NULL OR numnode(query) = 0 THEN
        RETURN;
    END IF;
    phrase := search_relax(query) <> query;
    FOREACH k IN ARRAY kinds LOOP
        EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM search_document WHERE kind = $1 AND vector @@ $2'
            INTO plan USING k, search_relax(query);
        matches := greatest((plan->0->'Plan'->>'Plan Rows')::numeric, 1);
        EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM search_document WHERE kind = $1'
            INTO plan USING k;
        documents := greatest((plan->0->'Plan'->>'Plan Rows')::numeric, 1);
        expected := ceil(wanted * documents / matches);
        IF strategy = 'index' OR (strategy = 'auto' AND matches / 2 < expected) THEN
            RETURN QUERY
            SELECT k, b.doc_id
              FROM search_by_index(query, k, municipality, topic, today, wanted, NULL, NULL,
                                   3 * checked) AS b;
            CONTINUE;
        END IF;
        walk_limit := CASE
            WHEN strategy = 'walk' OR phrase THEN walk
            ELSE least(longest_walk, greatest(walk, 2 * expected))::integer END;
        ids := ARRAY(
            SELECT r.id
              FROM (SELECT d.id, d.date, d.vector
                      FROM search_document d
                     WHERE d.kind = k
                       AND (d.visible_from IS NULL OR d.visible_from <= now())
                       AND (d.visible_until IS NULL OR d.visible_until >= today)
                       AND (municipality IS NULL OR d.municipality_id = municipality)
                       AND (topic IS NULL OR d.topic_ids @> ARRAY[topic])
                     ORDER BY d.date DESC, d.id DESC
                     LIMIT walk_limit) AS r
             WHERE r.vector @@ query
             ORDER BY r.date DESC, r.id DESC
             LIMIT wanted);
        RETURN QUERY SELECT k, unnest(ids);
        IF cardinality(ids) < wanted THEN
            -- The oldest document walked; none when there were fewer: then all were seen.
            SELECT d.date, d.id INTO edge
              FROM search_document d
             WHERE d.kind = k
               AND (d.visible_from IS NULL OR d.visible_from <= now())
               AND (d.visible_until IS NULL OR d.visible_until >= today)
               AND (municipality IS NULL OR d.municipality_id = municipality)
               AND (topic IS NULL OR d.topic_ids @> ARRAY[topic])
             ORDER BY d.date DESC, d.id DESC
            OFFSET walk_limit - 1
             LIMIT 1;
            IF FOUND THEN
                RETURN QUERY
                SELECT k, b.doc_id
                  FROM search_by_index(query, k, municipality, topic, today,
                                       wanted - cardinality(ids), edge.date, edge.id, checked) AS b;
            END IF;
        END IF;
    END LOOP;
END
$$;

-- Matches found with bitmap scans of the GIN index only, among the documents older than
-- (before_date, before_id) when given: a walk along the dates or a sequential scan would read
-- every vector. For phrases the index finds the documents with all the words, and the positions
-- are checked for the newest `checked` of them; a row (NULL) says that there were more.
CREATE OR REPLACE FUNCTION search_by_index(query tsquery, k text, municipality bigint, topic bigint,
                                today date, wanted integer, before_date timestamptz,
                                before_id bigint, checked integer)
RETURNS TABLE (doc_id bigint)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    relaxed tsquery := search_relax(query);
    candidate record;
    found integer := 0;
    examined integer := 0;
BEGIN
    IF relaxed = query THEN
        RETURN QUERY
        SELECT d.id
          FROM search_document d
         WHERE d.vector @@ query
           AND d.kind = k
           AND (d.visible_from IS NULL OR d.visible_from <= now())
           AND (d.visible_until IS NULL OR d.visible_until >= today)
           AND (municipality IS NULL OR d.municipality_id = municipality)
           AND (topic IS NULL OR d.topic_ids @> ARRAY[topic])
           AND (before_date IS NULL OR (d.date, d.id) < (before_date, before_id))
         ORDER BY d.date DESC, d.id DESC
         LIMIT wanted;
        RETURN;
    END IF;
    FOR candidate IN
        SELECT d.id, d.vector
          FROM search_document d
         WHERE d.vector @@ relaxed
           AND d.kind = k
           AND (d.visible_from IS NULL OR d.visible_from <= now())
           AND (d.visible_until IS NULL OR d.visible_until >= today)
           AND (municipality IS NULL OR d.municipality_id = municipality)
           AND (topic IS NULL OR d.topic_ids @> ARRAY[topic])
           AND (before_date IS NULL OR (d.date, d.id) < (before_date, before_id))
         ORDER BY d.date DESC, d.id DESC
         LIMIT checked + 1
    LOOP
        examined := examined + 1;
        IF examined > checked THEN
            doc_id := NULL;  -- more documents with all the words than were checked
            RETURN NEXT;
            EXIT;
        END IF;
        IF candidate.vector @@ query THEN
            doc_id := candidate.id;
            RETURN NEXT;
            found := found + 1;
            EXIT WHEN found >= wanted;
        END IF;
    END LOOP;
END
$$;
