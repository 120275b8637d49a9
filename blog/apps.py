from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"

    def ready(self):
        from django.core.files.storage import default_storage

        from blog import personal_data, sections, services
        from blog.searchable import POSTS
        from members import area
        from smartregion.core import files, searchable
        from smartregion.core import personal_data as core_personal_data
        from smartregion.core.storage import get_private_storage

        area.area_links.register(area.Link(_("Meine Beiträge"), "blog:mine", order=10))
        area.profile_sections.register(
            area.Section("blog/_organisation_posts.html", sections.profile_context, order=10)
        )
        core_personal_data.register(personal_data.PROVIDER)
        searchable.register(POSTS)

        # The orphan sweep looks after the app's folders (smartregion/core/files.py).
        files.register(storage=get_private_storage, folder="blog", names=services.stored_originals)
        files.register(
            storage=lambda: default_storage, folder="blog", names=services.stored_renditions
        )
