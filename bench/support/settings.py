"""Production-like settings for benchmarks: the project's settings plus a bench URLconf.

The environment is set by the bench script before this is imported (DEBUG=false, SECRET_KEY,
ALLOWED_HOSTS, REDIS_URL, SECURE_SSL_REDIRECT=false, DATABASE_URL of the bench database,
BENCH_STATIC_ROOT).
"""

import os

from smartregion.site.settings import *  # noqa: F403
from smartregion.site.settings import BASE_DIR

ROOT_URLCONF = "bench.support.urls"

# collectstatic writes the manifest here (a temporary folder), so {% static %} works as in
# production with whitenoise's CompressedManifestStaticFilesStorage.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", str(BASE_DIR / "var" / "bench-static"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
