"""What the home page shows. Each capability registers its section here as it arrives."""

from smartregion.models import Topic


def home_sections() -> dict:
    return {
        "topics": Topic.objects.all(),
        "latest_posts": [],
        "upcoming_events": [],
        "newest_members": [],
    }
