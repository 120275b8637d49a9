"""The storages: public renditions (``STORAGES["default"]``) and files that no URL serves
(``STORAGES["private"]``: uploads before publication, application logos, seals, stashed uploads).

Two set-ups, chosen by smartregion/site/settings.py from the environment:

- the filesystem (development, one machine): Django's ``FileSystemStorage`` at ``MEDIA_ROOT``
  and ``PrivateStorage`` at ``PRIVATE_MEDIA_ROOT``;
- S3-compatible object storage (several machines): ``PublicS3Storage`` on the media bucket and
  ``PrivateS3Storage`` on the private bucket, both django-storages' ``S3Storage``.

In both, public files have URLs under ``MEDIA_URL`` ("/media/", which the site's own nginx
serves or proxies to the media bucket, or a CDN's address), never the S3 endpoint's; private
files have no URL at all (``url()`` raises) and leave only through permission-checked views.
Code never opens a local path: everything goes through the storage API (``open``, ``save``,
``delete``, ``listdir``), so both set-ups behave alike.

Code looks the private storage up as ``django.core.files.storage.storages["private"]``. Model
fields pass ``storage=get_private_storage`` (migrations name that function): it returns
``private_storage``, a lazy stand-in that resolves ``storages["private"]`` on first use and
again after every change of ``STORAGES`` (like Django's ``default_storage``), so a test that
switches the storages to S3 switches the model fields too.

``PrivateStorage`` takes its location from the ``PRIVATE_MEDIA_ROOT`` setting and follows
changes of it (as Django's own ``FileSystemStorage`` follows ``MEDIA_ROOT``), unless a
``location`` option is given.
"""

from urllib.parse import urlsplit

from botocore.config import Config
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.encoding import filepath_to_uri
from django.utils.functional import LazyObject, cached_property, empty
from storages.backends.s3 import S3Storage

NO_URL = "Private files have no URL; serve them through a permission-checked view."


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
        raise ValueError(NO_URL)


def s3_client_config(*, path_style: bool) -> Config:
    """Short timeouts and few retries: an unreachable S3 makes a request (and /healthz) fail
    within seconds instead of hanging a worker. Path-style addresses (endpoint/bucket/key) for
    S3-compatible servers at an own endpoint (MinIO, Ceph, Hetzner, ...)."""
    return Config(
        connect_timeout=3,
        read_timeout=20,
        retries={"max_attempts": 3, "mode": "standard"},
        s3={"addressing_style": "path" if path_style else "auto"},
    )


class _S3Storage(S3Storage):
    """Our defaults for both buckets; options from STORAGES (settings.py) override them.

    ``file_overwrite=False``: a name in use gets a suffix, as with ``FileSystemStorage``.
    ``default_acl=None``: objects are written without an ACL, so the bucket's policy alone
    decides who may read them (the media bucket: public-read or the proxy only; the private
    bucket: nobody but the portal's key).
    """

    file_overwrite = False
    default_acl = None
    querystring_auth = False

    def __init__(self, **options):
        super().__init__(**options)
        if not options.get("client_config"):
            self.client_config = s3_client_config(path_style=bool(self.endpoint_url))


class PublicS3Storage(_S3Storage):
    """The media bucket: public renditions, addressed under ``MEDIA_URL`` (the site's own
    /media/, proxied to the bucket by nginx, or a CDN), never at the S3 endpoint."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(name).lstrip("/")


class PrivateS3Storage(_S3Storage):
    """The private bucket: no ACL on any object (no public grant ever) and no URL."""

    def _get_write_parameters(self, name, content=None):
        params = super()._get_write_parameters(name, content)
        params.pop("ACL", None)  # even if an option asked for one
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_URL)


class _PrivateStorageProxy(LazyObject):
    """``storages["private"]``, looked up on first use and again after STORAGES changes."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = _PrivateStorageProxy()


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        # Django's own handler forgets storages["private"]; forget our reference to it too.
        private_storage._wrapped = empty


def get_private_storage():
    """The private storage, for ``FileField(storage=...)`` (migrations name this function)."""
    return private_storage


def absolute_media_url(name: str, storage=None) -> str:
    """The absolute URL of the public file ``name`` (for JSON-LD, OpenGraph, feeds, mail):
    ``SITE_URL`` + its URL when ``MEDIA_URL`` is a path, else the URL as it is (a CDN)."""
    url = (storage or default_storage).url(name)
    parts = urlsplit(url)
    if parts.scheme:
        return url
    if parts.netloc:  # "//cdn.example.org/...": the site's scheme
        return f"{urlsplit(settings.SITE_URL).scheme}:{url}"
    return settings.SITE_URL + url
