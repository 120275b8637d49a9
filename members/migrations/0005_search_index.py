"""The members keep their own rows of the search index (search_document, kind 'member').

The functions and triggers were made by search 0001; now they are the members', with their
current definitions in members/sql/search_index.sql (plus search_member_words() for the
vocabulary). On a database that applied search 0001 this replaces them with the same definitions
and adds the new function; on a fresh one it makes them. Then it indexes the organisations that
have no row yet: none where the triggers of search 0001 kept the index, every active member
where organisations were written before any trigger existed.
"""

from django.db import migrations

from smartregion.core import sql

FUNCTIONS_REVERSE = """
DELETE FROM search_document WHERE kind = 'member';
DROP FUNCTION IF EXISTS search_member_words(bigint[], boolean);
DROP FUNCTION IF EXISTS search_organisation_topics_changed();
DROP FUNCTION IF EXISTS search_membership_changed();
DROP FUNCTION IF EXISTS search_organisation_changed();
DROP FUNCTION IF EXISTS search_sync_members(bigint[]);
"""

INDEX_MISSING_SQL = """
SET LOCAL statement_timeout = 0;
SELECT search_sync_members(ARRAY(
    SELECT o.id FROM members_organisation o
     WHERE NOT EXISTS (SELECT 1 FROM search_document d
                        WHERE d.kind = 'member' AND d.object_id = o.id)));
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_blog_version_triggers"),
        ("search", "0001_squashed_0002_walk_by_estimate"),
    ]
    operations = [
        sql.load("members", "search_index", FUNCTIONS_REVERSE),
        sql.statement_triggers(
            "members_organisation", "search_organisation_changed", prefix="search_organisation"
        ),
        sql.statement_triggers(
            "members_membership", "search_membership_changed", prefix="search_membership"
        ),
        sql.statement_triggers(
            "members_organisation_topics",
            "search_organisation_topics_changed",
            prefix="search_organisation_topics",
            topics=True,
        ),
        migrations.RunSQL(INDEX_MISSING_SQL, migrations.RunSQL.noop),
    ]
