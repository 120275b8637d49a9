from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from blog.sitemaps import PostSitemap
from events.sitemaps import EventSitemap
from members.sitemaps import MemberSitemap
from newsletter.sitemaps import CampaignSitemap
from smartregion.core.models import EasyReadPage, Page


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return [
            "home",
            "members:directory",
            "members:ambassadors",
            "events:list",
            "newsletter:archive",
            "easy_read",
            "sign_language",
        ]

    def location(self, item):
        return reverse(item)


class PageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return Page.objects.order_by("slug")

    def lastmod(self, obj):
        return obj.updated_at


class LegalSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return ["legal:impressum", "legal:privacy", "legal:accessibility"]

    def location(self, item):
        return reverse(item)


class EasyReadSitemap(PageSitemap):
    def items(self):
        return EasyReadPage.objects.published().order_by("position", "slug")


sitemaps = {
    "static": StaticSitemap,
    "pages": PageSitemap,
    "legal": LegalSitemap,
    "easy_read": EasyReadSitemap,
    "blog": PostSitemap,
    "members": MemberSitemap,
    "events": EventSitemap,
    "newsletter": CampaignSitemap,
}
