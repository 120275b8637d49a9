from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Mitglieder und Konten")

    def ready(self) -> None:
        from django.core.files.storage import default_storage

        from members import personal_data, services
        from members.searchable import MEMBERS
        from smartregion.core import files, searchable
        from smartregion.core import personal_data as core_personal_data
        from smartregion.core.storage import get_private_storage

        searchable.register(MEMBERS)
        core_personal_data.register(personal_data.PROVIDER)

        # The orphan sweep looks after the app's folders (smartregion/core/files.py).
        files.register(storage=get_private_storage, folder="logos", names=services.stored_logos)
        files.register(
            storage=lambda: default_storage, folder="logos", names=services.stored_logo_renditions
        )
