"""Storage for files that must never be fetched by URL (uploads before publication, seals).

The storage is the ``STORAGES["private"]`` alias (smartregion/site/settings.py); code looks
it up as ``django.core.files.storage.storages["private"]``. Model fields pass
``storage=get_private_storage``: Django calls that once, when the models are loaded, and
migrations refer to the function by its path.

Because fields keep the storage they got at load time, ``PrivateStorage`` takes its location
from the ``PRIVATE_MEDIA_ROOT`` setting and follows changes of it (as Django's own
``FileSystemStorage`` follows ``MEDIA_ROOT``), unless a ``location`` option is given.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """A ``FileSystemStorage`` under ``PRIVATE_MEDIA_ROOT`` whose files have no URL."""

    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


def get_private_storage():
    """``storages["private"]``, for ``FileField(storage=...)`` (migrations name this function)."""
    return storages["private"]
