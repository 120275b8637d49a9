"""Events in the site search: the database keeps their rows of search_document (search app).

Replaces 0004_search, which had the same functions written out: a database that has applied it
counts this as applied and runs nothing of it; a fresh one runs this instead. The functions come
from events/sql/search_index.sql, which holds their current definitions.
"""

from django.db import migrations

from smartregion.core import sql

FUNCTIONS_REVERSE = """
DELETE FROM search_document WHERE kind = 'event';
DROP FUNCTION IF EXISTS search_event_words(bigint[], boolean);
DROP FUNCTION IF EXISTS search_event_topics_changed();
DROP FUNCTION IF EXISTS search_event_changed();
DROP FUNCTION IF EXISTS search_sync_events(bigint[]);
"""


class Migration(migrations.Migration):
    replaces = [("events", "0004_search")]

    dependencies = [
        ("events", "0003_grant_redaktion_events_permissions"),
        ("search", "0001_squashed_0002_walk_by_estimate"),
    ]
    operations = [
        sql.load("events", "search_index", FUNCTIONS_REVERSE),
        sql.statement_triggers("events_event", "search_event_changed", prefix="search_event"),
        sql.statement_triggers(
            "events_event_topics",
            "search_event_topics_changed",
            prefix="search_event_topics",
            topics=True,
        ),
        migrations.RunSQL(
            "SET LOCAL statement_timeout = 0;"
            "SELECT search_sync_events(ARRAY(SELECT id FROM events_event));",
            migrations.RunSQL.noop,
        ),
    ]
