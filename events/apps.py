from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Veranstaltungen")

    def ready(self):
        from django.core.files.storage import default_storage

        from events import personal_data, sections, services
        from events.searchable import EVENTS
        from members import area
        from smartregion.core import files, searchable
        from smartregion.core import personal_data as core_personal_data
        from smartregion.core.storage import get_private_storage

        area.area_sections.register(
            area.Section("events/_area.html", sections.area_context, order=20)
        )
        area.area_links.register(
            area.Link(_("Meine Veranstaltungen und Anmeldungen"), "events:mine", order=20)
        )
        area.profile_sections.register(
            area.Section("events/_organisation_events.html", sections.profile_context, order=20)
        )
        core_personal_data.register(personal_data.PROVIDER)
        searchable.register(EVENTS)

        # The orphan sweep looks after the app's folders (smartregion/core/files.py).
        files.register(
            storage=get_private_storage, folder="events", names=services.stored_originals
        )
        files.register(
            storage=lambda: default_storage, folder="events", names=services.stored_renditions
        )
