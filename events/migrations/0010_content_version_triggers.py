from django.db import migrations

from smartregion.core.fragments import version_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_search_english_texts"),
        ("members", "0006_language"),
        ("smartregion", "0013_content_areas"),
    ]

    # The event pages: events, their topics, the places left (registrations), and the organiser's
    # profile link while its membership is valid.
    operations = [
        version_trigger("events_event", "events"),
        version_trigger("events_event_topics", "events"),
        version_trigger("events_registration", "events"),
        version_trigger("members_organisation", "events"),
        version_trigger("members_membership", "events"),
    ]
