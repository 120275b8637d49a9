"""Words people mean the same by: groups of terms the Redaktion keeps in the admin, the rules of
query rewriting the database makes from them, and search_query() applying them
(smartregion/search/sql/synonyms.sql). Seeded with groups the network's topics need."""

import django.contrib.postgres.search
from django.db import migrations, models

from smartregion.core import sql
from smartregion.core.fragments import version_trigger
from smartregion.core.permissions import grant_to_editors, model_codenames

GROUPS = [
    ["KI", "Künstliche Intelligenz"],
    ["Onlineshop", "Online-Shop", "Online Shop"],
    ["E-Government", "eGovernment"],
    ["Homeoffice", "Home-Office", "Home Office"],
    ["IoT", "Internet der Dinge"],
    ["VR", "Virtual Reality", "Virtuelle Realität"],
    ["E-Mobilität", "Elektromobilität"],
    ["ÖPNV", "öffentlicher Nahverkehr"],
]

REVERSE_SQL = """
DROP FUNCTION IF EXISTS search_synonyms(tsquery);
DROP FUNCTION IF EXISTS search_synonyms_changed();
DROP FUNCTION IF EXISTS search_synonyms_refresh();
DROP AGGREGATE IF EXISTS search_or(tsquery);
"""


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.bulk_create(Synonym(terms="\n".join(terms)) for terms in GROUPS)


def grant(apps, schema_editor):
    grant_to_editors(apps, "search", model_codenames("synonym"))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_document_kind_registered"),
    ]

    operations = [
        migrations.CreateModel(
            name="Synonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "terms",
                    models.TextField(
                        help_text="Einer pro Zeile, mindestens zwei: Abkürzungen, Schreibweisen und zusammengesetzte Wörter, die dasselbe meinen, zum Beispiel „KI“ und „Künstliche Intelligenz“ oder „Onlineshop“ und „Online-Shop“.",
                        verbose_name="Begriffe",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="geändert am")),
            ],
            options={
                "verbose_name": "Synonymgruppe",
                "verbose_name_plural": "Synonyme",
                "ordering": ["terms"],
            },
        ),
        migrations.CreateModel(
            name="SynonymRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("target", django.contrib.postgres.search.SearchQueryField()),
                ("substitute", django.contrib.postgres.search.SearchQueryField()),
            ],
            options={
                "db_table": "search_synonym_rule",
                "verbose_name": "Synonymregel",
                "verbose_name_plural": "Synonymregeln",
            },
        ),
        # search_query() comes back from search_functions.sql when this is undone.
        migrations.RunSQL(
            migrations.RunSQL.noop, sql.read("smartregion.search", "search_functions")
        ),
        sql.load("smartregion.search", "synonyms", REVERSE_SQL),
        sql.statement_triggers(
            "search_synonym", "search_synonyms_changed", prefix="search_synonym"
        ),
        version_trigger("search_synonym", "search"),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
