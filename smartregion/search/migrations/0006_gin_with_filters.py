"""The GIN indexes of search_document with the kind, the municipality and the Themenfelder
before the words (btree_gin for the first two): one index scan finds the matches of one kind
within the filters. Without, a search of events got every matching post from the index first, to
be thrown away by the kind, and a search within a municipality combined two indexes or read the
vectors of all its posts (sql/ranking.sql)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

PARTS_SQL = """
DROP INDEX search_document_title;
DROP INDEX search_document_lead;
CREATE INDEX search_document_title ON search_document
    USING gin (kind, municipality_id, topic_ids, title_vector);
CREATE INDEX search_document_lead ON search_document
    USING gin (kind, municipality_id, topic_ids, lead_vector);
"""

PARTS_REVERSE = """
DROP INDEX search_document_title;
DROP INDEX search_document_lead;
CREATE INDEX search_document_title ON search_document USING gin (title_vector);
CREATE INDEX search_document_lead ON search_document USING gin (lead_vector);
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0005_relevance_levels")]

    operations = [
        BtreeGinExtension(),
        migrations.RemoveIndex(model_name="document", name="search_document_vector"),
        migrations.AddIndex(
            model_name="document",
            index=GinIndex(
                fields=["kind", "municipality_id", "topic_ids", "vector"],
                name="search_document_vector",
            ),
        ),
        migrations.RunSQL(PARTS_SQL, PARTS_REVERSE),
    ]
