-- Raises the version of a content area (smartregion_contentversion) from a statement trigger:
-- TG_ARGV[0] names the area, '*' raises every area (smartregion/core/fragments.py,
-- version_trigger()). Loaded by smartregion/core/migrations/0005_content_version.py.

CREATE OR REPLACE FUNCTION smartregion_bump_content_version() RETURNS trigger AS $$
BEGIN
    IF TG_ARGV[0] = '*' THEN
        UPDATE smartregion_contentversion SET version = version + 1, changed_at = now();
    ELSE
        INSERT INTO smartregion_contentversion (key, version, changed_at)
        VALUES (TG_ARGV[0], 1, now())
        ON CONFLICT (key) DO UPDATE
        SET version = smartregion_contentversion.version + 1, changed_at = now();
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
