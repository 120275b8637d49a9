"""Test settings: speed-ups only, everything else is the real configuration."""

from smartregion.site.settings import *  # noqa: F403
from smartregion.site.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run as they are enqueued. Tests of deferred work (mail retries) switch to the real
# database backend and run its worker (tests/tasks.py).
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["mail", "default", "bulk"],
    }
}
