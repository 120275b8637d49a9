from django.core.management.base import BaseCommand
from django.db import connection, transaction

from smartregion.core import searchable
from smartregion.search import vocabulary


class Command(BaseCommand):
    help = (
        "Rebuild every row of the search index from the content of every registered kind "
        "(posts, events, members), and the vocabulary. Not needed in normal operation (the "
        "database keeps the index); useful after changing the text search configuration or "
        "the weights in a migration."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
            for kind in searchable.kinds():
                # Names from code (the kind's SQL function, its model's table and key).
                meta = kind.public().model._meta
                function, table, key = map(
                    connection.ops.quote_name, [kind.sync_function, meta.db_table, meta.pk.column]
                )
                cursor.execute(f"SELECT {function}(ARRAY(SELECT {key} FROM {table}))")
            cursor.execute("SELECT count(*) FROM search_document")
            documents = cursor.fetchone()[0]
        words = vocabulary.refresh()
        self.stdout.write(f"{documents} documents indexed, {words} words in the vocabulary.")
