from django.db import migrations

from smartregion.core.permissions import grant_to_editors, model_codenames


def grant(apps, schema_editor):
    grant_to_editors(apps, "blog", model_codenames("post", "postimage", "report"))
    grant_to_editors(apps, "smartregion", ["view_moderationlog"])


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("smartregion", "0004_moderation_log"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
