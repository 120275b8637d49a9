from django.contrib.sitemaps import Sitemap

from blog.models import Post


class PostSitemap(Sitemap):
    changefreq = "weekly"
    lastmod_field = "updated_at"
    priority = 0.7

    def items(self):
        return Post.objects.published().only("slug", "updated_at").order_by("-published_at")

    def lastmod(self, obj):
        return obj.updated_at
