"""Test settings: speed-ups only, everything else is the real configuration."""

import os

from smartregion.site.settings import *  # noqa: F403
from smartregion.site.settings import CACHES, DATABASES, STORAGES

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
        "BACKEND": "smartregion.core.cache.ResilientRedisCache",
        "LOCATION": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "KEY_PREFIX": "smartregion-test",
    },
}
# A "replica" alias as DATABASE_REPLICA_URL configures it, on the same test database (a test
# mirror: a second connection, no second database). Without DATABASE_ROUTERS nothing is routed to
# it; the router's tests install the router (tests/core/test_dbrouting.py).
DATABASES = {
    **DATABASES,
    "replica": {
        **DATABASES["default"],
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    },
}
