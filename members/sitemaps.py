from django.contrib.sitemaps import Sitemap

from members.models import Organisation


class MemberSitemap(Sitemap):
    """Profiles of active members (the others answer 404)."""

    changefreq = "monthly"
    lastmod_field = "updated_at"
    priority = 0.5

    def items(self):
        return (
            Organisation.objects.active_members().only("slug", "updated_at").order_by("name", "pk")
        )

    def lastmod(self, obj):
        return obj.updated_at
