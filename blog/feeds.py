from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from smartregion.core.dates import whole_seconds


class LatestPostsFeed(Feed):
    """The newest posts; /en/blog/feed/ in English, with the English titles and teasers the
    Redaktion wrote (the language is the URL's: Feed takes the active one)."""

    title = _("Ideenreich durch die Krise – SMART REGION Emscher-Lippe")
    description = _("Neue Beiträge aus dem Blog der SMART REGION Emscher-Lippe.")

    def link(self):
        return settings.SITE_URL + reverse("blog:list")

    def items(self):
        return (
            Post.objects.published().select_related("municipality").order_by("-published_at")[:20]
        )

    def item_title(self, item):
        return item.title_i18n.text

    def item_description(self, item):
        return item.teaser_i18n.text

    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def item_guid(self, item):
        return f"urn:uuid:{item.public_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return whole_seconds(item.published_at)

    def item_updateddate(self, item):
        return whole_seconds(item.updated_at)

    def item_author_name(self, item):
        return item.organisation_name

    def item_categories(self, item):
        return [item.municipality.name]


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description
