"""Django's ``migrate``, one at a time across all machines.

Every app server runs ``migrate`` before gunicorn starts (deploy/systemd/smartregion-web.service).
When several start at once (an upgrade, a reboot of the whole pool), their migrations would run
side by side on the same database and fail or clash. This command takes a PostgreSQL advisory
lock first, so the others wait and then find nothing left to do. It waits with
``pg_try_advisory_lock`` in a loop rather than one blocking call, which the database's
statement timeout would cancel.
"""

import time

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

# An arbitrary number that names this lock in pg_locks (objid); "SRmi".
LOCK_ID = 0x53526D69
POLL_SECONDS = 0.5


class Command(MigrateCommand):
    help = (
        MigrateCommand.help
        + " One at a time: waits while another process migrates the same database."
    )

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        waiting_since = None
        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID])
                if cursor.fetchone()[0]:
                    break
            if waiting_since is None:
                waiting_since = time.monotonic()
                self.stderr.write("Another process is migrating this database; waiting for it.")
            time.sleep(POLL_SECONDS)
        try:
            return super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
