from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Mitglieder und Konten")

    def ready(self) -> None:
        from members.searchable import MEMBERS
        from smartregion.core import searchable

        searchable.register(MEMBERS)
