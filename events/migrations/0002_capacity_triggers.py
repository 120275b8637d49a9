"""The database refuses a place number above the event's capacity, and a capacity below a taken place.

Together with the unique constraint on (event, place) this makes overbooking impossible even if
two requests race past the row lock in Python: each place exists once, and only up to capacity.

Replaces 0002_place_within_capacity_trigger, which had the same functions and triggers written
out: a database that has applied it counts this as applied and runs nothing of it; a fresh one
runs this instead. The definitions are in events/sql/capacity.sql.
"""

from django.db import migrations

from smartregion.core import sql

BACKWARD = """
DROP TRIGGER IF EXISTS events_event_capacity_covers_places ON events_event;
DROP FUNCTION IF EXISTS events_event_capacity_covers_places();
DROP TRIGGER IF EXISTS events_registration_place_within_capacity ON events_registration;
DROP FUNCTION IF EXISTS events_registration_place_within_capacity();
"""


class Migration(migrations.Migration):
    replaces = [("events", "0002_place_within_capacity_trigger")]

    dependencies = [("events", "0001_initial")]
    operations = [sql.load("events", "capacity", BACKWARD)]
