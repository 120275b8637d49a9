"""The blog keeps its own rows of the search index (search_document, kind 'post').

The functions and triggers were made by search 0001; now they are the blog's, with their current
definitions in blog/sql/search_index.sql (plus search_post_words() for the vocabulary). On a
database that applied search 0001 this replaces them with the same definitions and adds the new
function; on a fresh one it makes them. Then it indexes the posts that have no row yet: none
where the triggers of search 0001 kept the index, every published one where posts were written
before any trigger existed.
"""

from django.db import migrations

from smartregion.core import sql

FUNCTIONS_REVERSE = """
DELETE FROM search_document WHERE kind = 'post';
DROP FUNCTION IF EXISTS search_post_words(bigint[], boolean);
DROP FUNCTION IF EXISTS search_post_topics_changed();
DROP FUNCTION IF EXISTS search_post_changed();
DROP FUNCTION IF EXISTS search_sync_posts(bigint[]);
"""

# A large blog takes longer to index than the site's statement timeout allows one query.
INDEX_MISSING_SQL = """
SET LOCAL statement_timeout = 0;
SELECT search_sync_posts(ARRAY(
    SELECT p.id FROM blog_post p
     WHERE NOT EXISTS (SELECT 1 FROM search_document d
                        WHERE d.kind = 'post' AND d.object_id = p.id)));
"""


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0004_post_organisation"),
        ("search", "0001_squashed_0002_walk_by_estimate"),
    ]
    operations = [
        sql.load("blog", "search_index", FUNCTIONS_REVERSE),
        sql.statement_triggers("blog_post", "search_post_changed", prefix="search_post"),
        sql.statement_triggers(
            "blog_post_topics", "search_post_topics_changed", prefix="search_post_topics", topics=True
        ),
        migrations.RunSQL(INDEX_MISSING_SQL, migrations.RunSQL.noop),
    ]
