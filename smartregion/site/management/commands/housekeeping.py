from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Enqueue the periodic background tasks (settings.PERIODIC_TASKS): purging expired "
        "submissions, reminder mails and the like. Run it from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        for dotted in settings.PERIODIC_TASKS:
            result = import_string(dotted).enqueue()
            self.stdout.write(f"enqueued {dotted} ({result.id})")
