"""Benchmark: one newsletter to 10,000 confirmed subscribers through a real SMTP server, against
a bare smtplib loop that sends as many messages of the same size to the same server.

    make bench                            # all benchmarks, through the project's database wrapper
    .venv/bin/python bench/newsletter.py  # this one; starts the project-local PostgreSQL if needed
    .venv/bin/python bench/newsletter.py --subscribers 2000 --no-tracemalloc   # quick
    .venv/bin/python bench/newsletter.py --profile sender.prof   # cProfile of the sender

It works in its own database (``smartregion_bench_nl`` on the same server as DATABASE_URL, or on
the project-local cluster), never in the development database. It

1. starts an SMTP server on 127.0.0.1 (aiosmtpd, in its own process) that accepts and counts
   every message and its bytes and checks it carries the one-click unsubscribe header,
2. creates the subscribers (bulk_create, confirmed) and a campaign with a Markdown body and a
   "Neu im Blog" section,
3. enqueues the real task ``newsletter.tasks.send_campaign`` and runs the real worker over the
   chain of batch tasks in a separate sender process with production-like settings (DEBUG off,
   the SMTP mailer, the database task backend), so that the process's peak memory is that of
   sending only, and times it (from the enqueue until the worker has nothing left),
4. runs the bare loop in a process of its own, before and after the portal (other work on the
   machine varies; the faster of the two counts): as many messages as subscribers, of the size
   of the portal's (before: one real mail, assembled by the real code; after: the mean the
   server received from the portal), with ``smtplib.SMTP.sendmail`` and a new connection every
   200 messages, timed the same way (the messages are built before the clock starts): what the
   SMTP server and the machine allow, the yardstick for the portal,
5. sends a second campaign with ``tracemalloc`` on, for the peak of Python allocations, to the
   2,000 subscribers of one Themenfeld (tracemalloc slows Python down about threefold, so that
   pass is not the throughput; the sender's memory does not grow with the number of
   recipients, it works in batches of 200),

and prints both senders' mails per second, the portal's share of the bare loop's rate (the
target is at least 50 %), the sender's CPU time per mail, its peak RSS, its growth while
sending and the tracemalloc peak, and whether the server received exactly one message per
subscriber. It exits non-zero when the server did not receive exactly that (or the benchmark
could not run).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/, where this file would shadow the "newsletter" app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get("BENCH_NEWSLETTER_DB_NAME", "smartregion_bench_nl")
SUBSCRIBERS = 10_000
TRACED_SUBSCRIBERS = 2_000
TRACE_TOPIC = "smart-economy"
EMAIL_DOMAIN = "bench.example.org"
BODY = """\
Liebe Leserinnen und Leser,

im letzten Monat ist im Netzwerk viel passiert. Drei Betriebe aus Gelsenkirchen, Bottrop und
dem Kreis Recklinghausen erzählen im Blog, wie sie **digitale Werkzeuge** eingeführt haben.

## Aus dem Netzwerk

- Zwölf neue Mitglieder aus Handwerk, Handel und den Hochschulen
- Der nächste Netzwerkabend dreht sich um *digitale Verwaltung*
- [Alle Termine im Überblick](/veranstaltungen/)

Ihre Redaktion der SMART REGION Emscher-Lippe
"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=SUBSCRIBERS)
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the second pass with tracemalloc"
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="run the sender under cProfile and write its stats here"
    )
    parser.add_argument("--sender", type=int, help=argparse.SUPPRESS)  # internal: campaign id
    # internal: the bare smtplib loop, "<port> <messages> <bytes per message> <address prefix>"
    parser.add_argument("--bare", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- the SMTP server ----------------------------------------------------------------------------


class SmtpSink:
    """``with SmtpSink() as sink:`` an aiosmtpd server on 127.0.0.1:sink.port in its own process."""

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.support.smtp_sink"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        ready = self.process.stdout.readline().split()
        if not ready or ready[0] != "READY":
            self.__exit__(None, None, None)
            raise RuntimeError("the SMTP server did not start")
        self.port = int(ready[1])
        return self

    def stats(self) -> dict:
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- data -----------------------------------------------------------------------------------------


def prepare(count: int) -> None:
    """A fresh set of ``count`` confirmed subscribers (earlier bench runs' rows go)."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from bench.support.fill import fill_posts
    from newsletter.models import Campaign, ConsentText, Subscriber
    from smartregion.core.models import Topic

    call_command("migrate", interactive=False, verbosity=0)
    fill_posts(6)  # for the "Neu im Blog" section
    consent = ConsentText.objects.current()
    now = timezone.now()
    with transaction.atomic():
        Campaign.objects.all().delete()  # deliveries cascade
        Subscriber.objects.all().delete()
        for start in range(0, count, 2000):
            Subscriber.objects.bulk_create(
                [
                    Subscriber(
                        email=f"leser{n:05d}@{EMAIL_DOMAIN}",
                        name=f"Leserin {n}",
                        status=Subscriber.Status.CONFIRMED,
                        source=Subscriber.Source.IMPORT,
                        consent_text=consent,
                        signup_at=now,
                        confirmed_at=now,
                    )
                    for n in range(start, min(start + 2000, count))
                ]
            )
        # The first ones chose a Themenfeld: the tracemalloc pass goes to them only.
        topic = Topic.objects.get(slug=TRACE_TOPIC)
        traced = Subscriber.objects.order_by("email")[:TRACED_SUBSCRIBERS]
        Subscriber.topics.through.objects.bulk_create(
            [
                Subscriber.topics.through(subscriber_id=pk, topic_id=topic.pk)
                for pk in traced.values_list("pk", flat=True)
            ]
        )


def scheduled_campaign(subject: str, *, topic_slug: str | None = None) -> int:
    """A campaign in the state the admin's "Versenden" leaves it (the task is started here)."""
    from blog.models import Post
    from newsletter.models import Campaign
    from smartregion.core.models import Topic

    campaign = Campaign.objects.create(
        subject=subject,
        preheader="Ideen aus dem Blog, neue Mitglieder und der nächste Netzwerkabend",
        body=BODY,
        include_blog=True,
        include_events=False,
        topic=Topic.objects.get(slug=topic_slug) if topic_slug else None,
        status=Campaign.Status.SCHEDULED,
    )
    campaign.posts.set(Post.objects.published().order_by("-published_at")[:3])
    return campaign.pk


def delivered(campaign_id: int) -> dict:
    from django.db.models import Count

    from newsletter.models import Campaign, Delivery

    campaign = Campaign.objects.get(pk=campaign_id)
    per_status = dict(
        Delivery.objects.filter(campaign_id=campaign_id)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return {"status": campaign.status, **per_status}


# --- the sender process ---------------------------------------------------------------------------


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run_sender(campaign_id: int, trace: bool, profile: str | None) -> None:
    """In the sender process: run the real task once, print timing and memory as JSON."""
    import resource
    import time
    import tracemalloc

    import django

    django.setup()
    from django.db import connection

    from newsletter import tasks
    from smartregion.core.tasks import batch_worker

    connection.ensure_connection()
    rss_before = rss_kib()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    if trace:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    # The first batch task, then the real worker over the chain of batch tasks it enqueues.
    tasks.send_campaign.enqueue(campaign_id)
    batch_worker("bench-sender").run()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else None
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "rss_before_kib": rss_before,
                "rss_after_kib": rss_kib(),
                "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "tracemalloc_peak": traced_peak,
            }
        ),
        flush=True,
    )


def send(env: dict, campaign_id: int, *, trace: bool, profile: str | None = None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--sender", str(campaign_id)]
    if trace:
        cmd.append("--trace")
    if profile:
        cmd += ["--profile", str(Path(profile).resolve())]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"the sender failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the bare smtplib loop ------------------------------------------------------------------------

BARE_PER_CONNECTION = 200
BARE_FROM = f"bare@{EMAIL_DOMAIN}"


def bare_message(to: str, n: int, size: int) -> bytes:
    """A plain message of exactly ``size`` bytes (as the SMTP server counts them) to ``to``: the
    headers of a list mail and a body of 76-character ASCII lines."""
    head = (
        f"From: {BARE_FROM}\r\nTo: {to}\r\nSubject: Benchmark\r\n"
        f"Message-ID: <bare.{n}@{EMAIL_DOMAIN}>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"List-Unsubscribe: <https://smartregion.example/newsletter/abmelden/{n}/>\r\n"
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\n"
    ).encode()
    line = b"x" * 76 + b"\r\n"
    body_size = max(size - len(head), 2)
    body = (line * (body_size // len(line) + 1))[: body_size - 2] + b"\r\n"
    return head + body


def run_bare(port: int, count: int, size: int, prefix: str) -> None:
    """In its own process: ``count`` messages of ``size`` bytes to ``<prefix><n>@…`` with
    smtplib, a new connection every 200 messages; print the seconds as JSON."""
    import smtplib
    import time

    recipients = [f"{prefix}{n:05d}@{EMAIL_DOMAIN}" for n in range(count)]
    # Built before the clock starts: the yardstick is the SMTP dialogue alone.
    messages = [bare_message(to, n, size) for n, to in enumerate(recipients)]
    started, cpu_started = time.perf_counter(), time.process_time()
    for first in range(0, count, BARE_PER_CONNECTION):
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for n in range(first, min(first + BARE_PER_CONNECTION, count)):
                smtp.sendmail(BARE_FROM, [recipients[n]], messages[n])
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds}), flush=True)


def send_bare(sink: SmtpSink, count: int, size: int, prefix: str) -> dict:
    """Run the bare loop; its seconds, messages and mean bytes as the server received them."""
    before = sink.stats()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--bare"]
    cmd += [str(sink.port), str(count), str(size), prefix]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"the bare smtplib loop failed:\n{out.stdout}\n{out.stderr}")
    after = sink.stats()
    messages = after["messages"] - before["messages"]
    return {
        **json.loads(out.stdout.strip().splitlines()[-1]),
        "messages": messages,
        "size": (after["bytes"] - before["bytes"]) / max(messages, 1),
    }


def probe_size(campaign_id: int) -> int:
    """The bytes of the campaign's mail to its first recipient as the portal sends it over SMTP
    (the real CampaignSender, its SMTP connection replaced by one that only counts)."""
    from django.core.mail import mailers

    from newsletter import emails
    from newsletter.models import Campaign, Delivery, Subscriber

    class Counting:  # in place of smtplib.SMTP
        size = 0

        def sendmail(self, sender, recipients, data):
            self.size = len(data)

        def quit(self):
            pass

    campaign = Campaign.objects.get(pk=campaign_id)
    backend = mailers.default  # the SMTP backend, never opened
    backend.connection = counting = Counting()
    sender = emails.CampaignSender(emails.render_campaign(campaign), connection=backend)
    subscriber = Subscriber.objects.recipients_for(campaign).order_by("pk").first()
    next_delivery = (Delivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    sender.send(subscriber=subscriber, delivery_id=next_delivery, campaign_id=campaign.pk)
    sender.close()
    return counting.size


# --- report ---------------------------------------------------------------------------------------


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


# --- main -----------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.bare:
        port, count, size, prefix = args.bare
        run_bare(int(port), int(count), int(size), prefix)
        return 0
    if args.sender:
        run_sender(args.sender, args.trace, args.profile)
        return 0
    if not os.environ.get("DATABASE_URL"):
        from bench.support.database import reexec_with_devdb

        return reexec_with_devdb(Path(__file__).resolve(), BENCH_DB)
    signal.signal(signal.SIGINT, signal.default_int_handler)

    from bench.support.database import use_bench_database
    from bench.support.server import bench_environment

    database_url = use_bench_database(os.environ["DATABASE_URL"], BENCH_DB)
    with tempfile.TemporaryDirectory(prefix="smartregion-bench-nl-") as tmp, SmtpSink() as sink:
        env = bench_environment(
            database_url,
            tmp + "/static",
            SITE_URL="https://smartregion.example",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
        )
        os.environ.update(env)
        import django

        django.setup()
        prepare(args.subscribers)
        print(
            f"Database {BENCH_DB}: {args.subscribers} confirmed subscribers; SMTP server "
            f"(aiosmtpd) on 127.0.0.1:{sink.port}; {os.cpu_count()} CPUs."
        )
        from django.db import connection

        connection.close()  # the sender has the database to itself

        # The bare loop before and after the portal (the machine may be busy with other work
        # meanwhile), with messages of the size of the portal's: before, of one real mail,
        # after, the mean of what the server received from the portal.
        main_id = scheduled_campaign("Benchmark: Newsletter an alle")
        bare_before = send_bare(sink, args.subscribers, probe_size(main_id), "bare-before-")
        connection.close()

        before = sink.stats()
        result = send(env, main_id, trace=False, profile=args.profile)
        after = sink.stats()
        received = {key: after[key] - before[key] for key in ("messages", "one_click", "bytes")}
        distinct = after["distinct_recipients"] - before["distinct_recipients"]
        db = delivered(main_id)
        size = round(received["bytes"] / max(received["messages"], 1))
        bare_after = send_bare(sink, args.subscribers, size, "bare-after-")

        traced = None
        if not args.no_tracemalloc:
            trace_id = scheduled_campaign(
                "Benchmark: Newsletter mit tracemalloc", topic_slug=TRACE_TOPIC
            )
            connection.close()
            before_trace = sink.stats()["messages"]
            traced = send(env, trace_id, trace=True)
            traced["messages"] = sink.stats()["messages"] - before_trace

    n = args.subscribers
    rate = db.get("sent", 0) / result["seconds"]
    bare_rates = [bare["messages"] / bare["seconds"] for bare in (bare_before, bare_after)]
    bare_rate = max(bare_rates)  # the faster one: the share is not flattered by a busy moment
    exact = (
        received["messages"] == n
        and received["one_click"] == n
        and distinct == n
        and db == {"status": "sent", "sent": n}
    )
    from bench.support.report import markdown_table

    def row(name: str, messages: int, seconds: float, size: float, cpu_seconds: float) -> list:
        return [
            name,
            str(messages),
            f"{seconds:.1f}",
            f"{messages / seconds:.0f}",
            f"{size:.0f}",
            f"{cpu_seconds / max(messages, 1) * 1000:.2f}",
        ]

    print()
    print(
        markdown_table(
            [
                [
                    "sender, in this order",
                    "mails",
                    "seconds",
                    "mails/s",
                    "bytes per mail",
                    "CPU ms per mail",
                ],
                row("bare smtplib loop", **bare_before),
                row(
                    "portal (newsletter tasks)",
                    db.get("sent", 0),
                    result["seconds"],
                    received["bytes"] / max(received["messages"], 1),
                    result["cpu_seconds"],
                ),
                row("bare smtplib loop", **bare_after),
            ]
        )
    )
    print()
    print(
        markdown_table(
            [
                [
                    "subscribers",
                    "bare mails/s",
                    "portal mails/s",
                    "share",
                    "peak RSS",
                    "RSS growth",
                    "tracemalloc peak",
                    "one per subscriber",
                ],
                [
                    str(n),
                    f"{bare_rate:.0f}",
                    f"{rate:.0f}",
                    f"{rate / bare_rate:.0%}",
                    mib(result["maxrss_kib"]),
                    mib(result["rss_after_kib"] - result["rss_before_kib"]),
                    f"{traced['tracemalloc_peak'] / 2**20:.1f} MiB" if traced else "–",
                    "yes" if exact else "NO",
                ],
            ]
        )
    )
    print(
        f"\nBare loop: {BARE_PER_CONNECTION} messages per connection, in its own process; bare "
        f"mails/s is the faster of its two runs; share = portal ÷ bare (target at least 50 %)."
        f"\nCPU ms per mail: the sending process's CPU time (user and system), not the SMTP "
        f"server's or PostgreSQL's."
    )
    if traced:
        print(
            f"tracemalloc pass ({traced['messages']} mails, {traced['seconds']:.1f} s with "
            f"tracing): peak of Python allocations {traced['tracemalloc_peak'] / 2**20:.1f} MiB, "
            f"peak RSS {mib(traced['maxrss_kib'])}."
        )
    print(
        f"\nThe SMTP server received {received['messages']} messages from the portal "
        f"({received['bytes'] / 2**20:.1f} MiB; {received['one_click']} with a readable "
        f"List-Unsubscribe URL and List-Unsubscribe-Post), {distinct} distinct recipients; "
        f"deliveries {db}."
    )
    print(
        f"{'PASS' if exact else 'FAIL'}  exactly one message per subscriber "
        f"({received['messages']} of {n})."
    )
    return 0 if exact else 1


if __name__ == "__main__":
    from bench.support.script import run

    run(main)
