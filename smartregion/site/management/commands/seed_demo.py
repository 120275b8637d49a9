from django.core.management.base import BaseCommand
from django.db import transaction

from smartregion.site.demo import accounts, blog, events, members, newsletter

# The order matters: the Redaktion's account publishes the posts, members organise events and
# propose one, and the newsletter's sent issue lists the posts and events seeded before it.
SEEDERS = [accounts, members, blog, events, newsletter]


class Command(BaseCommand):
    help = "Load realistic German demo content. Idempotent: running it again changes nothing."

    def handle(self, *args, **options):
        for seeder in SEEDERS:
            with transaction.atomic():
                seeder.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
