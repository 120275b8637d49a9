from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel: shared models (taxonomy, pages, moderation log, content versions) and the
    machinery every capability uses. Its label stays "smartregion", the label its tables and
    migrations have always had."""

    name = "smartregion.core"
    label = "smartregion"
    verbose_name = _("Website")

    def ready(self) -> None:
        from smartregion.core import (
            personal_data,
            staff,  # noqa: F401  (connects the staff login signal)
        )

        personal_data.register(personal_data.RECORDS)
