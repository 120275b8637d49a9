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
        from django.core.files.storage import default_storage

        from smartregion.core import files, signlanguage, staff  # noqa: F401  (staff: login signal)
        from smartregion.core.models import SIGN_LANGUAGE_FOLDER

        # The orphan sweep looks after the videos in Gebärdensprache (smartregion/core/files.py).
        files.register(
            storage=lambda: default_storage,
            folder=SIGN_LANGUAGE_FOLDER,
            names=signlanguage.stored_files,
        )
