import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parents[2]


def _clean_env(**env) -> dict:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        full_env.pop(name, None)
    for name in list(full_env):
        if name.startswith(("DATABASE_POOL_", "DATABASE_REPLICA_", "CONN_MAX_AGE")):
            del full_env[name]
    full_env.update(env)
    return full_env


def _settings_value(expr: str, **env) -> subprocess.CompletedProcess:
    code = f"import smartregion.site.settings as s; print({expr})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
    )


# A complete production environment. Nothing here is connected to: settings and checks only.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "smartregion.example",
    "DATABASE_URL": "postgresql://portal@127.0.0.1:1/portal",
    "REDIS_URL": "redis://127.0.0.1:1/0",
}


def _manage_check(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
    )


def _without(name: str) -> dict:
    return {k: v for k, v in PRODUCTION.items() if k != name}


def test_a_complete_production_environment_starts():
    result = _manage_check(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("name", ["DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"])
def test_refuses_to_start_with_debug_off_when_a_variable_is_missing(name):
    result = _manage_check(**_without(name))
    assert result.returncode != 0
    assert "ImproperlyConfigured: Refusing to start with DEBUG off" in result.stderr
    assert f"- {name} is not set" in result.stderr
    others = {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"} - {name}
    assert not any(f"- {other}" in result.stderr for other in others)


def test_without_database_url_the_development_cluster_is_not_used():
    code = "import django; django.setup()"
    env = _clean_env(**_without("DATABASE_URL"), DJANGO_SETTINGS_MODULE="smartregion.site.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "development cluster is used only with DEBUG on" in result.stderr


def test_all_problems_are_listed_at_once():
    result = _manage_check(DEBUG="false", ALLOWED_HOSTS="*", SECRET_KEY="short")
    assert result.returncode != 0
    message = result.stderr[result.stderr.index("Refusing to start") :]
    for fragment in (
        "- DATABASE_URL is not set",
        "- SECRET_KEY is too weak",
        "- ALLOWED_HOSTS contains '*'",
        "- REDIS_URL is not set",
    ):
        assert fragment in message


@pytest.mark.parametrize(
    "secret_key",
    [
        "short-but-random-Zq8",
        "x" * 60,
        "django-insecure-" + secrets.token_urlsafe(50),
        "dev-only-not-secret-5c1f0a1d6a2e4f7b9e3c8d2a1b0f9e8d7c6b5a4f",
    ],
)
def test_refuses_a_weak_or_development_secret_key(secret_key):
    result = _manage_check(**{**PRODUCTION, "SECRET_KEY": secret_key})
    assert result.returncode != 0
    assert "- SECRET_KEY is too weak" in result.stderr


@pytest.mark.parametrize(
    ("hosts", "message"),
    [
        ("*", "- ALLOWED_HOSTS contains '*'"),
        ("smartregion.example, *", "- ALLOWED_HOSTS contains '*'"),
        ("", "- ALLOWED_HOSTS is not set"),
        (" , ", "- ALLOWED_HOSTS is not set"),
    ],
)
def test_refuses_a_wildcard_or_empty_allowed_hosts(hosts, message):
    result = _manage_check(**{**PRODUCTION, "ALLOWED_HOSTS": hosts})
    assert result.returncode != 0
    assert message in result.stderr


def test_refuses_a_redis_url_that_is_not_one():
    result = _manage_check(**{**PRODUCTION, "REDIS_URL": "127.0.0.1:6379"})
    assert result.returncode != 0
    assert "- REDIS_URL must start with redis://" in result.stderr


def test_development_defaults_work_with_nothing_set():
    result = _settings_value("s.DEBUG, s.MAILERS['default']['BACKEND']")
    assert result.returncode == 0, result.stderr
    assert "True" in result.stdout and "console.EmailBackend" in result.stdout


def test_file_mail_backend_is_mapped_into_mailers(tmp_path):
    result = _settings_value(
        "s.MAILERS",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert f"'file_path': '{tmp_path}'" in result.stdout


def test_smtp_variables_are_mapped_into_mailers():
    result = _settings_value(
        "s.MAILERS['default']['OPTIONS']",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="mail.example.org",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="portal",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="true",
    )
    assert result.returncode == 0, result.stderr
    for fragment in (
        "'host': 'mail.example.org'",
        "'port': 587",
        "'username': 'portal'",
        "'use_tls': True",
    ):
        assert fragment in result.stdout


def test_production_settings_secure_cookies_and_hsts():
    result = _settings_value(
        "(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_NAME)",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(True, True, 31536000, '__Secure-sessionid')"


def test_database_connections_have_health_checks_and_timeouts():
    from django.conf import settings

    db = settings.DATABASES["default"]
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["CONN_MAX_AGE"] > 0
    assert db["OPTIONS"]["connect_timeout"] <= 10
    assert "statement_timeout" in db["OPTIONS"]["options"]
    assert db["ENGINE"] == "django.db.backends.postgresql"


def test_file_backend_writes_mail_to_the_folder(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.core.mail import mailers, EmailMessage;"
        "EmailMessage('Betreff', 'Text', to=['a@example.org'], connection=mailers.default).send()"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    env.update(
        DJANGO_SETTINGS_MODULE="smartregion.site.settings",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and "Betreff" in files[0].read_text()


def test_session_ages_default_to_two_weeks_for_visitors_and_eight_hours_for_staff():
    result = _settings_value("s.SESSION_COOKIE_AGE, s.STAFF_SESSION_AGE")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1209600 28800"


def test_session_ages_are_read_from_the_environment():
    result = _settings_value(
        "s.SESSION_COOKIE_AGE, s.STAFF_SESSION_AGE",
        SESSION_COOKIE_AGE="86400",
        STAFF_SESSION_AGE="3600",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "86400 3600"


@pytest.mark.parametrize("value", ["8h", "-1", "1.5"])
def test_refuses_a_staff_session_age_that_is_no_whole_number(value):
    result = _settings_value("s.STAFF_SESSION_AGE", STAFF_SESSION_AGE=value)
    assert result.returncode != 0
    assert f"STAFF_SESSION_AGE must be a whole number, 0 or more (got {value!r})" in result.stderr


# --- Sessions, the read replica and the connection pool --------------------------------------


def test_sessions_live_in_redis_and_the_database_when_redis_is_configured():
    result = _settings_value("s.SESSION_ENGINE", REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "smartregion.core.sessions"


def test_sessions_live_in_the_database_without_redis():
    result = _settings_value("s.SESSION_ENGINE")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.sessions.backends.db"


def test_without_a_replica_url_there_is_no_replica_and_no_router():
    result = _settings_value("sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', [])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['default'] []"


def test_without_a_replica_the_middleware_steps_aside():
    code = (
        "import django; django.setup()\n"
        "from django.core.exceptions import MiddlewareNotUsed\n"
        "from smartregion.core.dbrouting import ReadReplicaMiddleware\n"
        "try:\n"
        "    ReadReplicaMiddleware(lambda request: None)\n"
        "except MiddlewareNotUsed:\n"
        "    print('not used')\n"
    )
    env = _clean_env(DJANGO_SETTINGS_MODULE="smartregion.site.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "not used"


def test_the_replica_url_adds_the_replica_with_the_same_options_and_the_router():
    result = _settings_value(
        "s.DATABASE_ROUTERS, s.DATABASES['replica']['HOST'], "
        "s.DATABASES['replica']['OPTIONS'] == s.DATABASES['default']['OPTIONS'], "
        "s.DATABASES['replica']['CONN_MAX_AGE'], s.DATABASES['replica']['CONN_HEALTH_CHECKS']",
        DATABASE_URL="postgresql://portal@db-primary.internal/portal",
        DATABASE_REPLICA_URL="postgresql://portal@db-replica.internal/portal",
        DATABASE_CONNECT_TIMEOUT="3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "['smartregion.core.dbrouting.PrimaryReplicaRouter'] db-replica.internal True 60 True"
    )


def test_the_replica_is_listed_right_after_the_authentication_middleware():
    from django.conf import settings

    auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert settings.MIDDLEWARE[auth + 1] == "smartregion.core.dbrouting.ReadReplicaMiddleware"


def test_without_a_pool_size_connections_persist_as_before():
    result = _settings_value(
        "'pool' in s.DATABASES['default']['OPTIONS'], s.DATABASES['default']['CONN_MAX_AGE']"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False 60"
    result = _settings_value(
        "'pool' in s.DATABASES['default']['OPTIONS']", DATABASE_POOL_MAX_SIZE="0"
    )
    assert result.stdout.strip() == "False"


def test_a_pool_size_turns_the_pool_on_for_both_aliases_without_persistent_connections():
    result = _settings_value(
        "[(a, d['OPTIONS']['pool'], d['CONN_MAX_AGE'], d['OPTIONS']['connect_timeout'], "
        "d['OPTIONS']['options']) for a, d in sorted(s.DATABASES.items())]",
        DATABASE_URL="postgresql://portal@db-primary.internal/portal",
        DATABASE_REPLICA_URL="postgresql://portal@db-replica.internal/portal",
        DATABASE_POOL_MAX_SIZE="2",
        CONN_MAX_AGE="600",
    )
    assert result.returncode == 0, result.stderr
    pool = "{'min_size': 1, 'max_size': 2, 'timeout': 10}"
    timeouts = "5, '-c statement_timeout=15000'"
    assert result.stdout.strip() == (
        f"[('default', {pool}, 0, {timeouts}), ('replica', {pool}, 0, {timeouts})]"
    )


def test_the_pool_sizes_and_timeout_are_read_from_the_environment():
    result = _settings_value(
        "s.DATABASES['default']['OPTIONS']['pool']",
        DATABASE_POOL_MAX_SIZE="4",
        DATABASE_POOL_MIN_SIZE="2",
        DATABASE_POOL_TIMEOUT="3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'min_size': 2, 'max_size': 4, 'timeout': 3}"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DATABASE_POOL_MAX_SIZE": "abc"},
            "DATABASE_POOL_MAX_SIZE must be a whole number, 0 or more (got 'abc')",
        ),
        (
            {"DATABASE_POOL_MAX_SIZE": "2", "DATABASE_POOL_MIN_SIZE": "-1"},
            "DATABASE_POOL_MIN_SIZE must be a whole number, 0 or more (got '-1')",
        ),
        (
            {"DATABASE_POOL_MAX_SIZE": "2", "DATABASE_POOL_MIN_SIZE": "3"},
            "DATABASE_POOL_MIN_SIZE (3) must not be larger than DATABASE_POOL_MAX_SIZE (2)",
        ),
        (
            {"DATABASE_POOL_MAX_SIZE": "2", "DATABASE_POOL_TIMEOUT": "0"},
            "DATABASE_POOL_TIMEOUT must be at least 1 (seconds)",
        ),
    ],
)
def test_refuses_to_start_with_a_bad_pool_setting(env, message):
    result = _manage_check(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_refuses_a_bounce_address_that_is_no_plain_address():
    result = _manage_check(BOUNCE_ADDRESS="bounces+x@example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured: BOUNCE_ADDRESS is no plain address" in result.stderr
    ok = _settings_value("s.BOUNCE_ADDRESS", BOUNCE_ADDRESS="bounces@example.org")
    assert ok.stdout.strip() == "bounces@example.org", ok.stderr
