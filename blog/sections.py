"""What the blog shows on the members' pages: a section registered in ``BlogConfig.ready()``
(see members/area.py)."""

from blog.models import Post


def profile_context(*, request, organisation) -> dict:
    """An organisation's profile: its latest published posts."""
    posts = Post.objects.published().for_cards().filter(organisation=organisation)
    return {"organisation_posts": posts.order_by("-published_at")[:6]}
