"""Settings for the SMART REGION Emscher-Lippe portal.

One module, read from the environment; variable names follow the Django setting they feed.
Development works with nothing set. See README.md for the full table.
"""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from smartregion.core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """A whole number, 0 or more, from the environment (empty or unset: the default)."""
    value = os.environ.get(name, "").strip() or str(default)
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(f"{name} must be a whole number, 0 or more (got {value!r}).")
    return int(value)


DEV_SECRET_KEY = "dev-only-not-secret-5c1f0a1d6a2e4f7b9e3c8d2a1b0f9e8d7c6b5a4f"


def production_problems() -> list[str]:
    """What makes the environment unsafe to run with DEBUG off; empty when all is well.

    All problems at once, so that an operator fixes them in one go.
    """
    problems = []
    if not os.environ.get("DATABASE_URL"):
        problems.append(
            "DATABASE_URL is not set (e.g. postgresql://portal:PASSWORD@db.internal/portal); "
            "the project-local development cluster is used only with DEBUG on."
        )
    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        problems.append("SECRET_KEY is not set.")
    elif (
        len(secret_key) < 50
        or len(set(secret_key)) < 5
        or secret_key.startswith(("django-insecure-", "dev-only-"))
    ):
        problems.append(
            "SECRET_KEY is too weak: it must be a random value of at least 50 characters, not a "
            "development key (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    hosts = env_list("ALLOWED_HOSTS")
    if not hosts:
        problems.append(
            "ALLOWED_HOSTS is not set: name the site's host names, comma-separated "
            "(e.g. smartregion-emscher-lippe.de)."
        )
    elif "*" in hosts:
        problems.append("ALLOWED_HOSTS contains '*': name the site's host names instead.")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        problems.append(
            "REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0): rate limits and login limits "
            "count in Redis, shared by all workers."
        )
    elif not redis_url.startswith(("redis://", "rediss://", "unix://")):
        problems.append("REDIS_URL must start with redis://, rediss:// or unix://.")
    return problems


S3_REQUIRED = ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_MEDIA_BUCKET", "S3_PRIVATE_BUCKET")


def s3_storages(env: dict[str, str]) -> dict | None:
    """STORAGES["default"] and ["private"] on S3 from the S3_* variables in ``env``; None when
    none is set (the filesystem then). Some but not all required ones: ImproperlyConfigured, in
    any mode (a half-configured storage would write files where no other machine sees them).
    S3_ENDPOINT_URL is needed for anything but AWS itself; S3_REGION where the provider wants one.
    """
    values = {name: (value or "").strip() for name, value in env.items()}
    if not any(values.values()):
        return None
    missing = [name for name in S3_REQUIRED if not values.get(name)]
    if missing:
        raise ImproperlyConfigured(
            "Object storage is configured only in part: set "
            + ", ".join(missing)
            + " as well (all of S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_MEDIA_BUCKET and "
            "S3_PRIVATE_BUCKET, plus S3_ENDPOINT_URL unless it is AWS), or none of the S3_* "
            "variables for files in MEDIA_ROOT and PRIVATE_MEDIA_ROOT."
        )
    common = {
        "access_key": values["S3_ACCESS_KEY_ID"],
        "secret_key": values["S3_SECRET_ACCESS_KEY"],
        "endpoint_url": values.get("S3_ENDPOINT_URL") or None,
        "region_name": values.get("S3_REGION") or None,
    }
    return {
        "default": {
            "BACKEND": "smartregion.core.storage.PublicS3Storage",
            "OPTIONS": {**common, "bucket_name": values["S3_MEDIA_BUCKET"]},
        },
        "private": {
            "BACKEND": "smartregion.core.storage.PrivateS3Storage",
            "OPTIONS": {**common, "bucket_name": values["S3_PRIVATE_BUCKET"]},
        },
    }


def media_url(base_url: str) -> str:
    """MEDIA_URL from MEDIA_BASE_URL: "/media/" when empty, else a path or an http(s) URL
    (a CDN), always ending in a slash."""
    url = base_url.strip() or "/media/"
    if not url.startswith(("/", "https://", "http://")) or url.startswith("//"):
        raise ImproperlyConfigured(
            f"MEDIA_BASE_URL must be a path such as /media/ or an http(s) URL (got {url!r})."
        )
    return url if url.endswith("/") else url + "/"


DEBUG = env_bool("DEBUG", default=True)
if not DEBUG and (_problems := production_problems()):
    raise ImproperlyConfigured(
        "Refusing to start with DEBUG off. Fix these environment variables (or set DEBUG=true "
        "for development):\n" + "\n".join(f"  - {problem}" for problem in _problems)
    )
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# Proxies in front of the site that each append the address they saw to X-Forwarded-For
# (nginx alone: 1). 0 means REMOTE_ADDR is the visitor (smartregion/core/ratelimit.py client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "SMART REGION Emscher-Lippe"
# The figures of /zahlen/ and their downloads are open data under this licence, with this
# attribution (docs/figures.md).
OPEN_DATA_LICENCE = {
    "id": "dl-de/by-2-0",
    "name": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
    "url": "https://www.govdata.de/dl-de/by-2-0",
    "attribution": "SMART REGION Emscher-Lippe (WiN Emscher-Lippe GmbH)",
}

# The kernel first, then the capabilities from the bottom layer up, then the composition.
INSTALLED_APPS = [
    "smartregion.core",
    "members",
    "blog",
    "events",
    "newsletter",
    "smartregion.search",
    "smartregion.site",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: every later middleware's log lines and every response carry the request id.
    "smartregion.core.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # An anonymous visitor's matching If-None-Match for a reading page: 304 here (fragments.py).
    "smartregion.core.fragments.NotModifiedMiddleware",
    # Sees every cookie set below it: a response that sets one is never shared (fragments.py).
    "smartregion.core.fragments.CachePolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous visitors' reads from the read replica, when one is configured (dbrouting.py).
    "smartregion.core.dbrouting.ReadReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff accounts: TOTP before the admin, sessions with a fixed end (smartregion/core/staff.py).
    "smartregion.core.staff.StaffAccountMiddleware",
]

ROOT_URLCONF = "smartregion.site.urls"
WSGI_APPLICATION = "smartregion.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "smartregion.site.context_processors.site",
            ],
        },
    },
    # Plain text (the text parts and subjects of mails): the same templates, but nothing is
    # HTML-escaped, so „Kaffee & Kuchen“ stays as it is (smartregion.core.mail.render_mail).
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: DATABASE_URL, else (DEBUG on only, see production_problems) the project-local cluster
# started by `make` (smartregion/site/devdb.py).
_database_url = os.environ.get("DATABASE_URL")
if not _database_url and DEBUG:
    from smartregion.site import devdb

    _database_url = devdb.database_url()
# Connection pool (psycopg_pool, one per process and alias): on when DATABASE_POOL_MAX_SIZE is
# above 0. Django refuses a pool together with persistent connections, so CONN_MAX_AGE is 0 then.
# See docs/operations.md, Database connections and the read replica.
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 0)
DATABASE_POOL_MIN_SIZE = env_int("DATABASE_POOL_MIN_SIZE", 1)
DATABASE_POOL_TIMEOUT = env_int("DATABASE_POOL_TIMEOUT", 10)
if DATABASE_POOL_MAX_SIZE and DATABASE_POOL_MIN_SIZE > DATABASE_POOL_MAX_SIZE:
    raise ImproperlyConfigured(
        f"DATABASE_POOL_MIN_SIZE ({DATABASE_POOL_MIN_SIZE}) must not be larger than "
        f"DATABASE_POOL_MAX_SIZE ({DATABASE_POOL_MAX_SIZE})."
    )
if DATABASE_POOL_MAX_SIZE and DATABASE_POOL_TIMEOUT < 1:
    raise ImproperlyConfigured("DATABASE_POOL_TIMEOUT must be at least 1 (seconds).")


def database_settings(url: str) -> dict:
    """One entry of DATABASES for ``url``: timeouts, and the pool or persistent connections."""
    pooled = DATABASE_POOL_MAX_SIZE > 0
    config = dj_database_url.parse(
        url,
        conn_max_age=0 if pooled else int(os.environ.get("CONN_MAX_AGE", "60")),
        # Survive a PostgreSQL restart without failing requests. With the pool, Django passes
        # this on as the pool's check of every connection it hands out.
        conn_health_checks=True,
    )
    config.setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")),
            # A hanging database gives a quick error page instead of a hung worker.
            "options": f"-c statement_timeout={int(os.environ.get('DATABASE_STATEMENT_TIMEOUT_MS', '15000'))}",
        }
    )
    if pooled:
        config["OPTIONS"]["pool"] = {
            "min_size": DATABASE_POOL_MIN_SIZE,
            "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": DATABASE_POOL_TIMEOUT,  # seconds to wait for a free connection
        }
    return config


DATABASES = {"default": database_settings(_database_url)}
# A read replica (PostgreSQL streaming replication, read-only): anonymous visitors' page views
# read from it, everything else uses the primary (smartregion/core/dbrouting.py).
_replica_url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if _replica_url:
    DATABASES["replica"] = database_settings(_replica_url)
    DATABASE_ROUTERS = ["smartregion.core.dbrouting.PrimaryReplicaRouter"]
# A replica that cannot be reached is not tried again by a process for this long: its anonymous
# reads go to the primary meanwhile.
DATABASE_REPLICA_RETRY_SECONDS = 30
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by all gunicorn workers and machines: allauth's rate limits and the portal's form limits
# count here, so production uses Redis (atomic INCR). Without REDIS_URL (development: runserver is
# one process) a per-process memory cache does.
_redis_url = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": (
        {
            # Django's Redis cache, answering a miss while Redis is down (smartregion.core.cache).
            "BACKEND": "smartregion.core.cache.ResilientRedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": "smartregion",
            # A hanging Redis gives a quick error, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"}
    ),
    # Per-process rendered fragments and whole reading pages with versioned keys
    # (smartregion/core/fragments.py). A page is 10-60 kB: 1,500 entries are at most ~60 MB.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 1500},
    },
}

# Reading pages (smartregion.core.fragments.reading_page): how long the proxy in front (nginx's
# micro-cache, deploy/nginx) may answer with its copy before it asks again (with If-None-Match, a
# 304 when nothing changed). A change reaches anonymous readers within this time; logged-in
# visitors always get a fresh page. docs/performance.md.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 10)
# While the database cannot be reached, pages that were kept are served as they were, for at most
# this long (stale-if-error for the proxy; each worker's own copies live 10 minutes).
PAGE_STALE_SECONDS = env_int("PAGE_STALE_SECONDS", 3600)

# Sessions: with Redis in the database and, for at most 10 minutes, in the cache (writes go to
# both, reads come from Redis), so flushing Redis logs nobody out and a Redis outage is served from
# the database (smartregion.core.sessions). Without REDIS_URL in the database only, as before.
SESSION_ENGINE = (
    "smartregion.core.sessions" if _redis_url else "django.contrib.sessions.backends.db"
)

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: login by email, mandatory verification, rate limits on (their defaults).
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# Confirming the address in the browser that signed up logs in and continues to ?next (e.g. the
# membership application); allauth does this only within the same session.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# German at the unprefixed URLs as ever, English under /en/ (smartregion/site/urls.py). The project's
# msgids are German; English lives in each app's locale/en catalogue, and locale/de only overrides
# third-party German (docs/i18n.md).
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
# British date formats for English (Django's "en" ones are American): smartregion/core/formats.
FORMAT_MODULE_PATH = ["smartregion.core.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Public files (image renditions) are linked under MEDIA_URL: "/media/" on the site itself (nginx
# serves MEDIA_ROOT there, or proxies it to the S3 media bucket), or MEDIA_BASE_URL, e.g. a CDN.
MEDIA_URL = media_url(os.environ.get("MEDIA_BASE_URL", ""))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Uploads that are not public yet (unconfirmed or unmoderated submissions) and seal files: the
# "private" storage below keeps them here, and no URL serves them.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
# Object storage (several machines): with the S3_* variables, public renditions go to the media
# bucket and private files to the private bucket (smartregion/core/storage.py); without them the
# filesystem at MEDIA_ROOT and PRIVATE_MEDIA_ROOT. Some but not all of them: refused (s3_storages).
_s3_storages = s3_storages(
    {
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL", ""),
        "S3_ACCESS_KEY_ID": os.environ.get("S3_ACCESS_KEY_ID", ""),
        "S3_SECRET_ACCESS_KEY": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
        "S3_REGION": os.environ.get("S3_REGION", ""),
        "S3_MEDIA_BUCKET": os.environ.get("S3_MEDIA_BUCKET", ""),
        "S3_PRIVATE_BUCKET": os.environ.get("S3_PRIVATE_BUCKET", ""),
    }
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # A FileSystemStorage at PRIVATE_MEDIA_ROOT (it follows that setting) without URLs.
    "private": {"BACKEND": "smartregion.core.storage.PrivateStorage"},
    **(_s3_storages or {}),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Requests above this size are refused before a view runs (uploads are checked per file too).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644
# Videos in Gebärdensprache, uploaded by the Redaktion in the admin (smartregion/core/videos.py).
# nginx's client_max_body_size for their admin pages must allow this plus a few MB.
SIGN_LANGUAGE_VIDEO_MAX_BYTES = env_int("SIGN_LANGUAGE_VIDEO_MAX_MB", 200) * 1024 * 1024

# Mail: Django 6.1 configures mailers with MAILERS; the familiar EMAIL_* variables map into it.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_mail_options: dict = {}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "timeout": 20,
    }
elif EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    _mail_options = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "SMART REGION Emscher-Lippe <redaktion@smartregion-emscher-lippe.de>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Newsletter bounces (VERP): each campaign mail goes out with the envelope sender
# "<local>+<signed delivery id>@<domain>" of this address, so a bounce says which delivery
# bounced. The mail server must deliver "<local>+anything" to the mailbox of "<local>" (Postfix:
# recipient_delimiter = +). Empty: campaign mails go out from DEFAULT_FROM_EMAIL.
BOUNCE_ADDRESS = os.environ.get("BOUNCE_ADDRESS", "").strip()
if BOUNCE_ADDRESS and not re.fullmatch(r"[^@\s+]+@[^@\s]+", BOUNCE_ADDRESS):
    raise ImproperlyConfigured(f"BOUNCE_ADDRESS is no plain address: {BOUNCE_ADDRESS!r}")
# The mailbox the bounces to BOUNCE_ADDRESS are delivered into, a Maildir that the task
# workers can read and write: `manage.py process_bounces` and the periodic task read it.
BOUNCE_MAILDIR = os.environ.get("BOUNCE_MAILDIR", "")

# Background work: Django's tasks framework with the database backend and its worker. Three
# queues, served by one `db_worker --queue-name mail,default,bulk` in priority order:
# "mail" (single mails, high priority), "default" (periodic jobs), "bulk" (campaign batches, low).
TASK_QUEUES = ["mail", "default", "bulk"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
# A mail that fails for a temporary reason (server unreachable, SMTP 4xx) is tried again with
# exponential backoff from MAIL_RETRY_BASE_SECONDS (at most an hour apart) for MAIL_RETRY_HOURS,
# then reported in the admin ("Nicht zugestellte E-Mails").
MAIL_RETRY_HOURS = float(os.environ.get("MAIL_RETRY_HOURS", "24"))
MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "60"))
# A newsletter is sent by this many chains of batch tasks at once: as many task workers (on any
# machines) can send it in parallel. Each row is sent once whatever the number.
CAMPAIGN_SEND_CHAINS = env_int("CAMPAIGN_SEND_CHAINS", 2) or 1

# Security baseline. CSP without inline script or style; frames from nowhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # No nonce: the only inline scripts are JSON-LD data blocks, which CSP does not apply to, and
    # a nonce would make every reading page different for every request (no caching).
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if urlsplit(MEDIA_URL).netloc:  # public files from a CDN: its origin may serve images and videos
    SECURE_CSP["img-src"].append("{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)))
    SECURE_CSP["media-src"].append("{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A load balancer's plain-HTTP probe reaches /healthz (SecurityMiddleware matches the path
# without its leading slash).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Visitors' sessions last SESSION_COOKIE_AGE (Django's two weeks); staff sessions end
# STAFF_SESSION_AGE after login, however active (smartregion/core/staff.py).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
STAFF_SESSION_AGE = env_int("STAFF_SESSION_AGE", 60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Secure-sessionid"
    CSRF_COOKIE_NAME = "__Secure-csrftoken"
    if env_bool("SECURE_PROXY_SSL_HEADER"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# Every line: time, level, logger, request id (smartregion/core/logging.py), to stderr.
LOGGING = logging_config(os.environ.get("LOG_LEVEL", "INFO").upper())

# Retention: the time after which the code deletes personal data it no longer needs. The privacy
# statement (/datenschutz/) shows these very values, so the page and the purges cannot disagree
# (docs/legal.md). Blog submissions whose address was never confirmed (the confirmation link is
# valid as long):
RETENTION_UNCONFIRMED_POSTS_DAYS = env_int("RETENTION_UNCONFIRMED_POSTS_DAYS", 7)
# Event registrations never confirmed (the confirmation link is valid as long).
RETENTION_UNCONFIRMED_REGISTRATIONS_DAYS = env_int("RETENTION_UNCONFIRMED_REGISTRATIONS_DAYS", 7)
# Registrations of an event that ended this long ago lose name, address and organisation (the
# count of participants stays).
RETENTION_PAST_REGISTRATIONS_DAYS = env_int("RETENTION_PAST_REGISTRATIONS_DAYS", 90)
# Newsletter sign-ups never confirmed.
RETENTION_PENDING_SUBSCRIBERS_DAYS = env_int("RETENTION_PENDING_SUBSCRIBERS_DAYS", 30)
# Finished background tasks: every mail sent stays there, as rendered, for this long.
RETENTION_TASK_RESULTS_DAYS = env_int("RETENTION_TASK_RESULTS_DAYS", 7)
# Reports of mail that could not be delivered (recipient, subject, error; admin).
RETENTION_UNDELIVERED_MAIL_DAYS = env_int("RETENTION_UNDELIVERED_MAIL_DAYS", 30)
# Images of a form sent back with an error, kept for its second try (smartregion/core/images.py).
RETENTION_STASHED_IMAGES_HOURS = env_int("RETENTION_STASHED_IMAGES_HOURS", 6)
# Feedback on accessibility, counted from its answer (open feedback is kept).
RETENTION_ANSWERED_FEEDBACK_DAYS = env_int("RETENTION_ANSWERED_FEEDBACK_DAYS", 365)
# Rate-limit counters: no form counts over a longer window (smartregion/core/ratelimit.py refuses
# one); a counter is deleted a minute after its window. The stash of images counts over its age.
RATE_LIMIT_MAX_WINDOW_SECONDS = max(24, RETENTION_STASHED_IMAGES_HOURS) * 60 * 60
# Server logs (nginx's access log, the journal of the portal's services): applied by the
# configuration `manage.py log_retention_config` renders (deploy/, docs/legal.md).
LOG_RETENTION_DAYS = env_int("LOG_RETENTION_DAYS", 7)
if LOG_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("LOG_RETENTION_DAYS must be at least 1 (days).")

# /healthz answers 503 when the oldest waiting task has waited longer than this (off when unset:
# a stuck worker delays mail but should not take the web servers out of a load balancer).
HEALTHZ_MAX_TASK_AGE_SECONDS = (
    int(os.environ["HEALTHZ_MAX_TASK_AGE_SECONDS"])
    if os.environ.get("HEALTHZ_MAX_TASK_AGE_SECONDS")
    else None
)

# Periodic tasks and their intervals, enqueued by `manage.py housekeeping` (a systemd timer on
# every host, every 15 minutes; `make run` loops it). Each job runs once per clock-aligned slot of
# its interval, whichever host claims the slot first (smartregion/core/periodic.py).
PERIODIC_TASKS = {
    "smartregion.core.tasks.requeue_stalled_tasks": timedelta(minutes=15),
    "smartregion.core.tasks.prune_task_results": timedelta(hours=1),
    "smartregion.core.tasks.purge_stashed_images": timedelta(hours=1),
    "smartregion.core.tasks.sweep_orphan_files": timedelta(days=1),
    "smartregion.core.tasks.clear_expired_sessions": timedelta(days=1),
    "blog.tasks.purge_unconfirmed_posts": timedelta(hours=1),
    "members.tasks.membership_housekeeping": timedelta(minutes=15),
    "newsletter.tasks.purge_pending": timedelta(hours=1),
    "newsletter.tasks.resume_stalled_campaigns": timedelta(minutes=15),
    "newsletter.tasks.process_bounces": timedelta(minutes=15),
    "events.tasks.send_reminders": timedelta(minutes=15),
    "events.tasks.purge_unconfirmed_registrations": timedelta(hours=1),
    "events.tasks.anonymise_past_registrations": timedelta(hours=1),
    "smartregion.search.tasks.refresh_vocabulary": timedelta(minutes=15),
    "smartregion.site.tasks.purge_answered_feedback": timedelta(days=1),
}
# A task RUNNING for longer than this lost its worker (killed, machine gone) and is queued again
# (smartregion.core.tasks.requeue_stalled_tasks). Far above the longest task: a mail takes
# seconds (SMTP timeout 20 s per step), a newsletter batch of 200 mails a few minutes; a batch
# that is still running when re-queued does no harm, two batches never send the same row.
TASK_STALLED_AFTER_SECONDS = int(os.environ.get("TASK_STALLED_AFTER_SECONDS", "1800"))
# A task that this many workers were lost on is not queued again but failed (a mail: reported
# as undelivered): it is likely what kills them.
TASK_MAX_LOST_WORKERS = 3

# Membership defaults (the network's exact rules are not fixed yet; see README).
# Valid until 31 December of the year after approval; renewable in the last 60 days or after
# expiry; reminder mail 30 days before the end.
MEMBERSHIP_VALIDITY_YEARS = int(os.environ.get("MEMBERSHIP_VALIDITY_YEARS", "1"))
MEMBERSHIP_RENEWAL_WINDOW_DAYS = int(os.environ.get("MEMBERSHIP_RENEWAL_WINDOW_DAYS", "60"))
MEMBERSHIP_REMINDER_DAYS = int(os.environ.get("MEMBERSHIP_REMINDER_DAYS", "30"))
