"""Several machines on this one: two app instances (gunicorn) behind one nginx as load balancer,
two task workers, one PostgreSQL, Redis, an S3 API server (moto's server mode) and a real SMTP
server, started once for this folder with the launcher of ``make prod``.

Every app instance and worker has MEDIA_ROOT and PRIVATE_MEDIA_ROOT folders of its own, as on a
machine of its own; the files must all go to the S3 buckets instead. nginx has, besides the
public port, one port per app instance (``pinned_ports``), so a test can choose the machine a
request lands on: ``visitor.get(path, on="web-a")``.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.deploy.support import (
    running_smtp_server,
    running_stack,
    several_machines,
    visitors,
)
from tests.s3 import S3Server

BASE_DIR = Path(__file__).resolve().parents[2]
ROOT = BASE_DIR / "var" / "test-machines"


@pytest.fixture(scope="package")
def smtp_server():
    yield from running_smtp_server()


@pytest.fixture(scope="package")
def s3():
    server = S3Server()
    server.start()
    suffix = uuid.uuid4().hex[:8]
    server.media_bucket = f"media-{suffix}"
    server.private_bucket = f"private-{suffix}"
    server.create_buckets(server.media_bucket, server.private_bucket)
    yield server
    server.stop()


@pytest.fixture(scope="package")
def cluster(smtp_server, s3):
    config = several_machines(
        ROOT,
        s3=s3,
        media=s3.media_bucket,
        private=s3.private_bucket,
        smtp_port=smtp_server.port,
        redis_url=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10"),
        housekeeping_interval=120,
        env={"MAIL_RETRY_BASE_SECONDS": "1", "LOG_LEVEL": "INFO"},
    )
    yield from running_stack(config)


@pytest.fixture
def visitor(cluster):
    """``visitor("127.0.0.11")``: a new visitor from that address; closed after the test."""
    yield from visitors(cluster)
