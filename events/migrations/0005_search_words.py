"""search_event_words(): the words of events for the vocabulary, which no longer joins the
events' table itself. Loads events/sql/search_index.sql again: on a database that applied
0004_search, this adds the new function and leaves the others as they are."""

from django.db import migrations

from smartregion.core import sql


class Migration(migrations.Migration):
    dependencies = [("events", "0004_search_index")]
    operations = [
        sql.load(
            "events",
            "search_index",
            "DROP FUNCTION IF EXISTS search_event_words(bigint[], boolean);",
        ),
    ]
