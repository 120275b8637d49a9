"""Relevance by levels (sql/ranking.sql, docs/search.md): the title's and the teaser's part of
each vector as generated columns with GIN indexes, kept in the row (the table moves long values
to the TOAST table from 128 bytes on; STORAGE MAIN keeps these in the row, compressed), and the
ranked candidates replacing search_candidates() and search_by_index(), which ranked only the
newest matches."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import smartregion.search.models
from django.db import migrations, models

from smartregion.core import sql

# Stored again, so that the rows written before get the storage too.
STORAGE_SQL = """
ALTER TABLE search_document ALTER COLUMN title_vector SET STORAGE MAIN,
                            ALTER COLUMN lead_vector SET STORAGE MAIN;
UPDATE search_document SET vector = vector;
"""

OLD_FUNCTIONS = """
DROP FUNCTION IF EXISTS search_by_index(tsquery, text, bigint, bigint, date, integer, timestamptz, bigint, integer);
DROP FUNCTION IF EXISTS search_candidates(tsquery, text[], bigint, bigint, date, integer, text, integer, integer, integer);
"""

REVERSE_SQL = """
DROP FUNCTION IF EXISTS search_level_index(tsquery, text, integer, bigint, bigint, date, integer, timestamptz, bigint, integer);
DROP FUNCTION IF EXISTS search_level_matches(tsquery, text, integer, bigint, bigint, date, integer, numeric, text, integer, integer, integer);
DROP FUNCTION IF EXISTS search_ranked(tsquery, text[], bigint, bigint, date, integer, text, integer, integer, integer, integer);
DROP FUNCTION IF EXISTS search_all_matches(tsquery, text, bigint, bigint, date, integer);
DROP FUNCTION IF EXISTS search_level_column(integer);
DROP FUNCTION IF EXISTS search_level_rest(tsquery, integer);
DROP FUNCTION IF EXISTS search_level(tsvector, tsvector, tsquery);
DROP FUNCTION IF EXISTS search_public(timestamptz, date, bigint, bigint[], bigint, bigint, date);
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0004_synonyms")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="title_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=smartregion.search.models.Filtered(models.F("vector"), "a"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="lead_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=smartregion.search.models.Filtered(models.F("vector"), "ab"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunSQL(STORAGE_SQL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="document",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["title_vector"], name="search_document_title"
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["lead_vector"], name="search_document_lead"
            ),
        ),
        # Going back leaves the search without its old functions (search_functions.sql no
        # longer has them): check out the code of that time and load its file.
        migrations.RunSQL(OLD_FUNCTIONS, migrations.RunSQL.noop),
        sql.load("smartregion.search", "ranking", REVERSE_SQL),
    ]
