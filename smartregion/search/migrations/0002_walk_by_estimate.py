"""Choose between walking the newest documents and the GIN index by cost, not a fixed count.

Measured at 1,000,000 posts, a fixed rule (GIN index below 20,000 estimated matches, else walk at
most 3,000 documents) read far too much for words in a few percent of the posts: the walk ended
before it had found enough and the GIN index then visited up to 160,000 rows. Now the planner's
estimates of the matches and of the documents of the kind give how long a walk would be; the GIN
index is used when it would read fewer rows (at half the cost each, since it reads no vector),
and the walk may go on until twice its expected length (at most 30,000 documents).

Hyphenated words ("E-Rechnung") come from websearch_to_tsquery as the compound and its parts,
as a phrase: 'e-rechn' <-> 'e' <-> 'rechnung'. The compound lexeme alone finds the same
documents, and without the very common part 'e' the planner's estimate is right again.
"""

from django.db import migrations

FUNCTIONS_SQL = r"""
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

DROP FUNCTION search_candidates(tsquery, text[], bigint, bigint, date, integer, integer, integer,
                                integer, integer);

-- The candidates for ranking: per kind, the newest `wanted` public documents that match, found
-- at a cost that does not grow with the number of matches (README, "Suche"). What costs is
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
CREATE FUNCTION search_candidates(query tsquery, kinds text[], municipality bigint,
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
"""

# Back to the functions of 0001.
REVERSE_SQL = r"""
DROP FUNCTION search_candidates(tsquery, text[], bigint, bigint, date, integer, text, integer,
                                integer, integer);
DROP FUNCTION search_prefix(tsquery);
CREATE FUNCTION search_prefix(query tsquery) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(
        CASE WHEN token LIKE '''%' AND char_length(token) >= 8
             THEN regexp_replace(token, 'i(er|ert)''$', 'i''') || ':*'
             ELSE token END,
        '' ORDER BY position), '')::tsquery
    FROM regexp_matches(query::text, '''(?:[^'']|'''')*''|[^'']+', 'g')
         WITH ORDINALITY AS m(match, position),
         LATERAL (SELECT m.match[1] AS token) AS t
$$;

CREATE FUNCTION search_candidates(query tsquery, kinds text[], municipality bigint,
                                  topic bigint, today date, wanted integer,
                                  walk integer DEFAULT 3000, direct integer DEFAULT 20000,
                                  direct_phrase integer DEFAULT 3000,
                                  checked integer DEFAULT 1000)
RETURNS TABLE (doc_kind text, doc_id bigint)
LANGUAGE plpgsql VOLATILE  -- only because it asks the planner for an estimate (EXPLAIN)
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    threshold integer := direct;
    k text;
    plan json;
    ids bigint[];
    edge record;
BEGIN
    IF query IS NULL OR numnode(query) = 0 THEN
        RETURN;
    END IF;
    IF search_relax(query) <> query THEN
        threshold := direct_phrase;
    END IF;
    FOREACH k IN ARRAY kinds LOOP
        EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM search_document WHERE kind = $1 AND vector @@ $2'
            INTO plan USING k, search_relax(query);
        IF (plan->0->'Plan'->>'Plan Rows')::numeric <= threshold THEN
            RETURN QUERY
            SELECT k, b.doc_id
              FROM search_by_index(query, k, municipality, topic, today, wanted, NULL, NULL,
                                   direct_phrase) AS b;
            CONTINUE;
        END IF;
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
                     LIMIT walk) AS r
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
            OFFSET walk - 1
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
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunSQL(FUNCTIONS_SQL, REVERSE_SQL)]
