"""Benchmark of /suche/ with 10,000 and 100,000 realistic German posts (1,000,000 with --million).

    make bench                        # all benchmarks, through the project's database wrapper
    .venv/bin/python bench/search.py  # this one; starts the project-local PostgreSQL if needed

It works in a database of its own for each size (``smartregion_bench_search_100000`` … on the
same server as DATABASE_URL, or on the project-local cluster), never in the development
database. For each size it

1. adds generated posts until there are that many (``support.corpus``, deterministic, so a
   database filled before is reused, and a million posts are written once, not after each run
   of the smaller sizes; a larger one is trimmed and compacted with VACUUM FULL), runs VACUUM
   ANALYZE on the index
   (as autovacuum would after a bulk load; the search asks the planner for its estimates) and
   rebuilds the vocabulary for „Meinten Sie“;
2. requests each of 20 realistic queries once to warm up, then ``--rounds`` times, interleaved,
   each time as its first asking (the kept result pages are dropped before each request);
3. prints p50 and p95 of the server time per query and whether it meets the target: p95 under
   50 ms up to 100,000 posts, under 150 ms at 1,000,000;
4. prints next to them the recall of the first page: how many of the best ten by the exhaustive
   ranking (``engine.exhaustive()``: the same relevance over every visible match, newer first on
   equal rank) the results page shows among its first ten, for the query it searched (the
   corrected one after a typo).

Server time is the time of ``django.test.Client.get()`` in this process with production-like
settings (DEBUG off, manifest static files): URL resolution, middleware, view, SQL, template
rendering; no network and no HTTP parsing (bench/blog.py measures those under gunicorn). It
exits 0 when targets fail (it is a measurement) and non-zero only when it could not measure.
"""

import argparse
import math
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/, where this file would shadow the "search" app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get("BENCH_SEARCH_DB_NAME", "smartregion_bench_search")
SIZES = [10_000, 100_000]
MILLION = 1_000_000
TARGET_MS = {10_000: 50, 100_000: 50, MILLION: 150}
SEED = 1
TOP = 10  # recall of the first ten results
RECALL_TARGET = 0.95

# What people type: common words, rare words, phrases, exclusion, OR, typos, umlaut spellings,
# and a search narrowed by facets. (label, query string)
QUERIES = [
    ("common word", "q=Digitalisierung"),
    ("common word", "q=Unternehmen"),
    ("very common word", "q=Region"),
    ("very common word", "q=Krise"),
    ("rare word", "q=Telemedizin"),
    ("very rare word", "q=Taubenzucht"),
    ("place", "q=Gelsenkirchen"),
    ("two words", "q=k%C3%BCnstliche+Intelligenz"),
    ("two words", "q=Ladeinfrastruktur+Bottrop"),
    ("phrase", "q=%22digitale+Verwaltung%22"),
    ("phrase", "q=%22kleine+Unternehmen%22"),
    ("phrase, 3 words", "q=%22Netzwerk+SMART+REGION%22"),
    ("hyphenated", "q=E-Rechnung"),
    ("exclusion", "q=Digitalisierung+-Region"),
    ("OR", "q=Telemedizin+OR+Pflege"),
    ("typo", "q=Digitalisirung"),
    ("typo", "q=Verwaltnug"),
    ("umlaut as ue", "q=Buergerportal"),
    ("umlaut as oe", "q=Foerderprogramm"),
    ("facets", "q=Digitalisierung&thema=egovernment&ort=gelsenkirchen"),
]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="timed requests per query")
    parser.add_argument(
        "--million", action="store_true", help="also 1,000,000 posts (filling takes long)"
    )
    parser.add_argument(
        "--sizes", help="comma-separated sizes instead of 10000,100000 (e.g. 100000)"
    )
    return parser.parse_args(argv)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(1, math.ceil(q * len(sorted_values))) - 1]


def recall_at(shown: list, reference: list) -> float | None:
    """The share of ``reference`` (the best by the exhaustive ranking) found in ``shown``; None
    when there is nothing to find."""
    if not reference:
        return None
    return len(set(shown) & set(reference)) / len(reference)


def first_page_recall(query_string: str) -> float | None:
    """Recall of the first ``TOP`` results the page shows for ``query_string``."""
    from django.test import RequestFactory

    from smartregion.search import engine
    from smartregion.search.query import Query, clean
    from smartregion.search.views import results_context

    request = RequestFactory().get("/suche/?" + query_string)
    context = results_context(request)
    shown = [(hit.kind, hit.object_id) for hit in context.get("hits", [])][:TOP]
    searched = Query(context.get("corrected") or clean(request.GET.get("q", "")))
    reference = engine.exhaustive(searched, limit=TOP, **context["filters"])
    return recall_at(shown, reference)


def use_database(base_url: str, size: int) -> str:
    """Switch this process to the database of ``size`` (created and migrated when new)."""
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connections

    from bench.support.database import use_bench_database

    name = f"{BENCH_DB}_{size}"
    use_bench_database(base_url, name)
    connections.close_all()
    connections["default"].settings_dict["NAME"] = name
    for cache in caches.all():  # cached pages of the last size's database
        cache.clear()
    call_command("migrate", interactive=False, verbosity=0)
    return name


def fill(size: int, database: str) -> None:
    from django.db import connection

    from bench.support.corpus import generate_posts, generated_count, trim_generated
    from smartregion.search.vocabulary import refresh

    trimmed = 0
    if generated_count() > size:
        trimmed = trim_generated(size)
        print(f"  removed {trimmed:,} posts of an earlier, larger run", flush=True)
    missing = size - generated_count()
    if missing > 0:
        started = time.monotonic()

        def progress(done: int) -> None:
            if done % 50_000 == 0 or done == missing:
                print(f"  {done:,} of {missing:,} posts written", flush=True)

        generate_posts(missing, seed=SEED, progress=progress)
        print(f"  filled in {time.monotonic() - started:.0f} s")
    with connection.cursor() as cursor:
        if trimmed:
            # Give back the space of the removed posts, so that the smaller size is measured
            # on tables of its size and not on a sparse copy of the larger one.
            cursor.execute("VACUUM FULL blog_post, blog_post_topics, search_document")
        # Autovacuum would do this after a bulk load a little later.
        cursor.execute("VACUUM ANALYZE search_document")
    words = refresh()
    print(f"Database {database}: {generated_count():,} generated posts, {words:,} words.")


def measure(rounds: int) -> dict[str, dict]:
    import re

    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    fragments = caches["fragments"]

    def forget(response) -> None:
        etag = response["ETag"].strip('"')
        fragments.delete(f"page:{etag}")

    info = {}
    for _, query in QUERIES:  # warm-up, and what each query finds
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/suche/?" + query)
        if response.status_code != 200:
            raise RuntimeError(f"/suche/?{query} answered {response.status_code}")
        html = response.content.decode()
        status = re.search(r'<p class="meta">([^<]*Treffer[^<]*)</p>', html)
        found = status.group(1).split(",")[0] if status else "keine Treffer"
        if "Stattdessen zeigen wir Ergebnisse" in html:
            found += " (korrigiert)"
        info[query] = {
            "found": found,
            "queries": len(queries),
            "times": [],
            "recall": first_page_recall(query),
        }
        forget(response)
    for _ in range(rounds):
        for _, query in QUERIES:
            # Each timed request is a first asking: the result page this worker kept of the
            # query's last asking (smartregion.core.fragments.reading_page, its key is the ETag)
            # is dropped; what a worker holds besides (the filters' taxonomy, the layout's
            # pieces) is not. bench/pages.py measures a query asked before.
            started = time.perf_counter()
            response = client.get("/suche/?" + query)
            info[query]["times"].append(time.perf_counter() - started)
            forget(response)
    return info


def report(size: int, info: dict[str, dict]) -> bool:
    target = TARGET_MS[size]
    header = [
        "query",
        "kind",
        "found",
        "SQL",
        f"recall@{TOP}",
        "p50 ms",
        "p95 ms",
        f"p95 < {target} ms",
    ]
    rows = []
    passed = True
    for label, query in QUERIES:
        times = sorted(info[query]["times"])
        p50, p95 = 1000 * percentile(times, 0.5), 1000 * percentile(times, 0.95)
        ok = p95 < target
        passed = passed and ok
        shown = query.replace("%22", '"').replace("+", " ").replace("%C3%BC", "ü")
        row = [shown[2:], label, info[query]["found"], str(info[query]["queries"])]
        recall = info[query]["recall"]
        row.append("–" if recall is None else f"{recall:.2f}")
        rows.append([*row, f"{p50:.1f}", f"{p95:.1f}", "PASS" if ok else "FAIL"])
    widths = [max(len(c) for c in column) for column in zip(header, *rows, strict=True)]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    print(f"\n{size:,} posts")
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    all_times = sorted(t for q in info.values() for t in q["times"])
    recalls = [q["recall"] for q in info.values() if q["recall"] is not None]
    mean_recall = sum(recalls) / len(recalls) if recalls else 1.0
    print(
        f"All {len(all_times)} requests: p50 {1000 * percentile(all_times, 0.5):.1f} ms, "
        f"p95 {1000 * percentile(all_times, 0.95):.1f} ms. "
        + ("All queries meet the target." if passed else "Some queries miss the target.")
    )
    print(
        f"Recall@{TOP} against the exhaustive ranking, over the {len(recalls)} queries that find "
        f"anything: {mean_recall:.2f} (target {RECALL_TARGET})."
    )
    return passed and mean_recall >= RECALL_TARGET


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        from bench.support.database import reexec_with_devdb

        return reexec_with_devdb(Path(__file__).resolve(), BENCH_DB)

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda signum, frame: (_ for _ in ()).throw(KeyboardInterrupt))

    from bench.support.server import bench_environment

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(SIZES)
    if args.million and MILLION not in sizes:
        sizes.append(MILLION)
    for size in sizes:
        TARGET_MS.setdefault(size, 50 if size <= 100_000 else 150)
    with tempfile.TemporaryDirectory(prefix="smartregion-bench-") as tmp:
        base_url = os.environ["DATABASE_URL"]
        os.environ.update(
            bench_environment(
                base_url,
                tmp,
                # Filling and ANALYZE of a million posts take longer than the site's 15 s.
                DATABASE_STATEMENT_TIMEOUT_MS="0",
            )
        )
        import django
        from django.core.management import call_command

        django.setup()
        call_command("collectstatic", interactive=False, verbosity=0)
        print(
            f"Server time in-process (django.test.Client), {args.rounds} timed requests per "
            f"query after one warm-up; {os.cpu_count()} CPUs."
        )
        results = []
        for size in sorted(sizes):
            fill(size, use_database(base_url, size))
            results.append(report(size, measure(args.rounds)))
        load = os.getloadavg()[0]
    print(
        f"\nLoad average (1 min) {load:.2f} on {os.cpu_count()} CPUs; other work on the machine "
        "shows in the p95. "
        + ("All sizes meet their targets." if all(results) else "Some targets were missed.")
    )
    return 0


if __name__ == "__main__":
    from bench.support.script import run

    run(main)
