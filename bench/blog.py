"""Benchmark of the blog's public pages under gunicorn, against the framework's floor.

    make bench                      # all benchmarks, through the project's database wrapper
    .venv/bin/python bench/blog.py  # this one; starts the project-local PostgreSQL if needed

It works in its own database (``smartregion_bench`` on the same server as DATABASE_URL, or on the
project-local cluster), never in the development database. It migrates that database, fills it
with 10,000 published posts (once), then serves the project with gunicorn and production-like
settings (DEBUG off, manifest static files) and measures, in interleaved timed bursts:

* floor:    a bare view returning "ok" through the whole middleware stack,
* list:     /blog/,
* filtered: /blog/ filtered by Themenfeld and Kommune,
* detail:   one post's page.

It prints requests per second, p50/p95/p99 latency, each page's share of the floor's requests
per second and its number of SQL queries, and which targets pass. It exits 0 when targets fail
(it is a measurement) and non-zero only when it could not measure.
"""

import argparse
import math
import os
import signal
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/, where this file would shadow the "blog" app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get("BENCH_DB_NAME", "smartregion_bench")
POSTS = 10_000
FLOOR = "floor"

# Targets from the issue.
MIN_FLOOR_SHARE = 0.10
MAX_LIST_QUERIES = 5
MAX_QUERIES = 10
MAX_P99_OVER_P50 = 2.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="measured rounds (default 10)")
    parser.add_argument(
        "--seconds", type=float, default=1.5, help="burst length per page and round (default 1.5)"
    )
    parser.add_argument("--concurrency", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    return parser.parse_args(argv)


# --- database ---------------------------------------------------------------------------------


def reexec_with_devdb() -> int:
    """No DATABASE_URL: run again through smartregion.site.devdb with the bench database."""
    import subprocess

    env = dict(os.environ, DEVDB_NAME=BENCH_DB)
    env.pop("DATABASE_URL", None)
    cmd = [sys.executable, "-m", "smartregion.site.devdb", "exec", "--"]
    cmd += [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]]
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # the child handles Ctrl-C
    try:
        return subprocess.call(cmd, cwd=ROOT, env=env)
    finally:
        signal.signal(signal.SIGINT, previous)


def use_bench_database(url: str) -> str:
    """The URL of the bench database on the same server as ``url``; created when missing."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.path.lstrip("/") == BENCH_DB:
        return url
    bench_url = urlunsplit(parts._replace(path="/" + BENCH_DB))
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))
    return bench_url


def prepare_database() -> None:
    from django.core.management import call_command

    from bench.support.fill import fill_posts, published_count

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    created = fill_posts(POSTS)
    note = f"created {created}" if created else "already there"
    print(f"Database {BENCH_DB}: {published_count()} published posts ({note}).")


# --- pages ------------------------------------------------------------------------------------


def choose_pages() -> dict[str, str]:
    from django.urls import reverse

    from bench.support.urls import FLOOR_PATH
    from blog.models import Post

    published = Post.objects.published().order_by("-published_at", "-pk")
    # A post some way down the list, with topics (so it has related posts).
    slug = published.filter(topics__isnull=False).values_list("slug", flat=True).distinct()[100]
    return {
        FLOOR: FLOOR_PATH,
        "list": reverse("blog:list"),
        "filtered": reverse("blog:list") + "?thema=smart-economy&ort=gelsenkirchen",
        "detail": reverse("blog:detail", kwargs={"slug": slug}),
    }


def count_queries(pages: dict[str, str]) -> dict[str, int]:
    """SQL queries per page, from a warm request through the test client in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, path in pages.items():
        client.get(path)  # warm: connection, template loading, caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        counts[name] = len(queries)
    connection.close()
    return counts


def filtered_matches(path: str) -> int:
    from django.test import RequestFactory

    from blog.models import Post

    query = RequestFactory().get(path).GET
    posts = Post.objects.published()
    if query.get("thema"):
        posts = posts.filter(topics__slug=query["thema"])
    if query.get("ort"):
        posts = posts.filter(municipality__slug=query["ort"])
    return posts.count()


# --- measurement ------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def measure(generator, pages: dict[str, str], rounds: int, seconds: float) -> dict[str, dict]:
    from bench.support.loadgen import Burst

    names = list(pages)
    for name in names:  # warm-up round, not counted
        generator.burst(pages[name], min(seconds, 0.5))
    totals = {name: Burst() for name in names}
    for round_no in range(rounds):
        # Rotate the order so that no page always follows the same one.
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            burst = generator.burst(pages[name], seconds)
            totals[name].latencies += burst.latencies
            totals[name].errors += burst.errors
            totals[name].elapsed += burst.elapsed
    results = {}
    for name, total in totals.items():
        latencies = sorted(total.latencies)
        results[name] = {
            "requests": len(latencies),
            "errors": total.errors,
            "rps": len(latencies) / total.elapsed if total.elapsed else 0.0,
            "p50": percentile(latencies, 0.50),
            "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99),
        }
    return results


# --- report -----------------------------------------------------------------------------------


def report(pages: dict[str, str], results: dict[str, dict], queries: dict[str, int]) -> None:
    floor_rps = results[FLOOR]["rps"]
    header = ["page", "req/s", "% of floor", "p50 ms", "p95 ms", "p99 ms", "p99/p50", "queries"]
    rows = []
    for name, path in pages.items():
        r = results[name]
        rows.append(
            [
                f"{name} {path}",
                f"{r['rps']:.0f}",
                f"{100 * r['rps'] / floor_rps:.1f} %",
                f"{1000 * r['p50']:.1f}",
                f"{1000 * r['p95']:.1f}",
                f"{1000 * r['p99']:.1f}",
                f"{r['p99'] / r['p50']:.2f}",
                str(queries[name]),
            ]
        )
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells):
        return (
            "| "
            + " | ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    print()
    print(line(header))
    print("|" + "|".join(("-" * (w + 1)) + (":" if i else "-") for i, w in enumerate(widths)) + "|")
    for row in rows:
        print(line(row))
    errors = {name: r["errors"] for name, r in results.items() if r["errors"]}
    if errors:
        print(f"\nFailed requests (not in the latencies): {errors}")

    checks = []
    for name in pages:
        if name == FLOOR:
            continue
        r = results[name]
        share = r["rps"] / floor_rps
        checks.append(
            (
                f"{name}: ≥ {MIN_FLOOR_SHARE:.0%} of floor req/s",
                share >= MIN_FLOOR_SHARE,
                f"{share:.1%}",
            )
        )
        limit = MAX_LIST_QUERIES if name in {"list", "filtered"} else MAX_QUERIES
        checks.append((f"{name}: ≤ {limit} queries", queries[name] <= limit, str(queries[name])))
        ratio = r["p99"] / r["p50"]
        checks.append(
            (f"{name}: p99 ≤ {MAX_P99_OVER_P50:g} × p50", ratio <= MAX_P99_OVER_P50, f"{ratio:.2f}")
        )
    print("\nTargets:")
    for label, ok, value in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label} ({value})")
    failed = sum(not ok for _, ok, _ in checks)
    print(
        f"\n{len(checks) - failed} of {len(checks)} targets met"
        + (f", {failed} FAILED." if failed else ".")
    )


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        return reexec_with_devdb()

    # smartregion.site.devdb ignores SIGINT while it waits and its children inherit that: take
    # Ctrl-C back so that it stops the run (and gunicorn) cleanly. SIGTERM does the same.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)

    from bench.support.server import bench_environment

    with tempfile.TemporaryDirectory(prefix="smartregion-bench-") as tmp:
        env = bench_environment(use_bench_database(os.environ["DATABASE_URL"]), tmp + "/static")
        os.environ.update(env)

        import django

        django.setup()
        prepare_database()
        pages = choose_pages()
        print(f"Filtered list {pages['filtered']}: {filtered_matches(pages['filtered'])} posts.")
        queries = count_queries(pages)

        from bench.support.loadgen import LoadGenerator
        from bench.support.server import Gunicorn

        print(
            f"gunicorn: {args.workers} sync workers; {args.concurrency} client processes; "
            f"{os.cpu_count()} CPUs; {args.rounds} rounds × {args.seconds:g} s per page."
        )
        with Gunicorn(
            cwd=ROOT, env=env, log_path=Path(tmp) / "gunicorn.log", workers=args.workers
        ) as server:
            server.start(ready_path=pages[FLOOR])
            load_before = os.getloadavg()[0]
            with LoadGenerator("127.0.0.1", server.port, args.concurrency) as generator:
                results = measure(generator, pages, args.rounds, args.seconds)
            load_after = os.getloadavg()[0]
            log = server.log_tail()
        if log.strip():
            print(f"\ngunicorn log (tail):\n{log}")
    report(pages, results, queries)
    print(
        f"Load average (1 min) {load_before:.2f} before, {load_after:.2f} after the run on "
        f"{os.cpu_count()} CPUs (the load generator's own share included); other work on the "
        "machine shows in the tail latencies."
    )
    return 0


if __name__ == "__main__":
    from bench.support.script import run

    run(main)
