"""Benchmark of nginx's micro-cache: reading pages through the deployed stack, against the floor.

    make bench                            # all benchmarks
    .venv/bin/python bench/microcache.py  # this one (needs Debian's nginx and wrk, and Redis)

It starts the stack of ``make prod`` (``smartregion.site.prodstack``: nginx with TLS and the site
file of deploy/nginx, gunicorn with 2 workers, its own PostgreSQL in var/bench-microcache/pg,
Redis db 15 or BENCH_REDIS_URL) with the bench URLconf (bench/support/urls.py), fills 1,000
published posts and measures with wrk (-t2 -c16, 5 s, interleaved repetitions):

* floor: the bare view of bench/blog.py ("ok" through the whole middleware stack), straight to
  gunicorn: the framework's floor;
* /blog/ and a post through nginx, anonymous: answered from the micro-cache;
* /blog/ through nginx past the micro-cache (a visitor with an ended session): the app's work;
* /newsletter/ through nginx (a form page, never stored).

The issue's target: through nginx, a reading page answers at 100 % of the floor or more. All
processes and wrk share this machine's 2 cores. It prints a table; without wrk it says so and
measures nothing; it exits non-zero when the stack could not be measured.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from smartregion.site.prodstack import Stack, StackConfig, StackError, free_port  # noqa: E402
from tests.deploy.support import PAST_THE_CACHE  # noqa: E402

STACK_ROOT = ROOT / "var" / "bench-microcache"
POSTS = 1_000
FLOOR_PATH = "/bench/floor/"  # bench/support/urls.py (importing it needs Django set up)
TARGET_FLOOR_SHARE = 1.0
# What nginx adds for a request straight to gunicorn (gunicorn trusts it from 127.0.0.1).
DIRECT = {"Host": "localhost", "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, seconds: int, headers: dict[str, str]) -> dict:
    """Requests per second, p50 and p99 latency (ms) and failed answers of one wrk run."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    failed = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        failed += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):  # fmt: skip
        failed += sum(int(n) for n in match.groups())
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "failed": failed,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("bench/microcache.py skipped: wrk is needed (Debian: apt-get install wrk)")
        return 0

    stack = Stack(
        StackConfig(
            root=STACK_ROOT,
            https_port=free_port(),
            http_port=free_port(),
            redis_url=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
            email_port=free_port(),  # no mail is sent
            housekeeping_interval=3600,
            log_to_files=True,
            env={
                "DJANGO_SETTINGS_MODULE": "bench.support.settings",
                "BENCH_STATIC_ROOT": str(STACK_ROOT / "static"),
                "LOG_LEVEL": "WARNING",
                # Workers are not recycled during the runs (max_requests 1000 in production
                # restarts both within seconds at these rates), as in bench/blog.py.
                "GUNICORN_MAX_REQUESTS": "0",
            },
        )
    )
    try:
        print("starting the stack ...", file=sys.stderr)
        stack.start(timeout=180)
        post = stack.manage(
            "shell",
            "-c",
            f"from bench.support.fill import fill_posts; fill_posts({POSTS})\n"
            "from django.db import connection\n"
            "connection.cursor().execute('VACUUM ANALYZE')\n"
            "from blog.models import Post\n"
            "print(Post.objects.published().order_by('-published_at').first().slug)\n",
        )
        slug = post.strip().splitlines()[-1]
        nginx = f"https://127.0.0.1:{stack.config.https_port}"
        targets = {
            "floor (gunicorn)": (f"http://127.0.0.1:{stack.app_port}{FLOOR_PATH}", DIRECT),
            "/blog/ from the cache": (f"{nginx}/blog/", {}),
            "a post from the cache": (f"{nginx}/blog/{slug}/", {}),
            "/blog/ past the cache": (f"{nginx}/blog/", PAST_THE_CACHE),
            "/newsletter/ (a form)": (f"{nginx}/newsletter/", {}),
        }
        for url, headers in targets.values():
            wrk(url, 2, headers)  # warm-up: workers, connections, the cache
        runs: dict[str, list[dict]] = {name: [] for name in targets}
        for _rep in range(args.reps):
            for name, (url, headers) in targets.items():
                runs[name].append(wrk(url, args.duration, headers))
    finally:
        stack.stop()

    def median(name: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[name])

    floor = median("floor (gunicorn)", "rps")
    print()
    print(f"Reading pages through nginx's micro-cache, {POSTS} posts, wrk -t2 -c16, 2 cores")
    header = (
        f"{'page':<24} {'req/s':>8} {'% of floor':>11} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7}"
    )
    print(header)
    print("-" * len(header))
    for name in targets:
        print(
            f"{name:<24} {median(name, 'rps'):>8.0f} {100 * median(name, 'rps') / floor:>10.0f}% "
            f"{median(name, 'p50'):>8.2f} {median(name, 'p99'):>8.2f} "
            f"{sum(run['failed'] for run in runs[name]):>7}"
        )
    print()
    for name in ("/blog/ from the cache", "a post from the cache"):
        share = median(name, "rps") / floor
        verdict = "PASS" if share >= TARGET_FLOOR_SHARE else "FAIL"
        print(f"{verdict}  {name}: >= {TARGET_FLOOR_SHARE:.0%} of the floor's req/s ({share:.0%})")
    print("(medians of the repetitions; wrk, nginx, gunicorn and PostgreSQL share the cores)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except StackError as error:
        print(f"bench/microcache.py: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        sys.exit(130)
