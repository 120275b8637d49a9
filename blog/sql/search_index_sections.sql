-- The blog's search rows with the structured sections of a post (Ausgangslage, Lösung,
-- Ergebnis, Tipps zum Nachmachen, Ansprechpartner; added by blog/migrations/0010). These
-- definitions replace the ones of blog/sql/search_index_en.sql, which must not name the section
-- columns: a fresh database runs that file (migration 0009) before the columns exist. Change
-- these functions here.
-- Weights: A the titles; B the teasers, Lösung and Tipps zum Nachmachen (what a reader looking
-- for an idea to copy wants to find); C the free text, Ausgangslage and Ergebnis; D the
-- organisation and the Ansprechpartner.

-- (Re)index the given posts: published ones get a row, all others lose theirs.
CREATE OR REPLACE FUNCTION search_sync_posts(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM search_document d
     WHERE d.kind = 'post' AND d.object_id = ANY(ids)
       AND NOT EXISTS (SELECT 1 FROM blog_post p
                        WHERE p.id = d.object_id AND p.status = 'published'
                          AND p.published_at IS NOT NULL);
    INSERT INTO search_document (kind, object_id, date, visible_from, visible_until,
                                 municipality_id, topic_ids, vector)
    SELECT 'post', p.id, p.published_at, p.published_at, NULL, p.municipality_id,
           ARRAY(SELECT t.topic_id FROM blog_post_topics t WHERE t.post_id = p.id ORDER BY 1),
           setweight(to_tsvector('german_unaccent', concat_ws(' ', p.title, p.title_en)), 'A')
           || setweight(to_tsvector('german_unaccent', concat_ws(' ', p.teaser, p.teaser_en)), 'B')
           || setweight(to_tsvector('german_unaccent',
                                    concat_ws(' ', search_plain(p.solution_html),
                                              search_plain(p.tips_html))), 'B')
           || setweight(to_tsvector('german_unaccent',
                                    concat_ws(' ',
                                              search_plain(coalesce(nullif(p.body_html, ''), p.body)),
                                              search_plain(p.situation_html),
                                              search_plain(p.outcome_html))), 'C')
           || setweight(to_tsvector('german_unaccent',
                                    concat_ws(' ', p.organisation_name,
                                              search_plain(p.contact_html))), 'D')
      FROM blog_post p
     WHERE p.id = ANY(ids) AND p.status = 'published' AND p.published_at IS NOT NULL
    ON CONFLICT (kind, object_id) DO UPDATE
       SET date = EXCLUDED.date, visible_from = EXCLUDED.visible_from, visible_until = EXCLUDED.visible_until,
           municipality_id = EXCLUDED.municipality_id, topic_ids = EXCLUDED.topic_ids,
           vector = EXCLUDED.vector;
$$;

CREATE OR REPLACE FUNCTION search_post_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_sync_posts(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        -- Only rows whose text, state or facets changed (not e.g. new image renditions).
        PERFORM search_sync_posts(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.title, n.teaser, n.title_en, n.teaser_en, n.body, n.body_html,
                    n.situation_html, n.solution_html, n.outcome_html, n.tips_html,
                    n.contact_html, n.organisation_name, n.status, n.published_at,
                    n.municipality_id)
                   IS DISTINCT FROM
                   (o.title, o.teaser, o.title_en, o.teaser_en, o.body, o.body_html,
                    o.situation_html, o.solution_html, o.outcome_html, o.tips_html,
                    o.contact_html, o.organisation_name, o.status, o.published_at,
                    o.municipality_id)));
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM search_document WHERE kind = 'post' AND object_id IN (SELECT id FROM old_rows);
    ELSE
        DELETE FROM search_document WHERE kind = 'post';
    END IF;
    RETURN NULL;
END
$$;

-- The words of the given posts for the vocabulary („Meinten Sie …?“), one text per post: titles,
-- teasers and organisation, and the free text and the sections when long_texts.
CREATE OR REPLACE FUNCTION search_post_words(ids bigint[], long_texts boolean) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT concat_ws(' ', p.title, p.title_en, p.teaser, p.teaser_en, p.organisation_name,
                     CASE WHEN long_texts
                          THEN concat_ws(' ', search_plain(p.body_html),
                                         search_plain(p.situation_html),
                                         search_plain(p.solution_html),
                                         search_plain(p.outcome_html),
                                         search_plain(p.tips_html),
                                         search_plain(p.contact_html)) END)
      FROM blog_post p
     WHERE p.id = ANY(ids)
$$;
