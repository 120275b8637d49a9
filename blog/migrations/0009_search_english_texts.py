"""The search rows of posts include the English title and teaser (blog/sql/search_index_en.sql),
and posts that have them already are indexed again."""

from django.db import migrations

from smartregion.core import sql

REINDEX_SQL = """
SET LOCAL statement_timeout = 0;
SELECT search_sync_posts(ARRAY(
    SELECT id FROM blog_post WHERE title_en <> '' OR teaser_en <> ''));
"""


class Migration(migrations.Migration):
    dependencies = [("blog", "0008_post_language")]
    operations = [
        sql.load("blog", "search_index_en", sql.read("blog", "search_index")),
        migrations.RunSQL(REINDEX_SQL, migrations.RunSQL.noop),
    ]
