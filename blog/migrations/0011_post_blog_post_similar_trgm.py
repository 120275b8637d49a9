"""The trigram index for „Ähnliche Beispiele“ (blog/similar.py): published posts nearest first by
the trigram distance of title and teaser. pg_trgm comes with members 0002. A large blog takes
longer to index than the site's statement timeout allows one statement."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0010_post_sections"),
        ("members", "0002_organisations_memberships_applications"),  # pg_trgm
    ]

    operations = [
        migrations.RunSQL("SET LOCAL statement_timeout = 0", migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="post",
            index=django.contrib.postgres.indexes.GistIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Concat("title", models.Value(" "), "teaser"),
                    name="gist_trgm_ops",
                ),
                condition=models.Q(("status", "published")),
                name="blog_post_similar_trgm",
            ),
        ),
    ]
