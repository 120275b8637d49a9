from django.contrib.sitemaps import Sitemap
from django.utils import timezone

from events.models import Event


class EventSitemap(Sitemap):
    """Every public event page: upcoming ones first and more often, past ones stay findable."""

    changefreq = "daily"
    lastmod_field = "updated_at"

    def items(self):
        return Event.objects.public().only("slug", "updated_at", "ends_at").order_by("-starts_at")

    def lastmod(self, obj):
        return obj.updated_at

    def priority(self, obj):
        return 0.8 if obj.ends_at >= timezone.now() else 0.3
