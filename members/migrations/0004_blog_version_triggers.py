from django.db import migrations

from smartregion.core.fragments import version_trigger


class Migration(migrations.Migration):
    """Blog pages show links to member profiles: membership changes renew their cache keys."""

    dependencies = [
        ("members", "0003_grant_redaktion_members_permissions"),
        ("smartregion", "0005_content_version"),
    ]
    operations = [
        version_trigger("members_organisation", "blog"),
        version_trigger("members_membership", "blog"),
    ]
