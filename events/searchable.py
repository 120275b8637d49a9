"""Events in the site search: what events register (smartregion/core/searchable.py).

Published and cancelled events have rows in the index, kept by the functions of
events/sql/search_index.sql.
"""

from django.utils.translation import gettext_lazy as _

from events.models import Event
from smartregion.core.searchable import Kind


def public_events():
    return (
        Event.objects.public()
        .select_related("municipality")
        .only(
            "title",
            "title_en",
            "slug",
            "starts_at",
            "ends_at",
            "format",
            "status",
            "municipality__name",
            "municipality__slug",
        )
    )


EVENTS = Kind(
    name="event",
    slug="veranstaltung",
    label=_("Veranstaltung"),
    plural=_("Veranstaltungen"),
    order=20,
    public=public_events,
    title="title",
    excerpt=("teaser",),
    excerpt_html=("description_html",),
    template="events/_search_hit.html",
    sync_function="search_sync_events",
    words_function="search_event_words",
)
