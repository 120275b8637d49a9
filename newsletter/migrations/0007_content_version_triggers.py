from django.db import migrations

from smartregion.core.fragments import version_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0006_english_consent_text_and_language"),
        ("smartregion", "0013_content_areas"),
    ]

    # The archive of sent issues and the posts and events each one shows.
    operations = [
        version_trigger("newsletter_campaign", "newsletter"),
        version_trigger("newsletter_campaign_posts", "newsletter"),
        version_trigger("newsletter_campaign_events", "newsletter"),
    ]
