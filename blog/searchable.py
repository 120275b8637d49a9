"""Posts in the site search: what the blog registers (smartregion/core/searchable.py).

Published posts have rows in the index, kept by the functions of blog/sql/search_index_sections.sql.
"""

from django.utils.translation import gettext_lazy as _

from blog.models import Post
from smartregion.core.searchable import Kind


def public_posts():
    return Post.objects.published().for_cards()


POSTS = Kind(
    name="post",
    slug="beitrag",
    label=_("Beitrag"),
    plural=_("Beiträge"),
    order=10,
    public=public_posts,
    title="title",
    excerpt=("teaser",),
    # The free text, then the sections that say most about the idea; the excerpt shows the
    # passages around the matches, wherever they are.
    excerpt_html=("body_html", "solution_html", "tips_html", "outcome_html", "situation_html"),
    template="blog/_search_hit.html",
    sync_function="search_sync_posts",
    words_function="search_post_words",
)
