from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "smartregion.search"
    label = "search"
    verbose_name = _("Suche")

    def ready(self) -> None:
        from smartregion.core import searchable
        from smartregion.search.within import search_within

        searchable.provide_within(search_within)
