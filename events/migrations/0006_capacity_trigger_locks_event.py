"""The place check locks the event row (FOR SHARE) before reading the capacity, so a capacity
lowered at the same moment as a place is taken can no longer overbook. Loads
events/sql/capacity.sql again (CREATE OR REPLACE: the triggers stay, the function changes).
Backwards it leaves the new definition in place: it is stricter, never wrong."""

from django.db import migrations

from smartregion.core import sql


class Migration(migrations.Migration):
    dependencies = [("events", "0005_search_words")]
    operations = [sql.load("events", "capacity", migrations.RunSQL.noop)]
