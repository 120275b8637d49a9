"""Log lines carry time, level, logger and a request id (smartregion/core/logging.py)."""

import io
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from smartregion.core.logging import HEADER, RequestIdFilter, get_request_id

BASE = Path(__file__).resolve().parents[2]
LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?P<level>[A-Z]+) (?P<logger>\S+) "
    r"\[(?P<request_id>[^\]]+)\] (?P<message>.*)$"
)


@pytest.fixture
def log_lines():
    """The lines the configured console handler writes (settings.LOGGING), as dicts."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in h.filters)
    )
    buffer = io.StringIO()
    previous = handler.setStream(buffer)

    def lines():
        parsed = []
        for line in buffer.getvalue().splitlines():
            match = LINE.match(line)
            assert match, f"not in the portal's format: {line!r}"
            parsed.append(match.groupdict())
        return parsed

    yield lines
    handler.setStream(previous)


@pytest.mark.django_db
def test_a_requests_log_lines_carry_the_proxys_request_id(client, log_lines):
    response = client.get("/gibt-es-nicht/", headers={HEADER: "0123456789abcdef0123456789abcdef"})
    assert response.status_code == 404
    assert response[HEADER] == "0123456789abcdef0123456789abcdef"
    assert {
        "level": "WARNING",
        "logger": "django.request",
        "request_id": "0123456789abcdef0123456789abcdef",
        "message": "Not Found: /gibt-es-nicht/",
    } in log_lines()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forged",
    [
        "short",
        "a" * 65,
        "two words here",
        "abcdefgh] 2026-01-01 ERROR forged",
        "abcdefgh\nINFO forged line",
        "id;rm-rf-/",
        "ünïcödé-1234",
    ],
)
def test_an_unsafe_request_id_is_replaced(client, log_lines, forged):
    response = client.get("/gibt-es-nicht/", headers={HEADER: forged})
    request_id = response[HEADER]
    assert request_id != forged
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    lines = log_lines()
    assert [line["request_id"] for line in lines if line["logger"] == "django.request"] == [
        request_id
    ]
    assert not any("forged" in line["message"] for line in lines)


@pytest.mark.django_db
def test_without_a_header_each_request_gets_its_own_id(client):
    first = client.get("/robots.txt")[HEADER]
    second = client.get("/robots.txt")[HEADER]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second


@pytest.mark.django_db
def test_outside_a_request_the_id_is_a_dash(client, log_lines):
    client.get("/robots.txt", headers={HEADER: "finished-request-1"})
    assert get_request_id() == "-"  # the finished request's id does not stick to later lines
    logging.getLogger("smartregion.test").warning("outside a request")
    assert {
        "level": "WARNING",
        "logger": "smartregion.test",
        "request_id": "-",
        "message": "outside a request",
    } in log_lines()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_lines_use_the_same_format_and_access_lines_carry_the_id(tmp_path):
    """gunicorn with ``logconfig_dict = gunicorn_logconfig()``: its own lines (stderr) and the
    access log (stdout) in the portal's format, the access line with the response's id."""
    port = _free_port()
    config = tmp_path / "gunicorn.conf.py"
    config.write_text(
        "from smartregion.core.logging import gunicorn_logconfig\n"
        "logconfig_dict = gunicorn_logconfig()\n"
        "accesslog = '-'\n"
        f"bind = '127.0.0.1:{port}'\n"
        "workers = 1\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(config), "smartregion.site.wsgi"],
        cwd=BASE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/robots.txt", headers={HEADER: "from-nginx-12345678"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert response.headers[HEADER] == "from-nginx-12345678"
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        stdout, stderr = server.communicate(timeout=30)
    access = [LINE.match(line) for line in stdout.splitlines()]
    assert access and all(access), stdout
    assert any(
        m["logger"] == "gunicorn.access"
        and m["request_id"] == "from-nginx-12345678"
        and "GET /robots.txt" in m["message"]
        for m in access
    ), stdout
    errors = [LINE.match(line) for line in stderr.splitlines() if line.strip()]
    assert errors and all(errors), stderr
    assert any(m["logger"] == "gunicorn.error" and "Booting worker" in m["message"] for m in errors)
