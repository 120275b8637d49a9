from django.contrib.sitemaps import Sitemap

from newsletter.models import Campaign


class CampaignSitemap(Sitemap):
    """The public web versions of sent campaigns (the archive)."""

    changefreq = "yearly"
    lastmod_field = "sent_at"
    priority = 0.3

    def items(self):
        return Campaign.objects.sent().only("pk", "sent_at").order_by("-sent_at")

    def lastmod(self, obj):
        return obj.sent_at
