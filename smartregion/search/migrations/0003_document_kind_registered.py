"""Document.kind without choices: the kinds are what the content apps register
(smartregion/core/searchable.py). State only; the column stays a varchar(10)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0001_squashed_0002_walk_by_estimate")]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="kind",
            field=models.CharField(max_length=10),
        ),
    ]
