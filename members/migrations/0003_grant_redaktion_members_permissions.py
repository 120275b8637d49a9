from django.db import migrations

from smartregion.core.permissions import grant_to_editors, model_codenames


def grant(apps, schema_editor):
    grant_to_editors(
        apps,
        "members",
        model_codenames("organisation", "membership", "application", "applicationmessage", "invitation")
        + ["view_user"],  # to pick an organisation's managers in the admin
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_organisations_memberships_applications"),
        ("smartregion", "0004_moderation_log"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
