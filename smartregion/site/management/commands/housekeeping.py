from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from smartregion.core import periodic


class Command(BaseCommand):
    help = (
        "Enqueue the periodic background tasks (settings.PERIODIC_TASKS) whose slot has not been "
        "claimed yet: purging expired submissions, reminder mails and the like. Run it from a "
        "timer on every host; each job is enqueued once per slot of its interval."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        for dotted, interval in settings.PERIODIC_TASKS.items():
            task = import_string(dotted)
            # The claim and the queued task commit together: no claimed slot without its task.
            with transaction.atomic():
                if not periodic.claim(dotted, interval, now):
                    self.stdout.write(f"skipped {dotted} (already claimed)")
                    continue
                result = task.enqueue()
            self.stdout.write(f"enqueued {dotted} ({result.id})")
