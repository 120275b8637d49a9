"""Dates for machines: the one form in which the portal writes a date or time for software to read.

HTML's ``<time datetime>`` allows at most three digits of a second's fraction; JSON-LD, Atom and
sitemaps readers expect ISO 8601 as well. The database keeps microseconds, which no reader needs,
so every machine-readable date is written here: times to the whole second, in the site's zone
with its offset (``2026-12-03T08:53:43+01:00``), dates as ``2026-12-03``. Templates use the
``iso8601`` filter (``{% load dates %}``); feeds and sitemaps hand Django ``whole_seconds()``.
"""

from datetime import date, datetime

from django.utils import timezone


def whole_seconds[T: (date, datetime, None)](value: T) -> T:
    """``value`` without its fraction of a second (dates and None as they are)."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    return value


def iso8601(value: datetime | date | None) -> str | None:
    """ISO 8601 for machines: a time to the second, in the site's zone with its offset; a date
    as a date; None as None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    return value.isoformat()
