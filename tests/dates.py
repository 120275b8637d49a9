"""What a machine-readable time must look like wherever the portal writes one (<time datetime>,
JSON-LD, OpenGraph, feeds, sitemaps, the personal-data download)."""

import re
from datetime import datetime

from django.utils import timezone

# To the second, with the offset: HTML's <time> allows at most three digits of a fraction.
MACHINE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def assert_machine_time(text: str, expected: datetime) -> None:
    """``text`` is ``expected`` to the second, in the site's zone with its offset."""
    assert MACHINE_TIME.fullmatch(text), f"{text!r} is not a time to the second with its offset"
    assert datetime.fromisoformat(text) == expected.replace(microsecond=0), (text, expected)
    assert text[-6:] == timezone.localtime(expected).isoformat()[-6:], "not in the site's zone"
