-- Words people mean the same by (docs/search.md): the Redaktion keeps groups of terms in the
-- admin (search_synonym, one term per line); these functions turn every change into rules of
-- PostgreSQL's query rewriting (search_synonym_rule) and apply them to a query.
-- For each term of a group, as the search box would read it (websearch_to_tsquery: words ANDed,
-- "KI" → 'ki') and as a phrase, a rule replaces it by itself OR the other terms as phrases:
--   'kunstlich' & 'intelligenz'  →  'kunstlich' & 'intelligenz' | 'ki'
--   'ki'                         →  'ki' | 'kunstlich' <-> 'intelligenz'
-- Nothing in the index depends on the rules: a change works from the next query on.

-- OR over tsqueries (NULLs skipped; NULL when there are none).
CREATE OR REPLACE AGGREGATE search_or(tsquery) (SFUNC = tsquery_or, STYPE = tsquery);

CREATE OR REPLACE FUNCTION search_synonyms_refresh() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM search_synonym_rule;
    WITH term AS (
        SELECT s.id AS grp, t.n,
               websearch_to_tsquery('german_unaccent', t.term) AS typed,
               phraseto_tsquery('german_unaccent', t.term) AS phrase
          FROM search_synonym s,
               LATERAL regexp_split_to_table(s.terms, '\r?\n') WITH ORDINALITY AS t(term, n)
         WHERE btrim(t.term) <> ''
    ), usable AS (
        SELECT * FROM term WHERE numnode(typed) > 0 AND numnode(phrase) > 0
    ), target AS (
        SELECT grp, n, typed AS query FROM usable
        UNION
        SELECT grp, n, phrase FROM usable
    ), rule AS (
        SELECT t.query AS target,
               t.query || (SELECT search_or(o.phrase) FROM usable o
                            WHERE o.grp = t.grp AND o.n <> t.n) AS substitute
          FROM target t
    )
    INSERT INTO search_synonym_rule (target, substitute)
    SELECT DISTINCT ON (target::text) target, substitute
      FROM rule
     WHERE substitute IS NOT NULL
     ORDER BY target::text, numnode(substitute) DESC;
$$;

CREATE OR REPLACE FUNCTION search_synonyms_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_synonyms_refresh();
    RETURN NULL;
END
$$;

-- The query with every rule applied whose target's words all occur in it (ts_rewrite finds the
-- target as a part of the query: 'kunstlich' & 'intelligenz' within 'kunstlich' & 'intelligenz'
-- & 'bottrop'). Rules are applied one after the other, each once.
CREATE OR REPLACE FUNCTION search_synonyms(query tsquery) RETURNS tsquery
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
DECLARE
    rewritten tsquery := query;
    rule record;
BEGIN
    FOR rule IN
        SELECT r.target, r.substitute FROM search_synonym_rule r
         WHERE query @> r.target ORDER BY r.id
    LOOP
        rewritten := ts_rewrite(rewritten, rule.target, rule.substitute);
    END LOOP;
    RETURN rewritten;
END
$$;

-- The query of the search box (replacing the definition of search_functions.sql, which must not
-- name search_synonyms(): a fresh database runs that file before this one): websearch syntax
-- ("phrase", -exclusion, OR) on the user's text, passed as a value, never parsed as tsquery
-- syntax; optionally ORed with a spelling variant ("Muenster" -> "Münster"); the words people
-- mean the same by added ("KI" also as "Künstliche Intelligenz"); long lexemes as prefixes.
CREATE OR REPLACE FUNCTION search_query(q text, variant text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT search_prefix(search_synonyms(CASE
        WHEN variant IS NULL THEN websearch_to_tsquery('german_unaccent', q)
        ELSE websearch_to_tsquery('german_unaccent', q)
             || websearch_to_tsquery('german_unaccent', variant) END))
$$;
