from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"

    def ready(self):
        from blog import sections
        from blog.searchable import POSTS
        from members import area
        from smartregion.core import searchable

        area.area_links.register(area.Link(_("Meine Beiträge"), "blog:mine", order=10))
        area.profile_sections.register(
            area.Section("blog/_organisation_posts.html", sections.profile_context, order=10)
        )
        searchable.register(POSTS)
