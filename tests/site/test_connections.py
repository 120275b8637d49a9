"""Real connections with the production settings module in a separate process: the connection
pool against the test PostgreSQL, and sessions in Redis (TEST_REDIS_URL) and the database."""

import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

BASE = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
CACHED_DB = "smartregion.core.sessions"


def test_database_url() -> str:
    """A DATABASE_URL for the test database this session runs on (a socket folder as host)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "", safe="") + (f":{db['PORT']}" if db["PORT"] else "")
    return f"postgresql://{credentials}@{host}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def run_site_python(code: str, **env) -> subprocess.CompletedProcess:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "REDIS_URL", "CONN_MAX_AGE", "EMAIL_"))
    }
    full_env.update(DJANGO_SETTINGS_MODULE="smartregion.site.settings", DEBUG="true", **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=BASE,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- the connection pool --------------------------------------------------------------------

POOL_CHECK = """
from django.db import connection, connections
from psycopg_pool import ConnectionPool

for alias in ("default", "replica"):
    conn = connections[alias]
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
        cursor.execute("SHOW statement_timeout")
        (timeout,) = cursor.fetchone()
    pool = conn.pool
    print(alias, isinstance(pool, ConnectionPool), pool.min_size, pool.max_size, pool.timeout,
          one, timeout, conn.settings_dict["CONN_MAX_AGE"])
    conn.close()  # back into the pool, not closed
    print(alias, "available", pool.get_stats()["pool_available"] >= 1)
print("distinct pools", connections["default"].pool is not connections["replica"].pool)
"""


@pytest.mark.django_db
def test_queries_run_through_the_pool_of_each_alias():
    result = run_site_python(
        POOL_CHECK,
        DATABASE_URL=test_database_url(),
        DATABASE_REPLICA_URL=test_database_url(),
        DATABASE_POOL_MAX_SIZE="2",
        DATABASE_POOL_TIMEOUT="5",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "default True 1 2 5 1 15s 0",
        "default available True",
        "replica True 1 2 5 1 15s 0",
        "replica available True",
        "distinct pools True",
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_POOL_MAX_SIZE": "abc"}, "DATABASE_POOL_MAX_SIZE must be a whole number"),
        (
            {"DATABASE_POOL_MAX_SIZE": "2", "DATABASE_POOL_MIN_SIZE": "5"},
            "DATABASE_POOL_MIN_SIZE (5) must not be larger than DATABASE_POOL_MAX_SIZE (2)",
        ),
    ],
)
def test_a_bad_pool_setting_refuses_to_start(env, message):
    result = run_site_python("print('started')", DATABASE_URL="postgresql://x@127.0.0.1:1/x", **env)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert f"ImproperlyConfigured: {message}" in result.stderr


# --- sessions in Redis and the database -----------------------------------------------------


@pytest.mark.django_db
def test_a_cached_db_session_is_read_from_redis_and_after_a_flush_from_the_database(settings):
    settings.SESSION_ENGINE = CACHED_DB  # the tests' default cache is the real Redis
    store_class = import_module(CACHED_DB).SessionStore
    written = store_class()
    written["wahl"] = "Gelsenkirchen"
    written.save()

    fresh = store_class(written.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert fresh["wahl"] == "Gelsenkirchen"
    assert len(queries) == 0, "read from Redis, not the database"

    cache.clear()  # Redis flushed (or restarted empty): nobody is logged out
    after_flush = store_class(written.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert after_flush["wahl"] == "Gelsenkirchen"
    assert len(queries) == 1 and "django_session" in queries[0]["sql"]
    assert cache.get(after_flush.cache_key) == {"wahl": "Gelsenkirchen"}  # cached again


SESSION_WRITE = """
from django.conf import settings
from smartregion.core.sessions import SessionStore
assert settings.SESSION_ENGINE == "smartregion.core.sessions", settings.SESSION_ENGINE
store = SessionStore()
store["wahl"] = "Bottrop"
store.save()
print(store.session_key)
"""

SESSION_READ = """
import sys
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from smartregion.core.sessions import SessionStore
if "--flush" in sys.argv:
    cache.clear()
with CaptureQueriesContext(connection) as queries:
    value = SessionStore(sys.argv[-1]).get("wahl")
print(value, len(queries))
"""


def _read_session(key: str, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "EMAIL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="smartregion.site.settings",
        DEBUG="true",
        DATABASE_URL=test_database_url(),
        REDIS_URL=REDIS_URL,
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + SESSION_READ, *extra, key],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db(transaction=True)
def test_a_session_written_by_one_process_is_read_by_another_from_redis_or_the_database():
    written = run_site_python(SESSION_WRITE, DATABASE_URL=test_database_url(), REDIS_URL=REDIS_URL)
    assert written.returncode == 0, written.stderr
    key = written.stdout.strip()

    from_redis = _read_session(key)
    assert from_redis.returncode == 0, from_redis.stderr
    assert from_redis.stdout.split() == ["Bottrop", "0"]

    from_database = _read_session(key, "--flush")
    assert from_database.returncode == 0, from_database.stderr
    assert from_database.stdout.split() == ["Bottrop", "1"]
