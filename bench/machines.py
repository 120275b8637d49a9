"""Benchmark of the portal on several machines: the two-instance stack of tests/machines/.

    make bench                          # all benchmarks
    .venv/bin/python bench/machines.py  # this one (needs Debian's nginx and wrk, and Redis)

It starts the stack as the several-machines test does (``smartregion.site.prodstack`` with two
gunicorn instances behind one nginx as load balancer, two task workers, its own PostgreSQL in
var/bench-machines/pg, Redis db 14 or BENCH_REDIS_URL, moto's S3 API server, an SMTP server on
127.0.0.1 that counts), fills 1,000 published posts, and measures:

* requests per second for /blog/ through the load balancer (HTTPS, wrk -t2 -c16), past its
  micro-cache (``PAST_THE_CACHE``: the instances answer every request), with one app instance
  (the other killed) and with two, in interleaved repetitions;
* mails per second for a campaign of 2,000 subscribers with one task worker and with two
  (CAMPAIGN_SEND_CHAINS=2), from scheduling until the SMTP server has every mail.

This machine has 2 cores shared by nginx, both instances, PostgreSQL, Redis, the S3 server and
the load generator: a second instance adds processes, not cores, so the figures show the
overhead of the topology, not how it scales. On separate machines each instance brings its own
cores. It prints a table; without wrk it says so and measures nothing; it exits non-zero when
the stack could not be measured.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from smartregion.site.prodstack import Stack, StackError, free_port  # noqa: E402
from tests.deploy.support import PAST_THE_CACHE, schedule_campaign, several_machines  # noqa: E402
from tests.s3 import S3Server  # noqa: E402

STACK_ROOT = ROOT / "var" / "bench-machines"
POSTS = 1_000
SUBSCRIBERS = 2_000


class CountingSmtp:
    """aiosmtpd on 127.0.0.1 that counts recipients by domain."""

    def __init__(self):
        self.port = free_port()
        self.received: list[str] = []
        self.lock = threading.Lock()
        self.controller = None

    def __enter__(self):
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with sink.lock:
                    sink.received.extend(envelope.rcpt_tos)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def count(self, suffix: str) -> int:
        with self.lock:
            return sum(1 for rcpt in self.received if rcpt.endswith(suffix))


def wrk(url: str, seconds: int) -> tuple[float, int]:
    """Requests per second and non-2xx/3xx answers (plus socket errors) of one wrk run, past
    nginx's micro-cache."""
    (header,) = (f"{name}: {value}" for name, value in PAST_THE_CACHE.items())
    result = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s", "-H", header, url],
        capture_output=True,
        text=True,
        check=True,
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", result.stdout):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", result.stdout
    ):
        errors += sum(int(n) for n in match.groups())
    return rate, errors


def wait_healthy(stack: Stack, name: str, timeout: float = 60) -> None:
    """Until the instance ``name`` answers on its pinned port."""
    import ssl
    import urllib.request

    context = ssl.create_default_context(cafile=str(stack.config.cert_file))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"https://127.0.0.1:{stack.pinned_ports[name]}/healthz", context=context, timeout=5
            ) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise StackError(f"{name} did not come back within {timeout} s")


def campaign(stack: Stack, smtp: CountingSmtp, label: str) -> float:
    """A campaign to SUBSCRIBERS new subscribers (the earlier ones unsubscribed): seconds from
    scheduling (which includes creating the subscribers, about a second) until every mail
    arrived, exactly once."""
    domain = f"{label}-{uuid.uuid4().hex[:6]}.bench.example.org"
    suffix = f"@{domain}"
    started = time.monotonic()
    schedule_campaign(stack, recipients=SUBSCRIBERS, domain=domain)
    deadline = started + 600
    while smtp.count(suffix) < SUBSCRIBERS:
        if time.monotonic() > deadline:
            raise StackError(f"campaign {label}: {smtp.count(suffix)} of {SUBSCRIBERS} after 600 s")
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    time.sleep(1)
    if smtp.count(suffix) != SUBSCRIBERS:
        raise StackError(f"campaign {label}: {smtp.count(suffix)} mails for {SUBSCRIBERS} readers")
    return elapsed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        # Not measurable here; the other benchmarks of `make bench` still run.
        print("bench/machines.py skipped: wrk is needed (Debian: apt-get install wrk)")
        return 0

    shutil.rmtree(STACK_ROOT / "machines", ignore_errors=True)
    with S3Server() as s3, CountingSmtp() as smtp:
        suffix = uuid.uuid4().hex[:8]
        media, private = f"media-{suffix}", f"private-{suffix}"
        s3.create_buckets(media, private)
        stack = Stack(
            several_machines(
                STACK_ROOT,
                s3=s3,
                media=media,
                private=private,
                smtp_port=smtp.port,
                redis_url=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
                housekeeping_interval=3600,
                env={"LOG_LEVEL": "WARNING"},
            )
        )
        try:
            print("starting the two-instance stack ...", file=sys.stderr)
            stack.start(timeout=180)
            stack.manage(
                "shell",
                "-c",
                f"from bench.support.fill import fill_posts; fill_posts({POSTS})\n"
                "from django.db import connection\n"
                "connection.cursor().execute('VACUUM ANALYZE')\n",
            )
            url = f"https://127.0.0.1:{stack.config.https_port}/blog/"
            wrk(url, 3)  # warm-up of both instances
            rates: dict[str, list[float]] = {"one": [], "two": []}
            errors = 0
            for _rep in range(args.reps):
                stack.kill("web-b")
                time.sleep(1)
                rate, failed = wrk(url, args.duration)
                rates["one"].append(rate)
                errors += failed
                stack.revive("web-b")
                wait_healthy(stack, "web-b")
                wrk(url, 2)  # web-b's workers warm
                rate, failed = wrk(url, args.duration)
                rates["two"].append(rate)
                errors += failed

            stack.kill("worker-2")
            one_worker = campaign(stack, smtp, "one")
            stack.revive("worker-2")
            time.sleep(2)
            two_workers = campaign(stack, smtp, "two")
        finally:
            stack.stop()

    print()
    print(f"Several machines on one 2-core machine: /blog/ through nginx, {POSTS} posts")
    print(f"{'setup':<28} {'req/s (median)':>15} {'reps':>28}")
    for key, label in (("one", "1 app instance"), ("two", "2 app instances")):
        values = rates[key]
        reps = ", ".join(f"{v:.0f}" for v in values)
        print(f"{label:<28} {statistics.median(values):>15.0f} {reps:>28}")
    print(f"failed requests during the runs: {errors}")
    print()
    print(f"Campaign to {SUBSCRIBERS} subscribers (CAMPAIGN_SEND_CHAINS=2), exactly once each")
    print(f"{'setup':<28} {'seconds':>15} {'mails/s':>10}")
    for label, seconds in (("1 task worker", one_worker), ("2 task workers", two_workers)):
        print(f"{label:<28} {seconds:>15.1f} {SUBSCRIBERS / seconds:>10.0f}")
    print()
    print(
        "Note: every process shares the same 2 cores, so a second instance or worker shows the\n"
        "topology's overhead here, not its scaling; on separate machines each brings its cores."
    )
    return 0


if __name__ == "__main__":
    from bench.support.script import run

    run(main, StackError)
