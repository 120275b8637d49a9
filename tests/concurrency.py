"""Run code in several threads at the same moment, each on its own database connection.

Use it in ``django_db(transaction=True)`` tests: each thread's queries run in their own
transactions on their own connection, as in separate processes; a barrier releases all threads
together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connection


def run_concurrently(target: Callable, items: Sequence) -> list:
    """Call ``target(item)`` for each item in its own thread, all released together; returns the
    results in the order of ``items``. Fails the test if a thread raised or hangs."""
    barrier = threading.Barrier(len(items), timeout=10)
    results: list = [None] * len(items)
    errors: list[BaseException] = []

    def work(index: int, item) -> None:
        try:
            barrier.wait()
            results[index] = target(item)
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=pair) for pair in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    assert errors == []
    return results
