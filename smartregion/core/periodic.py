"""Periodic jobs that run once per time slot, however many hosts start them.

Each host runs ``manage.py housekeeping`` from its own timer, so several may start the same job
at the same moment. A job's interval divides the time into clock-aligned slots (15 minutes:
10:00, 10:15, …; a day: from midnight UTC), and for each slot only the caller that inserts the
``PeriodicRun`` row for (job, slot) may run it: the unique constraint lets exactly one insert
commit, whichever host and however many at once.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction


def slot_start(interval: timedelta, now: datetime) -> datetime:
    """The start of the slot that ``now`` falls in: the epoch seconds floored to the interval."""
    seconds = int(interval.total_seconds())
    if seconds < 1:
        raise ValueError(f"a periodic interval must be at least a second, not {interval}")
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=UTC)


def claim(job: str, interval: timedelta, now: datetime) -> bool:
    """Claim the slot of ``now`` for ``job``: True for the one caller whose row was inserted,
    False for everyone else (the slot was claimed already, here or on another host)."""
    from smartregion.core.models import PeriodicRun

    try:
        with transaction.atomic():
            PeriodicRun.objects.create(
                job=job,
                slot=slot_start(interval, now),
                claimed_at=now,
                host=socket.gethostname()[:255],
            )
    except IntegrityError:
        return False
    return True
