"""What the home page shows: the composition asks each capability's models for its part."""

from blog.models import Post
from events.models import Event
from members.models import Organisation
from smartregion.core.models import taxonomy


def home_sections() -> dict:
    return {
        "topics": taxonomy()[0],
        "latest_posts": Post.objects.published().for_cards().order_by("-published_at")[:3],
        "upcoming_events": Event.objects.upcoming().published().for_cards()[:4],
        "newest_members": Organisation.objects.active_members()
        .for_cards()
        .order_by("-membership__member_since", "-membership__pk")[:6],
    }
