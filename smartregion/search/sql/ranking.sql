-- The search's relevance and the ranked candidates of a query (docs/search.md, "Relevance").
-- Loaded by search migration 0005, after the columns title_vector and lead_vector exist; the
-- current definitions: a change goes here and into a new migration that loads this file again.
--
-- Relevance is a level, and recency breaks ties within a level (then the row's id):
--   3  the query matches the title,
--   2  the query matches title and teaser together,
--   1  the query matches the whole document (body, sections, organisation, venue …).
-- A level holds every match of its kind, so the best k of all matches are found level by level,
-- newest first within each, and the search stops as soon as it has k: no match it did not look
-- at can rank higher. search_document keeps the title's and the teaser's part of each vector as
-- columns of their own (small, stored in the row, each with its GIN index).

-- Whether a row of the index is public now and within the filters (NULL: no filter). The one
-- place of these conditions: the candidates below and the reference ranking
-- (engine.exhaustive()) use it. It takes columns, not the row: a whole row would read every
-- vector. A SQL function of one expression, so the planner inlines it and uses the indexes.
CREATE OR REPLACE FUNCTION search_public(visible_from timestamptz, visible_until date,
                                         municipality_id bigint, topic_ids bigint[],
                                         municipality bigint, topic bigint, today date)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (visible_from IS NULL OR visible_from <= now())
       AND (visible_until IS NULL OR visible_until >= today)
       AND (municipality IS NULL OR municipality_id = municipality)
       AND (topic IS NULL OR topic_ids @> ARRAY[topic])
$$;

-- The level of a match (see above): for ordering every match, in engine.exhaustive().
CREATE OR REPLACE FUNCTION search_level(title_vector tsvector, lead_vector tsvector, query tsquery)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN title_vector @@ query THEN 3 WHEN lead_vector @@ query THEN 2 ELSE 1 END
$$;

-- What a match of the level's column (search_level_column()) must fulfil besides to be a match
-- at exactly `level`: not to be a match of a higher level. Conditions on the small vectors of
-- the row d, each beginning with AND, the query as $1.
CREATE OR REPLACE FUNCTION search_level_rest(level integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE level
               WHEN 3 THEN ''
               WHEN 2 THEN ' AND NOT d.title_vector @@ $1'
               ELSE ' AND NOT d.title_vector @@ $1 AND NOT d.lead_vector @@ $1'
           END
$$;

-- The operators of a query, without its lexemes: '&', '|', '!', '<->' …
CREATE OR REPLACE FUNCTION search_operators(query tsquery) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT regexp_replace(query::text, '''(?:[^'']|'''')*''', '', 'g')
$$;

-- Whether the query excludes words ("Krise -Corona"). A match of title or teaser must then match
-- the whole document as well: a title without "Corona" says nothing about the body.
CREATE OR REPLACE FUNCTION search_negated(query tsquery) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT strpos(search_operators(query), '!') > 0
$$;

-- The column whose GIN index finds the matches of `level`.
CREATE OR REPLACE FUNCTION search_level_column(level integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE level WHEN 3 THEN 'title_vector' WHEN 2 THEN 'lead_vector' ELSE 'vector' END
$$;

-- The planner's estimate of the public documents of kind `k` within the filters, and of those
-- whose `column` matches the query when given (column statistics; at least 1). VOLATILE only
-- because it runs EXPLAIN.
CREATE OR REPLACE FUNCTION search_estimate(k text, municipality bigint, topic bigint,
                                           today date, column_name text DEFAULT NULL,
                                           query tsquery DEFAULT NULL)
RETURNS numeric
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE format($sql$
        EXPLAIN (FORMAT JSON) SELECT 1 FROM search_document d
         WHERE d.kind = $1
           AND search_public(d.visible_from, d.visible_until, d.municipality_id, d.topic_ids,
                             $2, $3, $4) %s
    $sql$, CASE WHEN column_name IS NULL THEN '' ELSE format('AND d.%I @@ $5', column_name) END)
    INTO plan USING k, municipality, topic, today, query;
    RETURN greatest((plan->0->'Plan'->>'Plan Rows')::numeric, 1);
END
$$;

-- The best `wanted` public documents of each kind by relevance, with their level; a row with
-- doc_id NULL says that a level had more matches than could be checked (phrases of very common
-- words), and ends that kind. When the planner expects at most `few` matches within the filters
-- (rare words, narrow filters), all of them are ordered at once (search_all_matches(); unless
-- there are more than twice as many); else level by level (search_level_matches(), which the
-- arguments after `wanted` are for). `strategy` 'all', 'walk' or 'index' forces one way, for
-- the tests.
CREATE OR REPLACE FUNCTION search_ranked(query tsquery, kinds text[], municipality bigint,
                                         topic bigint, today date, wanted integer,
                                         strategy text DEFAULT 'auto', walk integer DEFAULT 3000,
                                         longest_walk integer DEFAULT 30000,
                                         checked integer DEFAULT 1000,
                                         few integer DEFAULT 2000)
RETURNS TABLE (doc_kind text, doc_id bigint, doc_level integer)
LANGUAGE plpgsql VOLATILE  -- only because it asks the planner for estimates (EXPLAIN)
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    k text;
    level integer;
    documents numeric;
    ids bigint[];
    levels integer[];
    found integer;
    phrase boolean := search_relax(query) <> query;
    lead numeric;
    together boolean;
BEGIN
    IF query IS NULL OR numnode(query) = 0 THEN
        RETURN;
    END IF;
    FOREACH k IN ARRAY kinds LOOP
        IF strategy = 'all' OR (strategy = 'auto' AND NOT phrase
                                AND search_estimate(k, municipality, topic, today, 'vector',
                                                    query) <= few) THEN
            -- At most twice as many as expected: else level by level after all.
            SELECT a.ids, a.levels INTO ids, levels
              FROM search_all_matches(query, k, municipality, topic, today, wanted,
                                      CASE WHEN strategy = 'auto' THEN 2 * few END) AS a;
            IF ids IS NOT NULL THEN
                RETURN QUERY SELECT k, unnest(ids), unnest(levels);
                CONTINUE;
            END IF;
        END IF;
        documents := search_estimate(k, municipality, topic, today);
        found := 0;
        -- A phrase's matches in titles and in teasers from one pass of the teaser's GIN index,
        -- when the index is the way for them: it checks the phrase on every row it finds with
        -- all the words, once for both levels instead of once for each.
        together := false;
        IF strategy IN ('auto', 'index') AND phrase AND NOT search_negated(query) THEN
            lead := search_estimate(k, municipality, topic, today, 'lead_vector', query);
            together := strategy = 'index' OR 3 * lead < wanted * documents / lead;
        END IF;
        FOR level IN REVERSE 3..1 LOOP
            CONTINUE WHEN level = 2 AND together;
            IF level = 3 AND together THEN
                SELECT array_agg(b.doc_id), array_agg(b.doc_level) INTO ids, levels
                  FROM search_level_index(query, k, 3, municipality, topic, today, wanted, NULL,
                                          NULL, checked, 2) AS b;
                ids := coalesce(ids, '{}');
                RETURN QUERY SELECT k, unnest(ids), unnest(levels);
                found := cardinality(ids);
                EXIT WHEN found >= wanted;
                CONTINUE;
            END IF;
            ids := ARRAY(
                SELECT m.doc_id
                  FROM search_level_matches(query, k, level, municipality, topic, today,
                                            wanted - found, documents, strategy, walk,
                                            longest_walk, checked) AS m);
            RETURN QUERY SELECT k, unnest(ids), level;
            found := found + cardinality(ids);
            EXIT WHEN found >= wanted OR array_position(ids, NULL) IS NOT NULL;
        END LOOP;
    END LOOP;
END
$$;

-- The best `wanted` public documents of kind `k` by relevance, from all their matches at once:
-- the GIN index finds them without reading a vector (except to check phrases), the level comes
-- from the title's and teaser's vectors in the row. The cost grows with the matches: for few.
-- NULLs when there are more than `most` (the planner's estimate was wrong); NULL: no limit.
CREATE OR REPLACE FUNCTION search_all_matches(query tsquery, k text, municipality bigint,
                                              topic bigint, today date, wanted integer,
                                              most integer)
RETURNS TABLE (ids bigint[], levels integer[])
LANGUAGE plpgsql STABLE
-- Bitmap scans only; and testing a row costs 20 times what the planner assumes by default (it
-- may read the whole vector), so that the words are looked up in the index, not tested on
-- every row of the kind. No parallel workers: starting them costs more than a search takes.
SET enable_seqscan = off
SET enable_indexscan = off
SET cpu_operator_cost = 0.05
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
    matches integer;
BEGIN
    -- EXECUTE: planned for the values.
    EXECUTE $sql$
        WITH m AS (
            SELECT d.id, d.date, search_level(d.title_vector, d.lead_vector, $1) AS level
              FROM search_document d
             WHERE d.vector @@ $1
               AND d.kind = $2
               AND search_public(d.visible_from, d.visible_until, d.municipality_id,
                                 d.topic_ids, $3, $4, $5)
             LIMIT $7
        ), best AS (
            SELECT * FROM m ORDER BY level DESC, date DESC, id DESC LIMIT $6
        )
        SELECT (SELECT count(*) FROM m),
               ARRAY(SELECT id FROM best ORDER BY level DESC, date DESC, id DESC),
               ARRAY(SELECT level FROM best ORDER BY level DESC, date DESC, id DESC)
    $sql$ INTO matches, ids, levels
    USING query, k, municipality, topic, today, wanted, most + 1;
    IF matches > most THEN
        ids := NULL;
        levels := NULL;
    END IF;
    RETURN NEXT;
END
$$;

-- The newest `wanted` public documents of kind `k` that match at exactly `level`, found at a
-- cost that does not grow with the number of matches. What costs is reading vectors: the whole
-- vector comes from the TOAST table, the title's and teaser's are in the row; the GIN index
-- reads none, except to check phrases. From the planner's estimates (column statistics) of the
-- level's matches and of the kind's `documents`, both within the filters, follows how many rows
-- a walk along the newest would read to find `wanted` matches:
--   * the GIN index of the level's column finds all its matches (search_level_index) when that
--     reads fewer rows (at level 1 counted at half, as the walk reads whole vectors, at levels
--     2 and 3 three times, as the index's rows come in no order);
--   * otherwise walk the newest documents along the (kind, date) index and test them, stopping
--     at `wanted` matches, after twice the expected length at most (between `walk` and
--     `longest_walk`; phrases, whose estimate is that of all their words: `walk`); at levels 2
--     and 3 on as long as the matches met say that is cheaper than the index. Too few found:
--     the GIN index finds the rest among the older documents (phrases at level 1: checked
--     among the newest `checked` of the older documents that have all the words).
CREATE OR REPLACE FUNCTION search_level_matches(query tsquery, k text, level integer,
                                                municipality bigint, topic bigint, today date,
                                                wanted integer, documents numeric,
                                                strategy text, walk integer,
                                                longest_walk integer, checked integer)
RETURNS TABLE (doc_id bigint)
LANGUAGE plpgsql VOLATILE
SET max_parallel_workers_per_gather = 0  -- as in search_all_matches()
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    relaxed tsquery := CASE WHEN level = 1 THEN search_relax(query) ELSE query END;
    phrase boolean := relaxed <> query;
    condition text := search_level_rest(level)
                      || format(' AND d.%I @@ $1', search_level_column(level))
                      || CASE WHEN level > 1 AND search_negated(query)
                              THEN ' AND d.vector @@ $1' ELSE '' END;
    indexed numeric;  -- the rows the level's GIN index finds
    matches numeric;  -- of these, the level's own
    expected numeric;
    walk_limit integer;
    walked record;
    stretch integer;
    seen integer := 0;
    found integer := 0;
    edge_date timestamptz;
    edge_id bigint;
BEGIN
    indexed := search_estimate(k, municipality, topic, today, search_level_column(level),
                               relaxed);
    matches := indexed;
    IF level < 3 THEN  -- less the higher level's
        matches := greatest(indexed - search_estimate(k, municipality, topic, today,
                                                      search_level_column(level + 1), query), 1);
    END IF;
    expected := ceil(wanted * documents / matches);
    -- The GIN index when it finds fewer rows than the walk would read. At level 1 a walk reads
    -- whole vectors, which the index does not, so its rows count at half. At levels 2 and 3 the
    -- walk reads small vectors in date order, and a row the index finds costs about three; for
    -- a query with OR (also from synonyms and spelling variants) a short walk comes first in
    -- any case, as the planner's estimate of OR can be far off: how many matches the walk
    -- meets tells how to go on.
    IF strategy = 'index'
       OR (strategy = 'auto' AND CASE WHEN level = 1 THEN indexed / 2 < expected
                                      ELSE 3 * indexed < expected
                                           AND strpos(search_operators(query), '|') = 0 END) THEN
        RETURN QUERY
        SELECT b.doc_id
          FROM search_level_index(query, k, level, municipality, topic, today, wanted, NULL,
                                  NULL, 3 * checked) AS b;
        RETURN;
    END IF;
    walk_limit := CASE
        WHEN strategy = 'walk' OR phrase OR (level > 1 AND 3 * indexed < expected) THEN walk
        ELSE least(longest_walk, greatest(walk, 2 * expected))::integer END;
    LOOP
        -- Row by row, so that the walk stops at the `wanted`th match, and the whole vector is
        -- read only for rows the cheaper tests (the title, the teaser) leave.
        stretch := 0;
        FOR walked IN EXECUTE format($sql$
            SELECT d.id, d.date, (TRUE%s) AS matched
              FROM search_document d
             WHERE d.kind = $2
               AND search_public(d.visible_from, d.visible_until, d.municipality_id,
                                 d.topic_ids, $3, $4, $5)
               AND ($7::timestamptz IS NULL OR (d.date, d.id) < ($7, $8))
             ORDER BY d.date DESC, d.id DESC
             LIMIT $6
        $sql$, condition)
        USING query, k, municipality, topic, today, walk_limit, edge_date, edge_id
        LOOP
            stretch := stretch + 1;
            IF walked.matched THEN
                doc_id := walked.id;
                RETURN NEXT;
                found := found + 1;
                EXIT WHEN found >= wanted;
            END IF;
        END LOOP;
        seen := seen + stretch;
        IF found >= wanted OR stretch < walk_limit THEN
            RETURN;  -- enough, or every document seen
        END IF;
        edge_date := walked.date;
        edge_id := walked.id;
        -- Walking on at levels 2 and 3 as long as that is cheaper than the index, by the share
        -- of matches seen so far ("Digitalisierung -Region" finds the first word in many
        -- titles, the second in many bodies; none seen: few, the index).
        EXIT WHEN strategy <> 'auto' OR level = 1 OR found = 0;
        walk_limit := ceil(1.5 * (wanted - found) * seen / found);
        EXIT WHEN walk_limit > 3 * found * documents / seen OR seen + walk_limit > 4 * longest_walk;
    END LOOP;
    -- Too few found: the rest from the older documents than the walk saw.
    RETURN QUERY
    SELECT b.doc_id
      FROM search_level_index(query, k, level, municipality, topic, today, wanted - found,
                              edge_date, edge_id, checked) AS b;
END
$$;

-- Matches at exactly `level` (and with `down_to` 2 at level 3: at levels 3 and 2, best first)
-- found with bitmap scans of the level's GIN index only, among the documents older than
-- (before_date, before_id) when given: a walk along the dates or a sequential scan would read
-- every vector. For phrases at level 1 the index finds the documents with all the words, and
-- the positions are checked for the newest `checked` of them; a row (NULL) says that there
-- were more.
CREATE OR REPLACE FUNCTION search_level_index(query tsquery, k text, level integer,
                                              municipality bigint, topic bigint, today date,
                                              wanted integer, before_date timestamptz,
                                              before_id bigint, checked integer,
                                              down_to integer DEFAULT NULL)
RETURNS TABLE (doc_id bigint, doc_level integer)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off  -- as in search_all_matches()
SET enable_indexscan = off
SET cpu_operator_cost = 0.05
SET max_parallel_workers_per_gather = 0
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    relaxed tsquery := CASE WHEN level = 1 THEN search_relax(query) ELSE query END;
    matching text := format($sql$
        FROM search_document d
       WHERE d.%I @@ $8
         AND d.kind = $2
         AND search_public(d.visible_from, d.visible_until, d.municipality_id, d.topic_ids,
                           $3, $4, $5)
         AND ($6::timestamptz IS NULL OR (d.date, d.id) < ($6, $7)) $sql$,
        search_level_column(coalesce(down_to, level)));
    newest text := ' ORDER BY d.date DESC, d.id DESC LIMIT $9';
    rest text := search_level_rest(level);
    candidate record;
    found integer := 0;
    examined integer := 0;
BEGIN
    IF level = 3 AND down_to = 2 THEN  -- both levels, no exclusion (search_ranked())
        RETURN QUERY EXECUTE
            'SELECT d.id, CASE WHEN d.title_vector @@ $1 THEN 3 ELSE 2 END ' || matching
            || ' ORDER BY 2 DESC, d.date DESC, d.id DESC LIMIT $9'
            USING query, k, municipality, topic, today, before_date, before_id, relaxed, wanted;
        RETURN;
    END IF;
    IF relaxed = query AND NOT (level > 1 AND search_negated(query)) THEN
        RETURN QUERY EXECUTE format('SELECT d.id, %s ', level) || matching || rest || newest
            USING query, k, municipality, topic, today, before_date, before_id, relaxed, wanted;
        RETURN;
    END IF;
    -- A phrase (level 1) or an exclusion (levels 2, 3): the whole vector decides, read here one
    -- row after the other, newest first, only for the rows that the small vectors leave.
    FOR candidate IN EXECUTE
        format('SELECT d.id, CASE WHEN TRUE%s%s THEN d.vector END AS vector ', rest,
               CASE WHEN level > 1
                    THEN format(' AND d.%I @@ $1', search_level_column(level)) ELSE '' END)
        || matching || newest
        USING query, k, municipality, topic, today, before_date, before_id, relaxed, checked + 1
    LOOP
        examined := examined + 1;
        IF examined > checked THEN
            doc_id := NULL;  -- more documents with all the words than were checked
            doc_level := level;
            RETURN NEXT;
            EXIT;
        END IF;
        IF candidate.vector @@ query THEN
            doc_id := candidate.id;
            doc_level := level;
            RETURN NEXT;
            found := found + 1;
            EXIT WHEN found >= wanted;
        END IF;
    END LOOP;
END
$$;
