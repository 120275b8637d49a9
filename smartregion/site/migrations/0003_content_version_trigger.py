from django.db import migrations

from smartregion.core.fragments import version_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("site", "0002_replace_legal_stub_pages"),
        ("smartregion", "0013_content_areas"),
    ]

    # The Impressum and the Datenschutzerklärung show the Rechtliche Angaben.
    operations = [version_trigger("site_legalinformation", "site")]
