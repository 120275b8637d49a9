-- Raises the version of a content area (smartregion_contentversion) from a statement trigger:
-- TG_ARGV[0] names the area; '*' is the area every other one includes (taxonomy shown
-- everywhere), since smartregion/core/fragments.py adds its version to every area's
-- (version_trigger(), content_versions()). Loaded by smartregion/core/migrations/0005 and 0013.

CREATE OR REPLACE FUNCTION smartregion_bump_content_version() RETURNS trigger AS $$
BEGIN
    INSERT INTO smartregion_contentversion (key, version, changed_at)
    VALUES (TG_ARGV[0], 1, clock_timestamp())
    ON CONFLICT (key) DO UPDATE
    SET version = smartregion_contentversion.version + 1, changed_at = clock_timestamp();
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
