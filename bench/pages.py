"""Benchmark of every reading page against the framework floor (perfkit), direct and deployed.

    make bench                                   # all benchmarks (this one with perfkit's defaults)
    .venv/bin/python bench/pages.py              # this one: every part, about an hour
    .venv/bin/python bench/pages.py --part app --reps 1 --duration 3 --warmup 1 --unloaded 0

It works in its own database (``smartregion_bench_pages`` on the same server as DATABASE_URL, or
on the project-local cluster), never in the development database: migrated, static files
collected, filled once with a whole portal (the demo content plus 10,000 posts, 300 member
organisations, 300 events with registrations, 30 sent newsletters: bench/support/portal.py),
then VACUUM ANALYZE. Each part prints perfkit's own table; the last lines sum every part up.

``--part app``    every reading page served by gunicorn (sync, 2 workers, production-like
                  settings), measured by ``../shared/perfkit/measure`` in one interleaved run with
                  the floor; the SQL queries of a warm request (perfkit) and of a first rendering
                  (the page's cache empty; here); checks each page ≥ 10 % of floor hello (the
                  search, a query asked before, ≥ 5 %).
``--part 304``    the same pages asked with a matching If-None-Match (304, nothing rendered),
                  each ≥ 50 % of floor hello, in one run: every request sends
                  ``If-None-Match: *``, which matches whatever ETag the page has that minute (the
                  server computes the page's ETag and compares, as for the page's own ETag; each
                  page is first checked to answer 304 to both).
``--part nginx``  the stack as ``make prod`` runs it (smartregion.site.prodstack: nginx with
                  deploy/nginx/smartregion.conf as rendered there, TLS, gunicorn with
                  deploy/gunicorn.conf.py, its own PostgreSQL holding a copy of the bench data),
                  every page through nginx over HTTPS, each ≥ 100 % of floor hello.
``--part drill``  the same stack under load from several client threads for ``--drill-seconds``:
                  its PostgreSQL is stopped a quarter into the run and started again 5 s later;
                  per page the requests, answers and errors, for cached pages and for pages that
                  need the database (a search never asked before, a visitor with a session).

``--reps``, ``--duration``, ``--warmup`` and ``--unloaded`` go to perfkit (its defaults when not
given). Other work on this machine shows in the figures; perfkit prints how busy the CPUs were.
It exits 0 when goals are missed (it is a measurement) and non-zero only when it could not
measure.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/, where this file would shadow nothing today but might.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get("BENCH_PAGES_DB_NAME", "smartregion_bench_pages")
WORK = ROOT / "var" / "bench-pages"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PERFKIT = Path(os.environ.get("PERFKIT_MEASURE") or ROOT.parent / "shared" / "perfkit" / "measure")
HOST = "127.0.0.1"

# The goals of the issue, in % of floor hello.
READING_SHARE = 10.0
SEARCH_SHARE = 5.0
NOT_MODIFIED_SHARE = 50.0
NGINX_SHARE = 100.0
MAX_LIST_QUERIES = 5
MAX_QUERIES = 10

PARTS = ("app", "304", "nginx", "drill")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--part",
        default="all",
        help="app, 304, nginx, drill, several of them comma-separated, or all (the default)",
    )
    for name in ("reps", "duration", "warmup", "unloaded"):
        parser.add_argument(f"--{name}", type=int, help=f"perfkit's --{name} (its default)")
    parser.add_argument(
        "--drill-seconds", type=int, default=20, help="length of the drill (default 20)"
    )
    parser.add_argument(
        "--drill-threads", type=int, default=8, help="client threads of the drill (default 8)"
    )
    args = parser.parse_args(argv)
    args.parts = PARTS if args.part == "all" else tuple(args.part.split(","))
    if unknown := set(args.parts) - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    return args


def say(message: str) -> None:
    print(f"[bench/pages {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- database ---------------------------------------------------------------------------------


def prepare_database() -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench.support.portal import fill_portal

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")  # filling is no page view
    if not _filled():
        say("filling the bench database once (demo content, then bulk data)")
        call_command("seed_demo", verbosity=0)
        added = fill_portal(progress=say)
        say("added " + ", ".join(f"{n:,} {kind}" for kind, n in added.items()))
        from smartregion.search.vocabulary import refresh

        refresh()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    connection.close()
    print(f"Database {BENCH_DB}: {content_summary()}.")


def _filled() -> bool:
    from bench.support import portal
    from bench.support.corpus import generated_count
    from events.models import Event
    from members.models import Organisation
    from newsletter.models import Campaign

    return (
        generated_count() >= portal.POSTS
        and Organisation.objects.filter(slug__startswith=portal.SLUG_PREFIX).count()
        >= portal.ORGANISATIONS
        and Event.objects.filter(slug__startswith=portal.SLUG_PREFIX).count() >= portal.EVENTS
        and Campaign.objects.filter(subject__startswith=portal.CAMPAIGN_PREFIX).count()
        >= portal.CAMPAIGNS
    )


def content_summary() -> str:
    from blog.models import Post
    from events.models import Event, Registration
    from members.models import Organisation
    from newsletter.models import Campaign

    return (
        f"{Post.objects.published().count():,} published posts, "
        f"{Event.objects.upcoming().count():,} upcoming and {Event.objects.past().count():,} "
        f"past events, {Registration.objects.count():,} registrations, "
        f"{Organisation.objects.active_members().count():,} member organisations "
        f"({Organisation.objects.active_members().filter(is_ambassador=True).count()} "
        f"ambassadors), {Campaign.objects.sent().count()} newsletters in the archive"
    )


# --- pages ------------------------------------------------------------------------------------


def choose_pages() -> list[dict]:
    """Every reading page, with real slugs: ``{"path", "label", "list"}``; ``list`` pages may
    make at most MAX_LIST_QUERIES queries, the others MAX_QUERIES."""
    from django.urls import reverse
    from django.utils import translation

    from blog.models import Post
    from events.models import Event
    from members.models import Organisation
    from newsletter.models import Campaign
    from smartregion.core.models import EasyReadPage, Page

    post = (
        Post.objects.published()
        .filter(topics__isnull=False)
        .order_by("-published_at", "-pk")
        .values_list("slug", flat=True)
        .distinct()[100]
    )
    event = (
        Event.objects.upcoming()
        .filter(status=Event.Status.PUBLISHED, capacity__isnull=False, slug__startswith="bench-")
        .values_list("slug", flat=True)
        .first()
    )
    member = (
        Organisation.objects.active_members()
        .filter(events__isnull=False, slug__startswith="bench-")
        .order_by("pk")
        .values_list("slug", flat=True)
        .first()
    )
    issue = Campaign.objects.last_sent()
    easy_read = EasyReadPage.objects.published().values_list("slug", flat=True).first()
    staff_page = "ueber-uns" if Page.objects.filter(slug="ueber-uns").exists() else None
    pages = [
        ("home", reverse("home"), True),
        ("blog list", reverse("blog:list"), True),
        ("blog post", reverse("blog:detail", kwargs={"slug": post}), False),
        ("events list", reverse("events:list"), True),
        ("event", reverse("events:detail", kwargs={"slug": event}), False),
        ("event .ics", reverse("events:ics", kwargs={"slug": event}), False),
        ("calendar .ics", reverse("events:feed"), True),
        ("members list", reverse("members:directory"), True),
        ("member profile", reverse("members:profile", kwargs={"slug": member}), False),
        ("ambassadors", reverse("members:ambassadors"), True),
        ("RSS feed", reverse("blog:feed"), True),
        ("Atom feed", reverse("blog:feed_atom"), True),
        ("sitemap index", reverse("sitemap"), False),
        ("sitemap, first blog page", reverse("sitemap_section", kwargs={"section": "blog"}), True),
        ("newsletter archive", reverse("newsletter:archive"), True),
        ("newsletter issue", reverse("newsletter:archive_detail", kwargs={"pk": issue.pk}), False),
        ("staff page", reverse("page", kwargs={"slug": staff_page}) if staff_page else None, False),
        ("Impressum", reverse("legal:impressum"), False),
        ("Datenschutz", reverse("legal:privacy"), False),
        ("Barrierefreiheit", reverse("legal:accessibility"), False),
        ("Leichte Sprache", reverse("easy_read"), True),
        (
            "Leichte Sprache page",
            reverse("easy_read_page", kwargs={"slug": easy_read}) if easy_read else None,
            False,
        ),
        ("Gebärdensprache", reverse("sign_language"), False),
        ("Zahlen", reverse("figures"), True),
        ("Zahlen, JSON", reverse("figures_json"), True),
    ]
    with translation.override("en"):
        pages += [("home, English", reverse("home"), True)]
        pages += [("blog list, English", reverse("blog:list"), True)]
    pages += [("search, asked before", reverse("search") + "?q=Digitalisierung", True)]
    return [
        {"label": label, "path": path, "list": is_list} for label, path, is_list in pages if path
    ]


def is_search(page: dict) -> bool:
    return page["path"].startswith("/suche/")


def inspect_pages(pages: list[dict]) -> None:
    """Per page, in this process through the test client: status, cookies, Cache-Control, and
    the SQL queries (writes among them) of a first rendering (the page not kept, as after a
    change of its content) and of the next, warm request."""
    from django.core.cache import caches
    from django.db import connections
    from django.test import Client
    from django.utils import translation
    from django.utils.translation import get_language_from_path

    from smartregion.core.models import taxonomy

    client = Client(HTTP_HOST=HOST)
    fragments = caches["fragments"]
    for page in pages:
        counts = []
        for cold in (True, False):
            if cold:
                # The page rendered again after its content changed: nothing of it kept, the
                # Themenfelder and Kommunen still held (they change rarely; then each list reads
                # them once more per worker: two queries).
                fragments.clear()
                with translation.override(get_language_from_path(page["path"]) or "de"):
                    taxonomy()
            seen = {"queries": 0, "writes": 0}

            def count(execute, sql, params, many, context, seen=seen):
                seen["queries"] += 1
                if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
                    seen["writes"] += 1
                return execute(sql, params, many, context)

            with connections["default"].execute_wrapper(count):
                response = client.get(page["path"])
            counts.append(seen)
        page.update(
            status=response.status_code,
            cookies=sorted(response.cookies),
            cache_control=response.get("Cache-Control", ""),
            cold_queries=counts[0]["queries"],
            warm_queries=counts[1]["queries"],
            writes=counts[0]["writes"] + counts[1]["writes"],
        )
    client.cookies.clear()
    for conn in connections.all():
        conn.close()


# --- the environment of the measured server ---------------------------------------------------


def server_environment(database_url: str) -> dict:
    """Production-like settings (DEBUG off, manifest static files, Redis) on the bench data."""
    from bench.support.server import bench_environment

    env = bench_environment(database_url, str(WORK / "static"))
    env.update(
        REDIS_URL=REDIS_URL,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        MEDIA_ROOT=str(WORK / "media"),
        PRIVATE_MEDIA_ROOT=str(WORK / "private"),
        SITE_URL="https://smartregion-emscher-lippe.de",
    )
    env.pop("VIRTUAL_ENV", None)
    return env


def perfkit_project() -> Path:
    """A folder perfkit can start the project from: it looks for ``<pkg>/wsgi.py`` next to
    manage.py, and the project's WSGI module is one level deeper (smartregion/site/wsgi.py).
    The folder holds a manage.py, a package whose wsgi.py is the project's, and .venv (a link)."""
    shim = WORK / "perfkit-project" / ROOT.name
    package = shim / "pages_wsgi"
    package.mkdir(parents=True, exist_ok=True)
    (shim / "manage.py").write_text(
        "#!/usr/bin/env python\n# Written by bench/pages.py for perfkit: the project's manage.py.\n"
        f"import runpy\nrunpy.run_path({str(ROOT / 'manage.py')!r}, run_name='__main__')\n"
    )
    (package / "__init__.py").write_text("")
    (package / "wsgi.py").write_text(
        "# Written by bench/pages.py: the project's WSGI application, for perfkit.\n"
        "from smartregion.site.wsgi import application  # noqa: F401\n"
    )
    venv = shim / ".venv"
    if venv.is_symlink() or venv.exists():
        venv.unlink()
    venv.symlink_to(ROOT / ".venv")
    return shim


def perfkit_method(args: argparse.Namespace) -> list[str]:
    flags = []
    for name in ("reps", "duration", "warmup", "unloaded"):
        value = getattr(args, name)
        if value is not None:
            flags += [f"--{name}", str(value)]
    return flags


def perfkit_seconds(args: argparse.Namespace, targets: int) -> float:
    """How long a perfkit run of ``targets`` pages lasts (its own estimate plus set-up)."""
    reps = args.reps or 3
    duration = args.duration or 10
    warmup = 3 if args.warmup is None else args.warmup
    unloaded = 5 if args.unloaded is None else args.unloaded
    per_target = warmup + reps * (duration + 1) + (unloaded + 1 if unloaded else 0) + 0.5
    return 120 + (targets + 2) * per_target


def run_perfkit(
    args: argparse.Namespace, env: dict, paths: list[str], *, extra: list[str], name: str
) -> dict | None:
    """One perfkit run; its table goes to our stdout. Returns its JSON (None: no figures)."""
    out = WORK / "results" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    cmd = [str(PERFKIT), *perfkit_method(args), "--json", str(out), *extra, *paths]
    say(
        f"perfkit ({name}): {len(paths)} pages, about {perfkit_seconds(args, len(paths)) / 60:.0f} min"
    )
    sys.stdout.flush()
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    if code not in (0, 1) or not out.exists():
        say(f"perfkit ({name}) could not measure (exit {code})")
        return None
    print(f"(figures in {out.relative_to(ROOT)})\n", flush=True)
    return json.loads(out.read_text())


def by_path(report: dict | None) -> dict[str, dict]:
    return {r["path"]: r for r in (report or {}).get("results", []) if r.get("path")}


def floor_figure(report: dict | None, target: str) -> dict:
    return next((r for r in (report or {}).get("results", []) if r["target"] == target), {})


# --- part app -----------------------------------------------------------------------------------


def project_flags(env: dict, shim: Path) -> list[str]:
    """perfkit starts the project with DEBUG off, its own SECRET_KEY and ALLOWED_HOSTS; these
    are the bench environment's (the rest of the environment perfkit passes through)."""
    return [
        "--project-env", f"SECRET_KEY={env['SECRET_KEY']}",
        "--project-env", f"ALLOWED_HOSTS={env['ALLOWED_HOSTS']}",
        "--project-env", "DEBUG=false",
        str(shim),
    ]  # fmt: skip


def part_app(args, env: dict, pages: list[dict]) -> dict | None:
    print("\n## Part 1: every reading page, gunicorn direct, against the floor\n", flush=True)
    checks = []
    for page in pages:
        share = SEARCH_SHARE if is_search(page) else READING_SHARE
        checks += ["--check", f"{page['path']}>={share:g}%"]
    extra = [*checks, *project_flags(env, perfkit_project())]
    return run_perfkit(args, env, [p["path"] for p in pages], extra=extra, name="app")


# --- part 304 -----------------------------------------------------------------------------------

# What the 304 part sends. "*" matches any current ETag of the page (RFC 9110 13.1.2): the server
# does exactly what a matching ETag makes it do (compute the page's ETag: its content versions;
# compare; answer 304), for every page in one header, whatever minute it is. A list of the pages'
# own ETags would have to name every minute of the run (pages whose content moves with time put
# the minute into their ETag) and costs the server a quarter more to parse than one ETag.
IF_NONE_MATCH = "*"


def http_fetch(port: int):
    """``fetch(path, headers) -> (status, ETag)`` over HTTP from the server on ``port``."""

    def fetch(path: str, headers: dict) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status, response.getheader("ETag") or ""
        finally:
            conn.close()

    return fetch


def verify_not_modified(fetch, pages: list[dict]) -> list[str]:
    """Each page answers 200 with an ETag, 304 to that ETag and 304 to IF_NONE_MATCH; returns
    what did not (such a page is not measured as 304)."""
    problems = []
    for page in pages:
        status, etag = fetch(page["path"], {})
        page["not_modified"] = False
        if status != 200 or not etag:
            problems.append(f"{page['path']}: {status}, ETag {etag or 'none'}")
            continue
        own, _ = fetch(page["path"], {"If-None-Match": etag})
        star, _ = fetch(page["path"], {"If-None-Match": IF_NONE_MATCH})
        if (own, star) != (304, 304):
            problems.append(
                f"{page['path']}: its ETag answered {own}, If-None-Match: {IF_NONE_MATCH} {star}"
            )
            continue
        page["not_modified"] = True
    return problems


def part_304(args, env: dict, pages: list[dict]) -> dict | None:
    from bench.support.server import Gunicorn

    print("\n## Part 2: the same pages answered 304 (matching If-None-Match)\n", flush=True)
    # A server with the settings perfkit's will have, to check the pages first.
    with Gunicorn(cwd=ROOT, env=env, log_path=WORK / "verify-gunicorn.log", workers=1) as server:
        server.start(ready_path="/bench/floor/")
        problems = verify_not_modified(http_fetch(server.port), pages)
    for problem in problems:
        print(f"- not measured as 304: {problem}")
    measured = [page for page in pages if page["not_modified"]]
    print(
        f"{len(measured)} pages answer 304 to their own ETag and to If-None-Match: "
        f"{IF_NONE_MATCH}, which every request of this run sends.\n",
        flush=True,
    )
    if not measured:
        return None
    # No --check: perfkit counts only a 2xx first answer as the page (here 304 is the page).
    extra = ["--header", f"If-None-Match: {IF_NONE_MATCH}", *project_flags(env, perfkit_project())]
    return run_perfkit(args, env, [p["path"] for p in measured], extra=extra, name="304")


# --- the deployed stack -----------------------------------------------------------------------


class BenchStack:
    """``make prod``'s stack on free ports under var/bench-pages/stack, with a copy of the bench
    database in its own PostgreSQL (copied again whenever the bench data changed)."""

    def __init__(self, bench_url: str):
        from smartregion.site.prodstack import Stack, StackConfig, free_port

        self.bench_url = bench_url
        self.root = WORK / "stack"
        self.config = StackConfig(
            root=self.root,
            https_port=free_port(),
            http_port=free_port(),
            redis_url=REDIS_URL,
            housekeeping_interval=24 * 3600,
            log_to_files=True,
            env={"LOG_LEVEL": "WARNING"},
        )
        self.stack = Stack(self.config)

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.config.https_port}"

    def __enter__(self):
        for folder in ("log", "media", "private"):
            shutil.rmtree(self.root / folder, ignore_errors=True)
        self.stack.start_database()
        self.copy_data()
        say(f"starting the deployed stack on {self.base_url}")
        try:
            self.stack.start(timeout=180)
        except BaseException:
            self.stack.stop()
            raise
        self.wait_for_tasks()
        return self

    def __exit__(self, *exc):
        say("stopping the deployed stack")
        self.stack.stop()

    def copy_data(self) -> None:
        from smartregion.site import devdb

        stamp = self.root / "bench-data"
        fingerprint = data_fingerprint(self.bench_url)
        if stamp.exists() and stamp.read_text() == fingerprint:
            return
        say("copying the bench database into the stack's PostgreSQL (pg_dump | pg_restore)")
        bindir = devdb.find_bindir()
        url = self.stack.database_url
        admin = re.sub(r"/[^/?]+$", "/postgres", url)
        name = url.rsplit("/", 1)[1]
        dump = WORK / "bench.dump"
        subprocess.run(
            [bindir / "pg_dump", "-Fc", "--no-owner", "-f", dump, self.bench_url], check=True
        )
        for statement in (
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}"',
        ):
            subprocess.run([bindir / "psql", "-q", "-d", admin, "-c", statement], check=True)
        subprocess.run(
            [bindir / "pg_restore", "--no-owner", "--no-privileges", "-d", url, dump], check=True
        )
        subprocess.run([bindir / "psql", "-q", "-d", url, "-c", "VACUUM ANALYZE"], check=True)
        dump.unlink()
        stamp.write_text(fingerprint)

    def wait_for_tasks(self, timeout: float = 180) -> None:
        """The housekeeping the stack runs at start (its periodic tasks) changes content; the
        measurement starts once the task queue is empty."""
        import psycopg
        from django_tasks_db.models import DBTaskResult

        table = DBTaskResult._meta.db_table
        deadline = time.monotonic() + timeout
        time.sleep(3)  # the housekeeping command enqueues within a few seconds of the start
        with psycopg.connect(self.stack.database_url, autocommit=True) as conn:
            while time.monotonic() < deadline:
                waiting = conn.execute(
                    f"SELECT count(*) FROM {table} WHERE status = 'RUNNING' OR "
                    "(status = 'READY' AND run_after <= now())"
                ).fetchone()[0]
                if not waiting:
                    return
                time.sleep(1)
        say("the stack's task queue did not empty; measuring anyway")

    def worker_boots(self) -> int:
        """How many gunicorn workers the stack's gunicorn has started so far."""
        try:
            log = (self.root / "log" / "gunicorn.log").read_text(errors="replace")
        except OSError:
            return 0
        return log.count("Booting worker")

    def warm(self, paths: list[str]) -> list[str]:
        """Every page a few times (both gunicorn workers, nginx); returns what did not answer 200."""
        failed = []
        context = self.stack.ssl_context()
        for path in paths:
            for _ in range(4):
                conn = http.client.HTTPSConnection(
                    "127.0.0.1", self.config.https_port, context=context, timeout=30
                )
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                conn.close()
            if response.status != 200:
                failed.append(f"{path}: {response.status}")
        return failed


def data_fingerprint(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM blog_post), (SELECT count(*) FROM events_event), "
            "(SELECT count(*) FROM events_registration), (SELECT count(*) FROM members_organisation), "
            "(SELECT count(*) FROM newsletter_campaign), (SELECT max(id) FROM django_migrations), "
            "(SELECT max(version) FROM smartregion_contentversion)"
        ).fetchone()
    return " ".join(map(str, row))


def part_nginx(args, env: dict, deployed: BenchStack, pages: list[dict]) -> dict | None:
    print("\n## Part 3: every reading page through nginx (the deployed stack)\n", flush=True)
    failed = deployed.warm([p["path"] for p in pages])
    for failure in failed:
        print(f"- through nginx: {failure}")
    checks = []
    for page in pages:
        checks += ["--check", f"{page['path']}>={NGINX_SHARE:g}%"]
    # perfkit checks each page's status with Python's HTTPS client: it trusts the stack's
    # self-signed certificate through SSL_CERT_FILE (wrk does not check certificates).
    perfkit_env = dict(env, SSL_CERT_FILE=str(deployed.config.cert_file))
    extra = [*checks, "--no-queries", "--base-url", deployed.base_url]
    return run_perfkit(args, perfkit_env, [p["path"] for p in pages], extra=extra, name="nginx")


# --- part drill ---------------------------------------------------------------------------------


class Load:
    """Client threads, each with its own keep-alive HTTPS connection to nginx, going round the
    targets; every answer is recorded as (seconds since start, target, status or "error")."""

    def __init__(self, deployed: BenchStack, targets: dict[str, callable], threads: int):
        self.port = deployed.config.https_port
        self.context = deployed.stack.ssl_context()
        self.targets = targets
        self.records: list[tuple[float, str, object]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(threads)
        ]
        self.started = 0.0

    def _connect(self):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=10)

    def _client(self, number: int) -> None:
        names = list(self.targets)
        conn = self._connect()
        turn = number
        while not self.stopping.is_set():
            name = names[turn % len(names)]
            turn += 1
            path, headers = self.targets[name](turn)
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                outcome = response.status
                if response.will_close:
                    conn.close()
                    conn = self._connect()
            except (OSError, http.client.HTTPException):
                outcome = "error"
                conn.close()
                conn = self._connect()
            with self.lock:
                self.records.append((time.monotonic() - self.started, name, outcome))
        conn.close()

    def __enter__(self):
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)


def part_drill(args, deployed: BenchStack, pages: list[dict]) -> dict:
    print("\n## Part 4: PostgreSQL restarted under load, through nginx\n", flush=True)

    cached = [p for p in pages if not p["path"].endswith(".ics")][:10]
    cached += [p for p in pages if p["path"].endswith(".ics")][:1]
    # The session cookie's name with DEBUG off (settings.py): such a visitor gets a fresh page.
    session = "__Secure-sessionid=drill-not-a-session"
    targets = {p["path"]: (lambda turn, path=p["path"]: (path, {})) for p in cached}
    uncached = {
        "/suche/?q=… (never asked before)": lambda turn: (
            f"/suche/?q=Digitalisierung+Runde{time.monotonic_ns()}",
            {},
        ),
        "/blog/ with a session cookie": lambda turn: ("/blog/", {"Cookie": session}),
    }
    targets.update(uncached)
    deployed.warm([p["path"] for p in cached])
    boots_before = deployed.worker_boots()
    seconds = args.drill_seconds
    lead = seconds / 4
    with Load(deployed, targets, args.drill_threads) as load:
        time.sleep(lead)
        down_at = time.monotonic() - load.started
        deployed.stack.stop_database()
        stopped_at = time.monotonic() - load.started
        time.sleep(5)
        deployed.stack.start_database()
        up_at = time.monotonic() - load.started
        time.sleep(max(0.0, seconds - up_at))
    records = load.records
    # A worker that gunicorn starts (max_requests, or a crash) begins with no page in memory.
    boots = deployed.worker_boots() - boots_before
    say(
        f"PostgreSQL stopped at {down_at:.1f} s (down at {stopped_at:.1f} s), "
        f"started again at {up_at:.1f} s of {seconds} s"
    )
    window = (down_at, up_at + 1.0)
    rows = []
    for name in targets:
        mine = [r for r in records if r[1] == name]
        outcomes = Counter(r[2] for r in mine)
        in_window = [r for r in mine if window[0] <= r[0] <= window[1]]
        failed = [r for r in mine if not _ok(r[2])]
        rows.append(
            {
                "page": name,
                "cached": name not in uncached,
                "requests": len(mine),
                "ok": sum(n for status, n in outcomes.items() if _ok(status)),
                "non_2xx": {
                    str(status): n
                    for status, n in sorted(outcomes.items(), key=str)
                    if status != "error" and not _ok(status)
                },
                "errors": outcomes.get("error", 0),
                "window_requests": len(in_window),
                "window_failed": sum(1 for r in in_window if not _ok(r[2])),
                "first_failure": min((r[0] for r in failed), default=None),
                "last_failure": max((r[0] for r in failed), default=None),
            }
        )
    result = {
        "seconds": seconds,
        "threads": args.drill_threads,
        "down_at": down_at,
        "stopped_at": stopped_at,
        "up_at": up_at,
        "worker_boots": boots,
        "rows": rows,
    }
    (WORK / "results").mkdir(parents=True, exist_ok=True)
    (WORK / "results" / "drill.json").write_text(json.dumps(result, indent=1))
    print_drill(result)
    return result


def _ok(status) -> bool:
    return isinstance(status, int) and 200 <= status < 400


def print_drill(result: dict) -> None:
    from bench.support.report import markdown_table

    print(
        f"{result['threads']} client threads for {result['seconds']} s through nginx (HTTPS, "
        f"keep-alive); PostgreSQL stopped at {result['down_at']:.1f} s and started again at "
        f'{result["up_at"]:.1f} s; "outage" = {result["down_at"]:.1f}–{result["up_at"] + 1:.1f} s; '
        f"gunicorn workers started during the drill: {result['worker_boots']} (a new worker "
        "holds no page yet).\n"
    )
    table = [
        ["page", "kind", "requests", "2xx/3xx", "non-2xx", "socket errors", "in the outage",
         "failed in the outage", "failures from–to (s)"],
    ]  # fmt: skip
    for row in result["rows"]:
        non = ", ".join(f"{n}×{status}" for status, n in row["non_2xx"].items()) or "0"
        span = (
            f"{row['first_failure']:.1f}–{row['last_failure']:.1f}"
            if row["first_failure"] is not None
            else "–"
        )
        table.append(
            [
                row["page"],
                "cached" if row["cached"] else "needs the database",
                f"{row['requests']:,}",
                f"{row['ok']:,}",
                non,
                str(row["errors"]),
                f"{row['window_requests']:,}",
                f"{row['window_failed']:,}",
                span,
            ]
        )
    print(markdown_table(table, text_columns=2))
    cached_failures = sum(r["requests"] - r["ok"] for r in result["rows"] if r["cached"])
    print(
        f"\nGoal: 0 errors on cached pages: {'PASS' if not cached_failures else 'FAIL'} "
        f"({cached_failures} failed answers on cached pages).\n"
    )


# --- summary ------------------------------------------------------------------------------------


def summary(pages: list[dict], app, not_modified, nginx, drill) -> None:
    from bench.support.report import markdown_table

    print("\n## Summary: every reading page, share of floor hello (median of the reps)\n")
    app_rows, nm_rows, nginx_rows = by_path(app), by_path(not_modified), by_path(nginx)
    header = ["page", "path"]
    if app:
        header += ["direct", "queries warm/first", "writes"]
    if not_modified:
        header += ["304"]
    if nginx:
        header += ["nginx"]
    header += ["cookie", "goals"]
    table = [header]
    misses = []
    for page in pages:
        path = page["path"]
        row = [page["label"], path]
        goals = []

        def share(report_row, goal, expected_status=200):
            value = report_row.get("share_hello") if report_row else None
            ok = (
                value is not None
                and value >= goal
                and report_row.get("status") == expected_status
                and not report_row.get("non2xx")
                and not report_row.get("errors")
            )
            text = "–" if value is None else f"{value:.1f} %"
            if report_row and report_row.get("status") != expected_status:
                text += f" [{report_row.get('status')}]"
            return text, ok

        if app:
            goal = SEARCH_SHARE if is_search(page) else READING_SHARE
            text, ok = share(app_rows.get(path), goal)
            limit = MAX_LIST_QUERIES if page["list"] else MAX_QUERIES
            queries_ok = page.get("cold_queries", 0) <= limit and not page.get("writes")
            row += [text, f"{page.get('warm_queries', '?')}/{page.get('cold_queries', '?')}",
                    str(page.get("writes", "?"))]  # fmt: skip
            goals.append(ok and queries_ok)
            if not ok:
                misses.append(f"{path}: {text} of floor hello directly (goal {goal:g} %)")
            if not queries_ok:
                misses.append(
                    f"{path}: {page.get('cold_queries')} queries to render "
                    f"(goal ≤ {limit}), {page.get('writes')} writes"
                )
        if not_modified:
            text, ok = share(nm_rows.get(path), NOT_MODIFIED_SHARE, 304)
            row.append(text)
            goals.append(ok)
            if not ok:
                misses.append(
                    f"{path}: 304 at {text} of floor hello (goal {NOT_MODIFIED_SHARE:g} %)"
                )
        if nginx:
            text, ok = share(nginx_rows.get(path), NGINX_SHARE)
            row.append(text)
            goals.append(ok)
            if not ok:
                misses.append(
                    f"{path}: {text} of floor hello through nginx (goal {NGINX_SHARE:g} %)"
                )
        cookie = ", ".join(page.get("cookies") or []) or "none"
        if page.get("cookies"):
            misses.append(f"{path}: sets the cookie(s) {cookie}")
        row += [cookie, "met" if all(goals) and not page.get("cookies") else "MISSED"]
        table.append(row)
    print(markdown_table(table, text_columns=2))
    floors = []
    for name, report in (("direct", app), ("304", not_modified), ("nginx", nginx)):
        hello = floor_figure(report, "floor hello")
        if hello:
            floors.append(f"{name} run: floor hello {hello['rps_median']:,.0f} req/s")
    if floors:
        print("\n" + "; ".join(floors) + ".")
    if pages and "cold_queries" in pages[0]:
        print(
            "queries warm/first: SQL queries of a warm request / of the first rendering after "
            "a change of the page's content (the page not kept; Themenfelder and Kommunen held, "
            "which add two queries once per worker when they change) (this process, test "
            "client); goal ≤ "
            f"{MAX_LIST_QUERIES} on lists, ≤ {MAX_QUERIES} elsewhere, no write on a GET."
        )
    if drill:
        cached_failures = sum(r["requests"] - r["ok"] for r in drill["rows"] if r["cached"])
        print(
            f"Drill: {cached_failures} failed answers on cached pages while PostgreSQL restarted "
            "(goal 0)."
        )
        if cached_failures:
            misses.append(f"drill: {cached_failures} failed answers on cached pages")
    print("\nGoals missed:" if misses else "\nEvery goal measured here was met.")
    for miss in misses:
        print(f"- {miss}")


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        from bench.support.database import reexec_with_devdb

        return reexec_with_devdb(Path(__file__).resolve(), BENCH_DB)
    if not PERFKIT.exists():
        print(f"bench/pages.py: perfkit not found at {PERFKIT} (set PERFKIT_MEASURE)")
        return 1
    if not shutil.which("wrk"):
        print("bench/pages.py skipped: wrk is needed (Debian: apt-get install wrk)")
        return 0

    # smartregion.site.devdb ignores SIGINT while it waits and its children inherit that: take
    # Ctrl-C back so that it stops the run cleanly. SIGTERM does the same.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)

    from bench.support.database import use_bench_database

    WORK.mkdir(parents=True, exist_ok=True)
    bench_url = use_bench_database(os.environ["DATABASE_URL"], BENCH_DB)
    env = server_environment(bench_url)
    # This process runs with the server's settings (its ETags must be the server's), but the
    # deployed stack inherits the environment of whoever starts it: keep the caller's for that.
    caller_env = dict(os.environ)
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings

    settings.INSTALLED_APPS  # noqa: B018 (read now, from the bench environment)
    os.environ.clear()
    os.environ.update(caller_env)

    prepare_database()
    pages = choose_pages()
    inspect_pages(pages)
    print(
        f"{len(pages)} reading pages; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}; other work on this machine shows in the figures."
    )

    app = nginx = drill = None
    not_modified = None
    if "app" in args.parts:
        app = part_app(args, env, pages)
    if "304" in args.parts:
        not_modified = part_304(args, env, pages)
    if {"nginx", "drill"} & set(args.parts):
        from smartregion.site.prodstack import StackError, find_nginx

        try:
            find_nginx()
        except StackError as error:
            print(f"Parts nginx and drill skipped: {error}")
        else:
            with BenchStack(bench_url) as deployed:
                if "nginx" in args.parts:
                    nginx = part_nginx(args, env, deployed, pages)
                if "drill" in args.parts:
                    drill = part_drill(args, deployed, pages)
    summary(pages, app, not_modified, nginx, drill)
    return 0


if __name__ == "__main__":
    from bench.support.script import run

    run(main)
