"""Test settings: speed-ups only, everything else is the real configuration."""

import os

from smartregion.site.settings import *  # noqa: F403
from smartregion.site.settings import CACHES, STORAGES

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
        "QUEUES": TASK_QUEUES,  # noqa: F405
    }
}
# The real shared cache, as deployed: Redis (this machine's service). The tests flush this
# database between tests, so a worktree or CI job running beside another uses its own number.
CACHES = {
    **CACHES,
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "KEY_PREFIX": "smartregion-test",
    },
}
