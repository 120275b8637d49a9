import os
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]


def _settings_value(expr: str, **env) -> subprocess.CompletedProcess:
    code = f"import smartregion.site.settings as s; print({expr})"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    full_env.pop("DEBUG", None)
    full_env.pop("SECRET_KEY", None)
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=full_env, capture_output=True, text=True
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = _settings_value("s.SECRET_KEY", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


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
        DEBUG="false",
        SECRET_KEY="x" * 60,
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
