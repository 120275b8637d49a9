from django.db import migrations

from smartregion.core.permissions import EDITORS_GROUP, grant_to_editors, model_codenames


def create_group(apps, schema_editor):
    grant_to_editors(apps, "smartregion", model_codenames("municipality", "topic", "page"))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("smartregion", "0002_seed_taxonomy_and_pages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_group, remove_group)]
