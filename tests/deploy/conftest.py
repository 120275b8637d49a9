"""The deployed stack for the tests in this folder: nginx (TLS) -> gunicorn -> PostgreSQL, the task
worker and a real SMTP server, started once for this folder with the launcher of ``make prod``.

It gets free ports, its own PostgreSQL cluster, media folders and logs under var/test-deploy/
(the test database in var/pg is not touched), and the Redis database of TEST_REDIS_URL (default
db 10). Visitors are HTTP clients bound to distinct loopback addresses (127.0.0.x), so nginx sees
each one as its own client, as it would see people on the internet.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from smartregion.site.prodstack import StackConfig, free_port
from tests.deploy.support import (
    running_smtp_server,
    running_stack,
    visitors,
)

BASE_DIR = Path(__file__).resolve().parents[2]
ROOT = BASE_DIR / "var" / "test-deploy"


@pytest.fixture(scope="package")
def smtp_server():
    yield from running_smtp_server()


@pytest.fixture(scope="package")
def stack(smtp_server):
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
        # A short micro-cache (nginx keeps reading pages this long, 10 s in production), so
        # test_microcache.py sees copies expire within a test.
        env={"MAIL_RETRY_BASE_SECONDS": "1", "LOG_LEVEL": "INFO", "PAGE_CACHE_SECONDS": "3"},
    )
    yield from running_stack(config)


@pytest.fixture
def visitor(stack):
    """``visitor("127.0.0.11")``: a new visitor from that address; closed after the test."""
    yield from visitors(stack)


@pytest.fixture
def fresh_limits(stack):
    """Every test starts with no rate-limit counters in the stack's cache."""
    stack.manage("shell", "-c", "from django.core.cache import cache; cache.clear()")
