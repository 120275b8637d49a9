"""The Impressum, Datenschutz and Barrierefreiheit pages are built by smartregion.site now
(legal.py): the stub Page rows with their placeholders go, and the Redaktion may edit the legal
particulars and handle feedback on accessibility."""

from django.db import migrations

from smartregion.core.permissions import grant_to_editors

LEGAL_SLUGS = ["impressum", "datenschutz", "barrierefreiheit"]


def forwards(apps, schema_editor):
    apps.get_model("smartregion", "Page").objects.filter(slug__in=LEGAL_SLUGS).delete()
    grant_to_editors(
        apps,
        "site",
        [
            "change_legalinformation",
            "view_legalinformation",
            "change_accessibilityfeedback",
            "view_accessibilityfeedback",
            "delete_accessibilityfeedback",
        ],
    )


def backwards(apps, schema_editor):
    """Bring the stub pages back, as the seed made them (the catch-all serves them again)."""
    from importlib import import_module

    seed = import_module("smartregion.core.migrations.0002_seed_taxonomy_and_pages")
    Page = apps.get_model("smartregion", "Page")
    for slug, title, intro, body in seed.PAGES:
        if slug in LEGAL_SLUGS:
            Page.objects.get_or_create(slug=slug, defaults={"title": title, "intro": intro, "body": body})


class Migration(migrations.Migration):
    dependencies = [
        ("site", "0001_legal_pages"),
        ("smartregion", "0003_add_redaktion_group"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
