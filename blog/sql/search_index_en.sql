-- The blog's search rows with the English title and teaser the Redaktion may write (title_en,
-- teaser_en, added by blog/migrations/0006), so that a search from the English pages finds a post
-- by its English words as well as by its German ones. These definitions replace the ones of
-- blog/sql/search_index.sql, which must not name the English columns: a fresh database runs that
-- file (migration 0005) before the columns exist. Weights: title and English title A, teaser and
-- English teaser B, body C, organisation D. blog/sql/search_index_sections.sql replaces them once
-- the section columns exist (migration 0010): change them there.

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
                                    search_plain(coalesce(nullif(p.body_html, ''), p.body))), 'C')
           || setweight(to_tsvector('german_unaccent', p.organisation_name), 'D')
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
                    n.organisation_name, n.status, n.published_at, n.municipality_id)
                   IS DISTINCT FROM
                   (o.title, o.teaser, o.title_en, o.teaser_en, o.body, o.body_html,
                    o.organisation_name, o.status, o.published_at, o.municipality_id)));
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM search_document WHERE kind = 'post' AND object_id IN (SELECT id FROM old_rows);
    ELSE
        DELETE FROM search_document WHERE kind = 'post';
    END IF;
    RETURN NULL;
END
$$;

-- The words of the given posts for the vocabulary („Meinten Sie …?“), one text per post: titles,
-- teasers and organisation, and the body when long_texts.
CREATE OR REPLACE FUNCTION search_post_words(ids bigint[], long_texts boolean) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT concat_ws(' ', p.title, p.title_en, p.teaser, p.teaser_en, p.organisation_name,
                     CASE WHEN long_texts THEN search_plain(p.body_html) END)
      FROM blog_post p
     WHERE p.id = ANY(ids)
$$;
