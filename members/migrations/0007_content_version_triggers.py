from django.db import migrations

from smartregion.core.fragments import version_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_language"),
        ("smartregion", "0013_content_areas"),
    ]

    # The directory, the profiles, the ambassadors and the seal's verification page.
    operations = [
        version_trigger("members_organisation", "members"),
        version_trigger("members_organisation_topics", "members"),
        version_trigger("members_membership", "members"),
    ]
