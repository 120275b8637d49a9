"""What the deployed-stack tests share (tests/deploy/ and tests/machines/): a real SMTP server,
visitors with their own loopback addresses, and nginx as a requirement."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import threading
import time

import pytest

from smartregion.site.prodstack import Stack, StackConfig, StackError, find_nginx, free_port


class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that a test can stop and start again on the same
    port. ``delay`` slows every message down (a busy mail server)."""

    def __init__(self, port: int):
        self.port = port
        self.delay = 0.0
        self._messages: list[tuple[list[str], bytes, float]] = []
        self._lock = threading.Lock()
        self._controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                if server.delay:
                    await asyncio.sleep(server.delay)
                with server._lock:
                    server._messages.append(
                        (list(envelope.rcpt_tos), envelope.content, time.monotonic())
                    )
                return "250 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def messages_to(self, address: str) -> list[bytes]:
        with self._lock:
            return [m[1] for m in self._messages if address in m[0]]

    def recipients(self, predicate) -> list[str]:
        """Every recipient address of every message so far that ``predicate`` accepts."""
        with self._lock:
            return [r for rcpt, _content, _t in self._messages for r in rcpt if predicate(r)]

    def count(self, predicate) -> int:
        with self._lock:
            return sum(1 for rcpt, _content, _t in self._messages if any(map(predicate, rcpt)))

    def wait_for(self, address: str, timeout: float) -> float | None:
        """Seconds until the first mail to ``address`` arrived (from now), or None."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            with self._lock:
                for rcpt, _content, _arrived in self._messages:
                    if address in rcpt:
                        return time.monotonic() - start
            time.sleep(0.05)
        return None


class Visitor:
    """A person on the internet: an HTTPS client with its own source address and cookies.

    Requests go through nginx's public port. With ``on="web-a"`` (a stack with ``pinned_ports``)
    they reach that app instance alone, with the same cookies (cookies do not depend on ports).
    """

    def __init__(self, stack: Stack, address: str, *, scheme: str = "https"):
        import httpx

        self.stack = stack
        self.address = address
        port = stack.config.https_port if scheme == "https" else stack.config.http_port
        self.base_url = f"{scheme}://127.0.0.1:{port}"
        transport = httpx.HTTPTransport(local_address=address, verify=stack.ssl_context())
        self.client = httpx.Client(
            transport=transport, base_url=self.base_url, follow_redirects=False, timeout=30
        )

    def origin(self, on: str | None = None) -> str:
        if on is None:
            return self.base_url
        return f"https://127.0.0.1:{self.stack.pinned_ports[on]}"

    def get(self, path: str, *, on: str | None = None, **kwargs):
        return self.client.get(self.origin(on) + path, **kwargs)

    def form(self, path: str, *, on: str | None = None) -> dict[str, str]:
        """GET a form page; its hidden fields (CSRF token, spam-protection start time ...)."""
        response = self.get(path, on=on)
        assert response.status_code == 200, (path, response.status_code)
        return hidden_fields(response.text)

    def post(
        self, path: str, data: dict, headers: dict | None = None, *, on: str | None = None, **kw
    ):
        origin = self.origin(on)
        return self.client.post(
            origin + path, data=data, headers={"Referer": origin + path, **(headers or {})}, **kw
        )

    def close(self) -> None:
        self.client.close()


# A request header that takes a GET past nginx's micro-cache (deploy/nginx/smartregion.conf) to an
# app server: the session cookie of a visitor whose session has ended. The app finds no session
# and renders the anonymous page, privately, as for anyone with such a cookie.
PAST_THE_CACHE = {"Cookie": "__Secure-sessionid=ended"}


def visitors(stack: Stack):
    """For a package's ``visitor`` fixture: ``visitor("127.0.0.11")`` makes a new visitor from
    that address; all are closed after the test."""
    made: list[Visitor] = []

    def make(address: str, **kwargs) -> Visitor:
        made.append(Visitor(stack, address, **kwargs))
        return made[-1]

    yield make
    for v in made:
        v.close()


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, spam-protection start time ...)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="hidden"' not in tag:
            continue
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def require_nginx() -> None:
    try:
        find_nginx()
    except StackError as error:
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail(str(error))
        pytest.skip(str(error))


def print_logs(deployed: Stack) -> None:
    for log in sorted(deployed.log_dir.glob("*.log")):
        print(f"--- {log} (end)\n{log.read_text(errors='replace')[-3000:]}")  # noqa: T201


def running_stack(config: StackConfig, *, folders=("media", "private", "machines", "log")):
    """For a stack fixture: nginx required, the stack's ``folders`` under its root emptied, the
    stack started (its logs printed if it does not come up), its cache emptied; stopped after."""
    require_nginx()
    for folder in folders:
        shutil.rmtree(config.root / folder, ignore_errors=True)
    deployed = Stack(config)
    try:
        deployed.start(timeout=120)
    except BaseException:
        deployed.stop()
        print_logs(deployed)
        raise
    deployed.manage("shell", "-c", "from django.core.cache import cache; cache.clear()")
    yield deployed
    deployed.stop()


def running_smtp_server():
    """For a package's ``smtp_server`` fixture: a real SMTP server on 127.0.0.1 while it runs."""
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


def several_machines(
    root, *, s3, media: str, private: str, smtp_port: int, redis_url: str, **changes
) -> StackConfig:
    """The stack of several machines (tests/machines/, bench/machines.py): two app instances
    with a port each besides the load balancer's, two workers, the buckets ``media`` and
    ``private`` on ``s3`` (a tests.s3.S3Server), the connection pool and two send chains."""
    env = {
        **s3.env(media, private),
        "DATABASE_POOL_MAX_SIZE": "2",
        "CAMPAIGN_SEND_CHAINS": "2",
        **changes.pop("env", {}),
    }
    return StackConfig(
        root=root,
        https_port=free_port(),
        http_port=free_port(),
        app_instances=2,
        task_workers=2,
        pinned_ports=True,
        media_proxy=f"{s3.endpoint_url}/{media}/",
        redis_url=redis_url,
        email_host="127.0.0.1",
        email_port=smtp_port,
        fresh_database=True,
        log_to_files=True,
        env=env,
        **changes,
    )


def schedule_campaign(stack: Stack, *, recipients: int, domain: str) -> int:
    """``recipients`` confirmed subscribers ``reader{i}@{domain}`` and a campaign to them,
    scheduled (its batches are enqueued); returns the campaign's id."""
    output = stack.manage(
        "shell",
        "-c",
        "from django.utils import timezone\n"
        "from newsletter import services\n"
        "from newsletter.models import Campaign, ConsentText, Subscriber\n"
        "text = ConsentText.objects.current()\n"
        "now = timezone.now()\n"
        f"Subscriber.objects.bulk_create([Subscriber(email=f'reader{{i}}@{domain}', "
        f"status='confirmed', confirmed_at=now, consent_text=text) for i in range({recipients})])\n"
        "Subscriber.objects.filter(status='confirmed').exclude(email__endswith="
        f"{'@' + domain!r}).update(status='unsubscribed')\n"
        "campaign = Campaign.objects.create(subject='Viel Post', body='Hallo', "
        "include_blog=False, include_events=False)\n"
        "assert services.campaign_schedule(campaign=campaign)\n"
        "print(campaign.pk)\n",
    )
    return int(output.strip().splitlines()[-1])
