from django.db import migrations

from smartregion.core.fragments import version_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0002_grant_redaktion_blog_permissions"),
        ("smartregion", "0005_content_version"),
    ]
    operations = [
        version_trigger("blog_post", "blog"),
        version_trigger("blog_post_topics", "blog"),
        version_trigger("blog_postimage", "blog"),
    ]
