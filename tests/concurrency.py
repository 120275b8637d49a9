"""Run code in several threads at the same moment, each on its own database connection.

Use it in ``django_db(transaction=True)`` tests: each thread's queries run in their own
transactions on their own connection, as in separate processes; a barrier releases all threads
together.

To force a race rather than hope for one, hold a row lock from the test's own connection
(``holding_lock()``), start the threads (``start_concurrently()``), wait until they all wait for
that lock (``wait_for_lock_waiters()``) and let go: every thread has read the row as it was
before, and they pass the lock one after the other.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models, transaction


class Running:
    """Threads started by ``start_concurrently()``; ``join()`` waits for their results."""

    def __init__(self, target: Callable, items: Sequence):
        self.barrier = threading.Barrier(len(items), timeout=10)
        self.results: list = [None] * len(items)
        self.errors: list[BaseException] = []
        self.threads = [
            threading.Thread(target=self._work, args=(index, item, target))
            for index, item in enumerate(items)
        ]
        for thread in self.threads:
            thread.start()

    def _work(self, index: int, item, target: Callable) -> None:
        try:
            self.barrier.wait()
            self.results[index] = target(item)
        except Exception as error:  # noqa: BLE001 - reported to the test by join()
            self.errors.append(error)
        finally:
            connection.close()

    def join(self) -> list:
        """The results in the order of the items. Fails the test if a thread raised or hangs."""
        for thread in self.threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in self.threads), "a thread hangs"
        assert self.errors == []
        return self.results


def start_concurrently(target: Callable, items: Sequence) -> Running:
    """Start ``target(item)`` for each item in its own thread, all released together."""
    return Running(target, items)


def run_concurrently(target: Callable, items: Sequence) -> list:
    """Call ``target(item)`` for each item in its own thread, all released together; returns the
    results in the order of ``items``. Fails the test if a thread raised or hangs."""
    return start_concurrently(target, items).join()


@contextmanager
def holding_lock(obj: models.Model) -> Iterator[None]:
    """Hold ``SELECT … FOR UPDATE`` on ``obj``'s row (from the test's own connection) until the
    block ends; the transaction then commits."""
    with transaction.atomic():
        type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        yield


def wait_for_lock_waiters(count: int, timeout: float = 10) -> None:
    """Return once at least ``count`` other connections wait for a lock; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        with connection.cursor() as cursor:
            # Inside a transaction PostgreSQL shows the activity as it first saw it, unless told.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            waiting = cursor.fetchone()[0]
        if waiting >= count:
            return
        assert time.monotonic() < deadline, f"{waiting} of {count} connections wait for a lock"
        time.sleep(0.02)
