"""Rendered HTML kept in each worker's memory (the "fragments" cache): pieces of pages and whole
reading pages.

Keys carry a version read from the database in the same request (the content versions that
database triggers raise on every write to a content area's tables), so a cached piece is never
stale: any change gives a new key, and old entries simply age out. No cross-process invalidation
is needed.

``reading_page`` extends this to whole pages for anonymous visitors. The same key is the page's
ETag (Django's ``condition``): a browser or the proxy that holds the page gets 304 without any
rendering, and the response says how long the proxy in front may keep it (``PAGE_CACHE_SECONDS``).
Anyone who might see something personal (a session cookie, a form with a CSRF token, a message)
gets the page rendered for them, marked private, without a validator. docs/performance.md.
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import cache, lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import DatabaseError, connections, migrations, router
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import condition

from smartregion.core import sql

logger = logging.getLogger(__name__)

# --- pieces -----------------------------------------------------------------------------------


def cached(key_parts: tuple, compute: Callable[[], object]):
    """The value for ``key_parts`` from this worker's memory, computed on a miss."""
    cache = caches["fragments"]
    # Rendered text is in the active language: a fragment is kept per language.
    key_parts = (translation.get_language(), *key_parts)
    key = "frag:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value


def cached_fragment(key_parts: tuple, render: Callable[[], str]) -> SafeString:
    return mark_safe(cached(key_parts, lambda: str(render())))


def clock_minute() -> int:
    """Part of keys for content whose visibility moves with time (published_at <= now)."""
    return int(time.time() // 60)


# --- content versions -------------------------------------------------------------------------

# The area that every other one includes: taxonomy shown everywhere (Themenfelder, Kommunen).
EVERYWHERE = "*"


# An area's version: its counter and the time of its last change, in microseconds (and the
# same of EVERYWHERE).
Version = tuple[int, ...]

# The versions a reading page was looked up under, while its view renders: the view's own
# fragments use them instead of reading them again.
_page_versions: ContextVar[dict[str, Version] | None] = ContextVar("page_versions", default=None)


def content_version(key: str) -> Version:
    """The current version of a content area (one query, none within a reading page of it)."""
    known = _page_versions.get() or {}
    if key in known:
        return known[key]
    return content_versions([key])[key]


def content_versions(keys: Iterable[str]) -> dict[str, Version]:
    """The current version of each content area (and of EVERYWHERE), in one query.

    A version is the area's counter and the time of its last change, followed by those of what
    is shown everywhere. The time makes it unique for good: a database restored from a backup
    counts again over numbers it had used since, but never at the same moment, so no ETag a
    browser or the proxy holds can match a different page. The versions are read from the
    database the page's own reads go to (the read replica for anonymous visitors when one is
    configured), so a page is never rendered from data older than the versions it is kept under.
    """
    from smartregion.core.models import ContentVersion

    keys = sorted(set(keys) | {EVERYWHERE})
    connection = connections[router.db_for_read(ContentVersion)]
    query = (
        "SELECT key, version, (extract(epoch FROM changed_at) * 1000000)::bigint"
        f" FROM {ContentVersion._meta.db_table} WHERE key = ANY(%s)"
    )
    if (
        connection.health_check_enabled
        and not connection.health_check_done
        and connection.connection is not None
        and not connection.in_atomic_block
    ):
        # This query is the request's health check of a persistent connection (CONN_HEALTH_CHECKS)
        # instead of Django's own SELECT 1 before it: one round trip instead of two on a reading
        # page. A connection that did not survive a database restart fails it and is replaced
        # once, as after a failed check.
        connection.health_check_done = True
        try:
            found = _run(connection, query, keys)
        except DatabaseError:
            connection.close()
            found = _run(connection, query, keys)
    else:
        found = _run(connection, query, keys)
    everywhere = found.get(EVERYWHERE, (0, 0))
    return {k: found.get(k, (0, 0)) + (everywhere if k != EVERYWHERE else ()) for k in keys}


def _run(connection, query: str, keys: list[str]) -> dict[str, Version]:
    with connection.cursor() as cursor:
        cursor.execute(query, [keys])
        return {key: (version, changed) for key, version, changed in cursor.fetchall()}


# The trigger function of version_trigger() (kernel migrations 0005 and 0012 install it).
BUMP_FUNCTION = sql.read("smartregion.core", "content_version")


def version_trigger(table: str, key: str) -> migrations.RunSQL:
    """A statement-level trigger that raises ``key``'s version on any write to ``table``
    (``key='*'``, EVERYWHERE, raises every area: for taxonomy shown everywhere)."""
    name = f"{table}_{'all' if key == EVERYWHERE else key}_version"
    return migrations.RunSQL(
        f"""
        CREATE TRIGGER {name}
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION smartregion_bump_content_version('{key}');
        """,
        f"DROP TRIGGER IF EXISTS {name} ON {table};",
    )


# --- whole reading pages ----------------------------------------------------------------------

PRIVATE = "private, no-cache"


class _LastKnown:
    """The versions this worker read last, for pages while the database cannot be reached."""

    versions: dict[str, Version] = {}
    read_at: float = 0.0  # wall clock, for the minute of timed pages

    @classmethod
    def remember(cls, versions: dict[str, Version]) -> None:
        cls.versions = {**cls.versions, **versions}
        cls.read_at = time.time()

    @classmethod
    def recall(cls, keys: list[str]) -> dict[str, Version] | None:
        fresh = time.time() - cls.read_at <= settings.PAGE_STALE_SECONDS
        if fresh and all(key in cls.versions for key in keys):
            return {key: cls.versions[key] for key in keys}
        return None


class _Page:
    """One anonymous request for a reading page: its key in the fragments cache and its ETag."""

    def __init__(
        self, request: HttpRequest, areas: tuple[str, ...], timed: bool, language: str = ""
    ):
        keys = list(areas)
        minute = clock_minute()
        self.stale = False
        try:
            versions = content_versions(keys) if keys else {}
            _LastKnown.remember(versions)
        except DatabaseError:
            # The database restarts or is unreachable: the pages this worker holds are served as
            # they were at the last reading (PAGE_STALE_SECONDS at most); the rest fails as before.
            versions = _LastKnown.recall(keys)
            if versions is None:
                raise
            minute = int(_LastKnown.read_at // 60)
            self.stale = True
            logger.warning("content versions unreadable, serving %s as cached", request.path)
        parts = (
            release(),
            language or translation.get_language(),
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            sorted(versions.items()),
            minute if timed else None,
        )
        self.versions = versions
        self.etag = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        self.key = "page:" + self.etag
        self.shared = True


def is_personal(request: HttpRequest) -> bool:
    """Whether the request may get something of its own: a logged-in visitor, or anyone with a
    session or pending messages. Only the cookies are looked at (no session is loaded)."""
    if request.method not in ("GET", "HEAD"):
        return True
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies


def _used_personal_state(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether rendering touched anything of this visitor's own (a CSRF token, the session, a
    message, a cookie): then the page is not the same for everyone and is not shared."""
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.modified)
        or (messages is not None and getattr(messages, "_queued_messages", None))
    )


def reading_page(*areas: str, timed: bool = True):
    """Decorator for a view that shows the same page to every anonymous visitor, built from the
    content ``areas`` (content versions; EVERYWHERE is always included).

    For anonymous visitors the whole response is kept in this worker's fragments cache under the
    page's key, and the key is its ETag: a matching If-None-Match gets 304 before anything is
    rendered. ``timed`` pages show content whose visibility moves with time (published from a
    date, upcoming events, memberships that run out), so their key changes every minute too.
    Personal requests (``is_personal``) get a fresh rendering, private and without a validator.
    """

    def decorator(view):
        def etag(request, *args, **kwargs):
            page = None if is_personal(request) else _Page(request, areas, timed)
            request.reading_page = page
            return page.etag if page else None

        @condition(etag_func=etag)
        def respond(request, *args, **kwargs):
            page = request.reading_page
            if page is None:
                return view(request, *args, **kwargs)
            cache = caches["fragments"]
            stored = cache.get(page.key)
            if stored is not None:
                return _restore(stored)
            token = _page_versions.set(page.versions)
            try:
                response = view(request, *args, **kwargs)
                if callable(getattr(response, "render", None)):
                    response.render()  # a TemplateResponse (the sitemap): rendered here, once
            finally:
                _page_versions.reset(token)
            if _used_personal_state(request, response):
                page.shared = False
            elif response.status_code == 200 and not response.streaming and not page.stale:
                cache.set(page.key, _store(response))
            return response

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = respond(request, *args, **kwargs)
            page = request.reading_page
            if page and page.shared and response.status_code in (200, 304):
                _share(response)
            else:
                if page is not None:  # condition() gave it the page's ETag: not this one's
                    response.headers.pop("ETag", None)
                if response.status_code < 400 or "Cache-Control" not in response:
                    response.headers["Cache-Control"] = PRIVATE
            return response

        wrapper.reading_page = (areas, timed)  # NotModifiedMiddleware finds the page's key by it
        return wrapper

    return decorator


def _share(response: HttpResponse) -> None:
    """Mark a reading page's response as the same for every anonymous visitor: the proxy in front
    may keep it PAGE_CACHE_SECONDS, and serve it PAGE_STALE_SECONDS longer while the site fails."""
    response.headers["Cache-Control"] = (
        f"public, max-age=0, s-maxage={settings.PAGE_CACHE_SECONDS}, "
        f"stale-if-error={settings.PAGE_STALE_SECONDS}"
    )
    response.shared_page = True


class NotModifiedMiddleware:
    """Answers an anonymous visitor's conditional request for a reading page with 304 right below
    WhiteNoise, when the ETag matches: the answer the page's view gives (``reading_page``), without
    the session, locale, CSRF, authentication, message and account middleware that would run
    before it. The page's key needs the language, which the URL alone gives (LocaleMiddleware
    takes it from the prefix only), and the versions, read in the one query the view would make.
    Anything else (no match, not a reading page, a personal request) goes on as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_IF_NONE_MATCH" in request.META and not is_personal(request):
            response = _not_modified(request)
            if response is not None:
                return response
        return self.get_response(request)


def _not_modified(request: HttpRequest) -> HttpResponse | None:
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    spec = _reading_page_at(request.path_info, language, settings.ROOT_URLCONF)
    if spec is None:
        return None
    page = _Page(request, *spec, language=language)
    response = get_conditional_response(request, etag=quote_etag(page.etag))
    if response is None or response.status_code != 304:
        return None
    response.headers["ETag"] = quote_etag(page.etag)
    _share(response)
    return response


@lru_cache(maxsize=4096)
def _reading_page_at(path: str, language: str, urlconf: str) -> tuple | None:
    """The areas and timing of the reading page at ``path``, or None: resolved once per path
    (bounded: paths that are not pages only ever take a place that an older one gives up)."""
    with translation.override(language):
        try:
            match = resolve(path, urlconf)
        except Resolver404:
            return None
    return getattr(match.func, "reading_page", None)


# What a kept page is rebuilt from: the view's own headers (content type, disposition, robots),
# and a Content-Security-Policy of its own (a page with a video allows the player's frame).
_NOT_KEPT = {"etag", "cache-control", "vary", "set-cookie", "content-length"}


def _store(response: HttpResponse) -> dict:
    stored = {
        "content": response.content,
        "headers": [(k, v) for k, v in response.headers.items() if k.lower() not in _NOT_KEPT],
    }
    if hasattr(response, "_csp_config"):
        stored["csp"] = response._csp_config
    return stored


def _restore(stored: dict) -> HttpResponse:
    response = HttpResponse(stored["content"])
    for name, value in stored["headers"]:
        response.headers[name] = value
    if "csp" in stored:
        response._csp_config = stored["csp"]
    return response


class CachePolicyMiddleware:
    """The last word on caching, right below WhiteNoise (so it sees the session's and the CSRF
    middleware's cookies):

    - a response that sets a cookie is never shared, whatever the view said;
    - a shared reading page does not vary by Cookie or Accept-Language: it is the same for every
      anonymous visitor and its URL names its language (the proxy bypasses its cache for
      requests with a session or messages cookie, deploy/nginx);
    - any other response without a Cache-Control of its own is private.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        shared = getattr(response, "shared_page", False)
        if response.cookies and (shared or _says_shared(response)):
            logger.error("%s set a cookie on a shared response: made private", request.path)
            response.headers["Cache-Control"] = PRIVATE
            response.headers.pop("ETag", None)
        elif shared:
            vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
            vary = [v for v in vary if v.lower() not in ("cookie", "accept-language")]
            if vary:
                response.headers["Vary"] = ", ".join(vary)
            else:
                response.headers.pop("Vary", None)
        elif "Cache-Control" not in response:
            patch_cache_control(response, private=True)
        return response


def _says_shared(response: HttpResponse) -> bool:
    value = response.get("Cache-Control", "").lower()
    return "private" not in value and ("public" in value or "max-age" in value)


# --- the release ------------------------------------------------------------------------------

# What a page is rendered from besides the database: the code, templates, translations and
# static files' names, the locked dependencies, and the settings.
_RELEASE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo", ".svg", ".json", ".lock"}
_RELEASE_SKIP = {".venv", "var", ".git", "tests", "bench", "docs", "node_modules", "__pycache__"}


@cache
def release() -> str:
    """A digest of everything a page is rendered from besides the content, the same in every
    worker and on every machine with the same code and settings. It is part of every page's key
    and ETag, so a deployment or a changed setting never answers 304 with an old rendering."""
    import os

    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in _RELEASE_SKIP)
        for name in sorted(files):
            path = Path(folder, name)
            if path.suffix in _RELEASE_SUFFIXES:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or "", "staticfiles.json")
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    digest.update(repr(sorted(_plain(vars(settings._wrapped)).items())).encode())
    return digest.hexdigest()[:16]


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    """Settings are part of the release (tests change them within one process), and the URLs
    may have changed with them."""
    release.cache_clear()
    _reading_page_at.cache_clear()


def _plain(value):
    """Settings as plain data: objects whose repr names a memory address become their type."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, str | int | float | bool | Path):
        return value
    return type(value).__qualname__
