"""The search rows of events include the English title and teaser
(events/sql/search_index_en.sql), and events that have them already are indexed again."""

from django.db import migrations

from smartregion.core import sql

REINDEX_SQL = """
SET LOCAL statement_timeout = 0;
SELECT search_sync_events(ARRAY(
    SELECT id FROM events_event WHERE title_en <> '' OR teaser_en <> ''));
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0008_person_language")]
    operations = [
        sql.load("events", "search_index_en", sql.read("events", "search_index")),
        migrations.RunSQL(REINDEX_SQL, migrations.RunSQL.noop),
    ]
