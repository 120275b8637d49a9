"""``{{ value|when }}``: a date or time of a personal-data export (ISO 8601 text, see
smartregion/core/personal_data.py) as the site shows dates, in a ``<time>`` element."""

from datetime import date, datetime

from django import template
from django.template.defaultfilters import date as format_date
from django.utils.html import format_html

register = template.Library()


@register.filter
def when(value: str | None, with_time: bool = True):
    """``<time datetime="…">6. Dezember 2026, 19:08</time>``; „–“ for None."""
    if not value:
        return "–"
    try:
        parsed = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return value
    shown = format_date(
        parsed, "j. F Y, H:i" if with_time and isinstance(parsed, datetime) else "j. F Y"
    )
    return format_html('<time datetime="{}">{}</time>', value, shown)
