"""The deployed stack for the tests in this folder: nginx (TLS) -> gunicorn -> PostgreSQL, the task
worker and a real SMTP server, started once for this folder with the launcher of ``make prod``.

It gets free ports, its own PostgreSQL cluster, media folders and logs under var/test-deploy/
(the test database in var/pg is not touched), and the Redis database of TEST_REDIS_URL (default
db 10). Visitors are HTTP clients bound to distinct loopback addresses (127.0.0.x), so nginx sees
each one as its own client, as it would see people on the internet.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from smartregion.site.prodstack import Stack, StackConfig, StackError, find_nginx, free_port

BASE_DIR = Path(__file__).resolve().parents[2]
ROOT = BASE_DIR / "var" / "test-deploy"


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
    """A person on the internet: an HTTPS client with its own source address and cookies."""

    def __init__(self, stack: Stack, address: str, *, scheme: str = "https"):
        import httpx

        self.address = address
        port = stack.config.https_port if scheme == "https" else stack.config.http_port
        self.base_url = f"{scheme}://127.0.0.1:{port}"
        transport = httpx.HTTPTransport(local_address=address, verify=stack.ssl_context())
        self.client = httpx.Client(
            transport=transport, base_url=self.base_url, follow_redirects=False, timeout=30
        )

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def form(self, path: str) -> dict[str, str]:
        """GET a form page; its hidden fields (CSRF token, spam-protection start time ...)."""
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        fields = {}
        for tag in re.findall(r"<input[^>]*>", response.text):
            if 'type="hidden"' not in tag:
                continue
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = value.group(1) if value else ""
        return fields

    def post(self, path: str, data: dict, headers: dict | None = None):
        return self.client.post(
            path, data=data, headers={"Referer": self.base_url + path, **(headers or {})}
        )

    def close(self) -> None:
        self.client.close()


def _require_nginx() -> None:
    try:
        find_nginx()
    except StackError as error:
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail(str(error))
        pytest.skip(str(error))


@pytest.fixture(scope="package")
def smtp_server():
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def stack(smtp_server):
    _require_nginx()
    for folder in ("media", "private", "log"):
        shutil.rmtree(ROOT / folder, ignore_errors=True)
    config = StackConfig(
        root=ROOT,
        https_port=free_port(),
        http_port=free_port(),
        redis_url=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10"),
        email_host="127.0.0.1",
        email_port=smtp_server.port,
        housekeeping_interval=120,
        fresh_database=True,
        log_to_files=True,
        env={"MAIL_RETRY_BASE_SECONDS": "1", "LOG_LEVEL": "INFO"},
    )
    deployed = Stack(config)
    try:
        deployed.start(timeout=120)
    except BaseException:
        deployed.stop()
        _print_logs(deployed)
        raise
    yield deployed
    deployed.stop()


def _print_logs(deployed: Stack) -> None:
    for log in sorted(deployed.log_dir.glob("*.log")):
        print(f"--- {log} (end)\n{log.read_text(errors='replace')[-3000:]}")  # noqa: T201


@pytest.fixture
def visitor(stack):
    """``visitor("127.0.0.11")``: a new visitor from that address; closed after the test."""
    made = []

    def make(address: str, **kwargs) -> Visitor:
        v = Visitor(stack, address, **kwargs)
        made.append(v)
        return v

    yield make
    for v in made:
        v.close()


@pytest.fixture
def fresh_limits(stack):
    """Every test starts with no rate-limit counters in the stack's cache."""
    stack.manage("shell", "-c", "from django.core.cache import cache; cache.clear()")
