-- Events' search rows with the English title and teaser the Redaktion may write (title_en,
-- teaser_en, added by events/migrations/0007), so that a search from the English pages finds an
-- event by its English words as well as by its German ones. These definitions replace the ones of
-- events/sql/search_index.sql, which must not name the English columns: a fresh database runs
-- that file (migration 0004) before the columns exist. Weights: title and English title A,
-- teaser and English teaser B, description C, venue, address and organiser D. Change these
-- functions here.

CREATE OR REPLACE FUNCTION search_sync_events(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM search_document d
     WHERE d.kind = 'event' AND d.object_id = ANY(ids)
       AND NOT EXISTS (SELECT 1 FROM events_event e
                        WHERE e.id = d.object_id AND e.status IN ('published', 'cancelled'));
    INSERT INTO search_document (kind, object_id, date, visible_from, visible_until,
                                 municipality_id, topic_ids, vector)
    SELECT 'event', e.id, e.starts_at, NULL, NULL, e.municipality_id,
           ARRAY(SELECT t.topic_id FROM events_event_topics t WHERE t.event_id = e.id ORDER BY 1),
           setweight(to_tsvector('german_unaccent', concat_ws(' ', e.title, e.title_en)), 'A')
           || setweight(to_tsvector('german_unaccent', concat_ws(' ', e.teaser, e.teaser_en)), 'B')
           || setweight(to_tsvector('german_unaccent',
                        search_plain(coalesce(nullif(e.description_html, ''), e.description))), 'C')
           || setweight(to_tsvector('german_unaccent',
                        concat_ws(' ', e.venue_name, e.address, o.name)), 'D')
      FROM events_event e
      LEFT JOIN members_organisation o ON o.id = e.organiser_id
     WHERE e.id = ANY(ids) AND e.status IN ('published', 'cancelled')
    ON CONFLICT (kind, object_id) DO UPDATE
       SET date = EXCLUDED.date, visible_from = EXCLUDED.visible_from,
           visible_until = EXCLUDED.visible_until, municipality_id = EXCLUDED.municipality_id,
           topic_ids = EXCLUDED.topic_ids, vector = EXCLUDED.vector;
$$;

CREATE OR REPLACE FUNCTION search_event_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_sync_events(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        -- Only rows whose text, state, time or facets changed (not e.g. the SEQUENCE alone).
        PERFORM search_sync_events(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.title, n.teaser, n.title_en, n.teaser_en, n.description, n.description_html,
                    n.venue_name, n.address, n.organiser_id, n.status, n.starts_at,
                    n.municipality_id)
                   IS DISTINCT FROM
                   (o.title, o.teaser, o.title_en, o.teaser_en, o.description, o.description_html,
                    o.venue_name, o.address, o.organiser_id, o.status, o.starts_at,
                    o.municipality_id)));
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM search_document
         WHERE kind = 'event' AND object_id IN (SELECT id FROM old_rows);
    ELSE
        DELETE FROM search_document WHERE kind = 'event';
    END IF;
    RETURN NULL;
END
$$;

-- The words of the given events for the vocabulary („Meinten Sie …?“), one text per event:
-- titles, teasers and venue, and the description when long_texts.
CREATE OR REPLACE FUNCTION search_event_words(ids bigint[], long_texts boolean) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT concat_ws(' ', e.title, e.title_en, e.teaser, e.teaser_en, e.venue_name,
                     CASE WHEN long_texts THEN search_plain(e.description_html) END)
      FROM events_event e
     WHERE e.id = ANY(ids)
$$;
