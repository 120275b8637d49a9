"""The search index and the engine: search 0001 and 0002 squashed, without the content apps' SQL.

Replaces 0001_initial and 0002_walk_by_estimate. A database that has applied both counts this
as applied and runs nothing of it; a fresh one runs this instead. The triggers and functions
that keep the rows of posts and members, which 0001 made, are now the blog's and the members'
(their migrations 0005_search_index, which also index what is not indexed yet); events have
always kept theirs. The engine's functions come from smartregion/search/sql/search_functions.sql,
which holds their current definitions (when this was squashed: the ones 0002 left).
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

from smartregion.core import sql
from smartregion.core.fragments import version_trigger

# The German configuration after unaccent: "Straße"/"Strasse" -> 'strass', "Ärzte" -> 'arzt'.
# Stop words ("für", "über") are dropped before unaccent would hide them from the stop list.
CONFIG_SQL = """
CREATE TEXT SEARCH DICTIONARY german_unaccent_stop (TEMPLATE = simple, STOPWORDS = german, ACCEPT = false);
CREATE TEXT SEARCH CONFIGURATION german_unaccent (COPY = german);
ALTER TEXT SEARCH CONFIGURATION german_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH german_unaccent_stop, unaccent, german_stem;
"""
CONFIG_REVERSE = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS german_unaccent;
DROP TEXT SEARCH DICTIONARY IF EXISTS german_unaccent_stop;
"""

# The engine's functions (search_functions.sql holds their current definitions).
FUNCTIONS_REVERSE = """
DROP FUNCTION IF EXISTS search_by_index(tsquery, text, bigint, bigint, date, integer, timestamptz, bigint, integer);
DROP FUNCTION IF EXISTS search_candidates(tsquery, text[], bigint, bigint, date, integer, text, integer, integer, integer);
DROP FUNCTION IF EXISTS search_relax(tsquery);
DROP FUNCTION IF EXISTS search_query(text, text);
DROP FUNCTION IF EXISTS search_prefix(tsquery);
DROP FUNCTION IF EXISTS search_plain(text);
"""


# Vectors go to the TOAST table (toast_tuple_target): the table itself stays narrow, so that
# counting and sorting the matches of a common word reads few pages. LZ4 when the server has it.
STORAGE_SQL = """
ALTER TABLE search_document SET (toast_tuple_target = 128);
DO $$ BEGIN
    ALTER TABLE search_document ALTER COLUMN vector SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
END $$;
"""


class Migration(migrations.Migration):

    replaces = [("search", "0001_initial"), ("search", "0002_walk_by_estimate")]

    initial = True

    dependencies = [
        ("members", "0002_organisations_memberships_applications"),  # pg_trgm
        ("smartregion", "0005_content_version"),
    ]

    operations = [
        # pg_trgm comes with members 0002 (its name index).
        UnaccentExtension(),
        migrations.RunSQL(CONFIG_SQL, CONFIG_REVERSE),
        migrations.CreateModel(
            name='Document',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('post', 'Beitrag'), ('event', 'Veranstaltung'), ('member', 'Mitglied')], max_length=10)),
                ('object_id', models.BigIntegerField()),
                ('date', models.DateTimeField()),
                ('visible_from', models.DateTimeField(null=True)),
                ('visible_until', models.DateField(null=True)),
                ('municipality_id', models.BigIntegerField(null=True)),
                ('topic_ids', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list)),
                ('vector', django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                'verbose_name': 'Suchindex-Eintrag',
                'verbose_name_plural': 'Suchindex',
                'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['vector'], name='search_document_vector'), models.Index(fields=['kind', '-date', '-id'], name='search_document_kind_date'), models.Index(fields=['kind', 'municipality_id', '-date', '-id'], name='search_document_kind_place')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id'), name='search_document_object')],
            },
        ),
        migrations.CreateModel(
            name='Word',
            fields=[
                ('key', models.CharField(max_length=60, primary_key=True, serialize=False)),
                ('word', models.CharField(max_length=60)),
                ('documents', models.PositiveIntegerField()),
            ],
            options={
                'verbose_name': 'Wort',
                'verbose_name_plural': 'Wortschatz',
                'indexes': [django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass('key', name='gin_trgm_ops'), name='search_word_key_trgm')],
            },
        ),
        migrations.RunSQL(STORAGE_SQL, migrations.RunSQL.noop),
        sql.load("smartregion.search", "search_functions", FUNCTIONS_REVERSE),
        # Raises ContentVersion "search" on every change of the index: the vocabulary task
        # rebuilds only then.
        version_trigger("search_document", "search"),
    ]
