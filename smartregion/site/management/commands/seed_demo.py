from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app contributes a ``demo.seed(stdout)``; order matters (members before their posts).
DEMO_MODULES = [
    "smartregion.site.demo",
    "members.demo",
    "blog.demo",
    "events.demo",
    "newsletter.demo",
]


class Command(BaseCommand):
    help = "Load realistic German demo content. Idempotent: running it again changes nothing."

    def handle(self, *args, **options):
        for dotted in DEMO_MODULES:
            try:
                module = import_module(dotted)
            except ModuleNotFoundError as error:
                if error.name != dotted:
                    raise
                continue
            with transaction.atomic():
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
