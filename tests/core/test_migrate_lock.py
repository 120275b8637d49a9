"""``migrate`` takes a PostgreSQL advisory lock: app servers starting at once migrate one after
the other (smartregion/core/management/commands/migrate.py)."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from smartregion.core.management.commands.migrate import LOCK_ID

pytestmark = pytest.mark.django_db(transaction=True)


def other_connection():
    """A second session on the test database, as another app server would have."""
    return connection.get_new_connection(connection.get_connection_params())


def test_migrate_waits_while_another_process_holds_the_lock_and_then_runs():
    other = other_connection()
    other.autocommit = True
    other.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
    out, err = StringIO(), StringIO()
    done = threading.Event()

    def migrate():
        try:
            call_command("migrate", "--noinput", stdout=out, stderr=err)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=migrate)
    thread.start()
    try:
        assert not done.wait(2), "migrate ran while another process held the lock"
        assert "waiting" in err.getvalue()
    finally:
        other.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
    assert done.wait(60)
    thread.join()
    assert "No migrations to apply" in out.getvalue()
    other.close()


def test_migrate_releases_the_lock_when_it_is_done():
    call_command("migrate", "--noinput", stdout=StringIO())
    other = other_connection()
    other.autocommit = True
    got = other.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID]).fetchone()[0]
    other.execute("SELECT pg_advisory_unlock_all()")
    other.close()
    assert got is True


def test_the_project_migrate_is_the_locking_one():
    from django.core.management import get_commands

    assert get_commands()["migrate"] == "smartregion.core"
