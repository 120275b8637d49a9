from collections.abc import Sequence
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.db.models import Count, Max, QuerySet
from django.urls import reverse

from blog.sitemaps import PostSitemap
from events.sitemaps import EventSitemap
from members.sitemaps import MemberSitemap
from newsletter.sitemaps import CampaignSitemap
from smartregion.core.dates import whole_seconds
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
            "figures",
        ]

    def location(self, item):
        return reverse(item)


class PageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3
    lastmod_field = "updated_at"

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


class InEachLanguage:
    """Every URL once per language (German unprefixed, English under /en/), each with
    ``xhtml:link`` alternates to the other and an ``x-default`` (the German one).

    A section is paged by ``limit`` URLs (the sitemap index at /sitemap.xml lists each page), and a
    page reads only its own items: Django's i18n sitemap would load every item of the section for
    each page and for the index. A section whose ``items()`` is a query names its ``lastmod_field``:
    its count and latest change come from one aggregate query.
    """

    i18n = True
    alternates = True
    x_default = True
    # URLs per sitemap page: 100 items in two languages with their alternates, about 130 kB (as
    # the calendar feed): quick to render and to send (1,000 were 0.64 MB, a third of the
    # floor through nginx, bound by TLS)
    limit = 200

    @cached_property
    def _summary(self) -> tuple[int, object]:
        items = self.items()
        if not isinstance(items, QuerySet):
            return len(items), None
        field = getattr(self, "lastmod_field", None)
        if field is None:
            return items.count(), None
        summary = items.order_by().aggregate(count=Count("pk"), latest=Max(field))
        return summary["count"], whole_seconds(summary["latest"])

    def _items(self):
        return _InEachLanguage(self.items(), self._languages(), self._summary[0])

    def get_latest_lastmod(self):
        if getattr(self, "lastmod_field", None) is None:
            return whole_seconds(super().get_latest_lastmod())
        return self._summary[1]


class _InEachLanguage(Sequence):
    """The (item, language) pairs Django's i18n sitemap pages by, item after item as Django orders
    them, read a slice at a time."""

    def __init__(self, items, languages: list[str], count: int):
        self.items, self.languages, self.count_items = items, languages, count

    def __len__(self) -> int:
        return self.count_items * len(self.languages)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("Sitemap pages are contiguous.")
        each = len(self.languages)
        first = start // each
        pairs = [
            (item, language)
            for item in self.items[first : -(-stop // each)]
            for language in self.languages
        ]
        return pairs[start - first * each : stop - first * each]


def _in_each_language(sitemap: type[Sitemap]) -> type[Sitemap]:
    return type(sitemap.__name__, (InEachLanguage, sitemap), {})


sitemaps = {
    name: _in_each_language(sitemap)
    for name, sitemap in {
        "static": StaticSitemap,
        "pages": PageSitemap,
        "legal": LegalSitemap,
        "easy_read": EasyReadSitemap,
        "blog": PostSitemap,
        "members": MemberSitemap,
        "events": EventSitemap,
        "newsletter": CampaignSitemap,
    }.items()
}
