from django.core.management.base import BaseCommand
from django.db import connection, transaction

from smartregion.search import vocabulary


class Command(BaseCommand):
    help = (
        "Rebuild every row of the search index from posts, events and members, and the "
        "vocabulary. Not needed in normal operation (the database keeps the index); useful "
        "after changing the text search configuration or the weights in a migration."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SELECT search_sync_posts(ARRAY(SELECT id FROM blog_post))")
            cursor.execute("SELECT search_sync_members(ARRAY(SELECT id FROM members_organisation))")
            cursor.execute("SELECT search_sync_events(ARRAY(SELECT id FROM events_event))")
            cursor.execute("SELECT count(*) FROM search_document")
            documents = cursor.fetchone()[0]
        words = vocabulary.refresh()
        self.stdout.write(f"{documents} documents indexed, {words} words in the vocabulary.")
