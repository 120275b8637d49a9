import csv
import logging
import time
import uuid

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, Count, F, Min, When
from django.db.models.functions import Greatest
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

from smartregion.core.dates import iso8601
from smartregion.core.dbrouting import REPLICA, replica_in_use
from smartregion.core.fragments import reading_page
from smartregion.core.models import EasyReadPage, Page, SignLanguageVideo
from smartregion.site import charts
from smartregion.site import figures as figures_data
from smartregion.site.homepage import home_sections

logger = logging.getLogger(__name__)


@require_safe
@reading_page("blog", "events", "members")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "smartregion/home.html", home_sections())


@require_safe
@reading_page("site", timed=False)
def page(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Page, slug=slug)
    return render(request, "smartregion/page.html", {"page": obj})


@require_safe
@reading_page("site")
def easy_read_list(request: HttpRequest) -> HttpResponse:
    """The start page of Leichte Sprache: every published page, in the Redaktion's order."""
    pages = EasyReadPage.objects.published().only("slug", "title", "summary")
    return render(request, "smartregion/easy_read_list.html", {"pages": pages})


@require_safe
@reading_page("site")
def easy_read_page(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(EasyReadPage.objects.published(), slug=slug)
    pages = EasyReadPage.objects.published().only("slug", "title")
    return render(request, "smartregion/easy_read_page.html", {"page": obj, "pages": pages})


FIGURE_AREAS = ("members", "blog", "events", "newsletter")


@require_safe
@reading_page(*FIGURE_AREAS)
def figures(request: HttpRequest) -> HttpResponse:
    """„Die SMART REGION in Zahlen“: each dataset as a chart with its table and downloads."""
    shown = [(dataset, _chart(dataset)) for dataset in figures_data.datasets()]
    return render(
        request,
        "smartregion/figures.html",
        {"datasets": shown, "licence": settings.OPEN_DATA_LICENCE, "as_of": timezone.now()},
    )


def _chart(dataset: figures_data.Dataset) -> charts.Chart:
    """The dataset's chart, with a sentence saying what it shows."""
    rows = dataset.rows
    if dataset.chart == "bars":
        chart = charts.bars([(row[0], row[1]) for row in rows])
        top = max(rows, key=lambda row: row[1], default=None)
        if top:
            chart.summary = translation.gettext(
                "Balkendiagramm. Insgesamt %(total)s; am meisten: %(label)s mit %(value)s."
            ) % {
                "total": intcomma(sum(row[1] for row in rows)),
                "label": top[0],
                "value": intcomma(top[1]),
            }
        return chart
    if dataset.chart == "columns":
        chart = charts.columns(
            [(row[0], row[1:]) for row in rows], [str(c.label) for c in dataset.counts]
        )
    else:
        chart = charts.line([(row[0], row[1]) for row in rows])
    if rows:
        chart.summary = translation.gettext("%(kind)s von %(first)s bis %(last)s. %(latest)s") % {
            "kind": translation.gettext("Säulendiagramm")
            if dataset.chart == "columns"
            else translation.gettext("Liniendiagramm"),
            "first": rows[0][0],
            "last": rows[-1][0],
            "latest": "; ".join(
                translation.gettext("%(label)s zuletzt %(value)s, höchstens %(top)s")
                % {
                    "label": column.label,
                    "value": intcomma(rows[-1][index]),
                    "top": intcomma(max(row[index] for row in rows)),
                }
                for index, column in enumerate(dataset.counts, start=1)
            )
            + ".",
        }
    return chart


@require_safe
@reading_page(*FIGURE_AREAS)
def figures_json(request: HttpRequest) -> JsonResponse:
    """All figures with their source, date and licence, as JSON."""
    data = {
        "title": translation.gettext("Die SMART REGION Emscher-Lippe in Zahlen"),
        "source": settings.SITE_URL + reverse("figures"),
        "created_at": iso8601(timezone.now()),
        "licence": settings.OPEN_DATA_LICENCE,
        "datasets": [dataset.as_dict() for dataset in figures_data.datasets()],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = 'inline; filename="smartregion-zahlen.json"'
    return response


@require_safe
@reading_page(*FIGURE_AREAS)
def figures_csv(request: HttpRequest, dataset: str) -> HttpResponse:
    """One dataset as CSV (comma-separated, UTF-8, a header row of column ids)."""
    found = next((d for d in figures_data.datasets() if d.id == dataset), None)
    if found is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="smartregion-{found.id}.csv"'
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow([column.id for column in found.columns])
    writer.writerows(found.rows)
    return response


@require_safe
@reading_page("site")
def sign_language(request: HttpRequest) -> HttpResponse:
    """The videos in Deutscher Gebärdensprache, played from the site's own /media/."""
    videos = SignLanguageVideo.objects.published()
    return render(request, "smartregion/sign_language.html", {"videos": videos})


def _timed(check) -> dict:
    """Run one check; ``{"status": "ok", "ms": ...}`` or ``"fail"`` with the exception's class.

    The exception's text goes to the log, one line per probe (it may name hosts and users);
    the public answer names only its class.
    """
    started = time.monotonic()
    try:
        result = check() or {}
    except Exception as exc:  # noqa: BLE001 - a health check reports any failure, never a 500
        logger.warning("healthz: %s failed: %r", check.__name__.strip("_"), exc)
        result = {"status": "fail", "error": type(exc).__name__}
    result.setdefault("status", "ok")
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def _select_one(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _database() -> None:
    _select_one(DEFAULT_DB_ALIAS)


def _replica() -> None:
    _select_one(REPLICA)


def _cache() -> None:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise LookupError("the cache did not return the value just stored")
    cache.delete(key)


def _degrades() -> bool:
    """Whether the site works on, degraded, while the cache is down (``ResilientRedisCache``)."""
    return getattr(cache, "degrades", False)


def _storage() -> dict:
    """Write, read and delete a tiny file in each storage that uploads go to."""
    result = {}
    for alias in settings.STORAGES:
        if alias == "staticfiles":  # read-only at run time; collectstatic writes it
            continue
        storage = storages[alias]
        try:
            name = storage.save(f"healthz-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
            try:
                with storage.open(name) as probe:
                    if probe.read() != b"ok":
                        raise LookupError(f"storage {alias!r} returned other content")
            finally:
                storage.delete(name)
        except Exception as exc:  # noqa: BLE001 - reported per storage
            logger.warning("healthz: storage %r failed: %r", alias, exc)
            result[alias] = {"status": "fail", "error": type(exc).__name__}
        else:
            result[alias] = {"status": "ok"}
    if any(entry["status"] != "ok" for entry in result.values()):
        result["status"] = "fail"
    return result


def _tasks() -> dict:
    """The backlog of django-tasks-db: tasks due now that no worker has taken yet.

    A task waits since it was enqueued, or since its ``run_after`` if that is later (a retry
    with backoff); ``run_after`` = 9999-01-01 is the backend's "no run_after" sentinel.
    """
    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest(F("run_after"), F("enqueued_at")),
    )
    backlog = DBTaskResult.objects.ready().aggregate(waiting=Count("id"), since=Min(waiting_since))
    oldest = (timezone.now() - backlog["since"]).total_seconds() if backlog["since"] else 0
    result = {"waiting": backlog["waiting"], "oldest_waiting_seconds": max(0, int(oldest))}
    limit = settings.HEALTHZ_MAX_TASK_AGE_SECONDS
    if limit is not None:
        result["max_seconds"] = limit
        if oldest > limit:
            result["status"] = "fail"
    return result


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database, the cache and the storages
    work, else 503 naming the failed check. The task backlog is reported; it fails the answer
    only above HEALTHZ_MAX_TASK_AGE_SECONDS. A read replica and the Redis cache are reported and
    never fail the answer: while the replica is down its reads go to the primary, while Redis is
    down the site works without it (``degraded`` names them). Sets no cookie and touches no
    session.
    """
    checks = {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "storage": _timed(_storage),
        "tasks": _timed(_tasks),
    }
    if replica_in_use():
        checks["replica"] = _timed(_replica)
    failed = [name for name, check in checks.items() if check["status"] != "ok"]
    if "tasks" in failed and settings.HEALTHZ_MAX_TASK_AGE_SECONDS is None:
        failed.remove("tasks")  # the backlog cannot be read without the database: reported only
    # Reported, not failed: the site works on without them, so the load balancer keeps the app
    # servers. The primary serves a replica's reads; a Redis outage is served from the database
    # and uncounted (smartregion.core.cache).
    degraded = [name for name in failed if name == "replica" or (name == "cache" and _degrades())]
    failed = [name for name in failed if name not in degraded]
    body = {"status": "fail" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    if degraded:
        body["degraded"] = degraded
    return JsonResponse(body, status=503 if failed else 200)


@require_GET
def media_file(request: HttpRequest, path: str) -> FileResponse:
    """DEBUG only (smartregion/site/urls.py): a public file from the default storage, on the
    filesystem or in the media bucket, as nginx serves /media/ in production."""
    if not default_storage.exists(path):
        raise Http404
    return FileResponse(default_storage.open(path, "rb"))


@require_safe
@reading_page(timed=False)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /konto/",
        "Disallow: /mein-bereich/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """A standalone 500 page: no context processors, no database. In the language of the URL
    (the error may have come before the language was activated): English under /en/."""
    path = request.path_info if request is not None else ""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string("500.html", {"home_url": reverse("home")})
    return HttpResponse(html, status=500, headers={"Content-Language": language})
