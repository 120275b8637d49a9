from django import template

from smartregion.core import dates

register = template.Library()


@register.filter
def iso8601(value) -> str:
    """``<time datetime="{{ post.published_at|iso8601 }}">``: the machine-readable form of a date
    or time (smartregion.core.dates), empty for no value."""
    return dates.iso8601(value) or ""
