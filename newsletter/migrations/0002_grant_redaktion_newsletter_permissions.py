from django.db import migrations

from smartregion.core.permissions import grant_to_editors, model_codenames


def grant(apps, schema_editor):
    codenames = model_codenames("subscriber", "campaign", "delivery", "consenttext")
    grant_to_editors(apps, "newsletter", [*codenames, "send_campaign", "export_subscriber"])


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        ("smartregion", "0003_add_redaktion_group"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
