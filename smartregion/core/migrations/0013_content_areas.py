"""Every reading page is kept under content versions (smartregion/core/fragments.py): the
staff-edited pages raise the "site" area, and "*" (taxonomy) becomes an area of its own that
every other includes, so an area that was never written is raised by a new Themenfeld too."""

from django.db import migrations

from smartregion.core.fragments import BUMP_FUNCTION, version_trigger


class Migration(migrations.Migration):
    dependencies = [("smartregion", "0012_seed_easy_read_pages")]

    operations = [
        # Reversed, the function stays: the old code reads no "*" row, and nothing else differs.
        migrations.RunSQL(BUMP_FUNCTION, migrations.RunSQL.noop),
        version_trigger("smartregion_page", "site"),
        version_trigger("smartregion_easyreadpage", "site"),
        version_trigger("smartregion_signlanguagevideo", "site"),
    ]
