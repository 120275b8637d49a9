from django.db import migrations

from smartregion.core.permissions import grant_to_editors, model_codenames


def grant(apps, schema_editor):
    grant_to_editors(apps, "events", model_codenames("event", "registration"))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_place_within_capacity_trigger"),
        ("smartregion", "0004_moderation_log"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
