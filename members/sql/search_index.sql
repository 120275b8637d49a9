-- How the members keep their rows of the search index (search_document, kind 'member'; the
-- search app owns the table). The triggers of members/migrations/0005_search_index.py call these
-- functions in the same transaction as every write to members_organisation, members_membership
-- and members_organisation_topics. Organisations with an active membership have a row (visible
-- until the membership's end); all others have none. Weights: name A, description C.
-- members/searchable.py names the functions for the search.

-- (Re)index the given organisations: those with an active membership get a row. Whether the
-- membership has run out by date is checked when searching (visible_until).
CREATE OR REPLACE FUNCTION search_sync_members(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM search_document d
     WHERE d.kind = 'member' AND d.object_id = ANY(ids)
       AND NOT EXISTS (SELECT 1 FROM members_membership m
                        WHERE m.organisation_id = d.object_id AND m.status = 'active');
    INSERT INTO search_document (kind, object_id, date, visible_from, visible_until,
                                 municipality_id, topic_ids, vector)
    SELECT 'member', o.id, o.created_at, NULL, m.valid_until, o.municipality_id,
           ARRAY(SELECT t.topic_id FROM members_organisation_topics t
                  WHERE t.organisation_id = o.id ORDER BY 1),
           setweight(to_tsvector('german_unaccent', o.name), 'A')
           || setweight(to_tsvector('german_unaccent',
                        search_plain(coalesce(nullif(o.description_html, ''), o.description))), 'C')
      FROM members_organisation o
      JOIN members_membership m ON m.organisation_id = o.id
     WHERE o.id = ANY(ids) AND m.status = 'active'
    ON CONFLICT (kind, object_id) DO UPDATE
       SET date = EXCLUDED.date, visible_from = EXCLUDED.visible_from, visible_until = EXCLUDED.visible_until,
           municipality_id = EXCLUDED.municipality_id, topic_ids = EXCLUDED.topic_ids,
           vector = EXCLUDED.vector;
$$;

CREATE OR REPLACE FUNCTION search_organisation_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_sync_members(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM search_sync_members(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.name, n.description, n.description_html, n.municipality_id)
                   IS DISTINCT FROM (o.name, o.description, o.description_html, o.municipality_id)));
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM search_document WHERE kind = 'member' AND object_id IN (SELECT id FROM old_rows);
    ELSE
        DELETE FROM search_document WHERE kind = 'member';
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION search_membership_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_sync_members(ARRAY(SELECT organisation_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM search_sync_members(ARRAY(
            SELECT organisation_id FROM new_rows UNION SELECT organisation_id FROM old_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM search_sync_members(ARRAY(SELECT organisation_id FROM old_rows));
    ELSE
        DELETE FROM search_document WHERE kind = 'member';
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION search_organisation_topics_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_document d
       SET topic_ids = ARRAY(SELECT t.topic_id FROM members_organisation_topics t
                              WHERE t.organisation_id = d.object_id ORDER BY 1)
     WHERE d.kind = 'member' AND d.object_id IN (SELECT organisation_id FROM changed_rows);
    RETURN NULL;
END
$$;

-- The words of the given organisations for the vocabulary („Meinten Sie …?“), one text per
-- organisation: the name, and the description when long_texts.
CREATE OR REPLACE FUNCTION search_member_words(ids bigint[], long_texts boolean) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT concat_ws(' ', o.name, CASE WHEN long_texts THEN search_plain(o.description_html) END)
      FROM members_organisation o
     WHERE o.id = ANY(ids)
$$;
