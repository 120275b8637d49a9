"""Redis goes away under the deployed stack and comes back: the site works on, degraded.

The stack (nginx -> gunicorn -> PostgreSQL, the worker) reaches this machine's Redis through a
line the test cuts (``tests.outages.Cable``): its connections are closed and new ones refused,
as when Redis stops. Visitors come from their own loopback addresses over HTTPS.
"""

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from smartregion.site.prodstack import StackConfig, free_port
from tests.deploy.support import running_stack, visitors
from tests.deploy.test_stack import assert_signed_up, create_member, log_in, signup, unique_email
from tests.outages import Cable

pytestmark = pytest.mark.deployed

ROOT = Path(__file__).resolve().parents[2] / "var" / "test-deploy-redis"
# The machine's Redis, a database number of this drill's own: two after the tests' own
# (TEST_REDIS_URL, default 9), one after the deployed stack's (default 10).
REDIS = urlsplit(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9"))
REDIS_DB = (int(REDIS.path.strip("/") or 0) + 2) % 16
MINE = "/blog/meine-beitraege/"  # needs a login


@pytest.fixture(scope="module")
def cable():
    with Cable((REDIS.hostname or "127.0.0.1", REDIS.port or 6379)) as line:
        yield line


@pytest.fixture(scope="module")
def stack(cable, smtp_server):
    config = StackConfig(
        root=ROOT,
        https_port=free_port(),
        http_port=free_port(),
        redis_url=f"redis://127.0.0.1:{cable.port}/{REDIS_DB}",
        email_host="127.0.0.1",
        email_port=smtp_server.port,
        fresh_database=True,
        log_to_files=True,
    )
    yield from running_stack(config)


@pytest.fixture
def visitor(stack):
    yield from visitors(stack)


def test_members_stay_logged_in_and_forms_work_while_redis_is_down(stack, cable, visitor):
    create_member(stack, "bleibt@example.org", "a-good-passphrase-51")
    create_member(stack, "kommt@example.org", "a-good-passphrase-52")
    member = visitor("127.0.0.41")
    assert log_in(member, "bleibt@example.org", "a-good-passphrase-51").status_code == 302
    assert member.get(MINE).status_code == 200
    healthy = member.get("/healthz").json()
    assert healthy["status"] == "ok" and "degraded" not in healthy

    cable.cut()
    try:
        # Logged in before: the session is read from PostgreSQL.
        assert member.get(MINE).status_code == 200
        # Another visitor logs in (allauth's limits let it through, uncounted) ...
        newcomer = visitor("127.0.0.42")
        assert log_in(newcomer, "kommt@example.org", "a-good-passphrase-52").status_code == 302
        assert newcomer.get(MINE).status_code == 200
        # ... a third signs up for the newsletter, and reading pages answer.
        reader = visitor("127.0.0.43")
        assert_signed_up(signup(reader, unique_email("redis-weg")))
        for path in ("/", "/blog/", "/veranstaltungen/"):
            assert reader.get(path).status_code == 200, path
        # The load balancer keeps this app server; monitoring sees the cache.
        response = reader.get("/healthz")
        assert response.status_code == 200
        body = response.json()
        assert body["degraded"] == ["cache"] and body["checks"]["cache"]["status"] == "fail"
        # Logging out works too, and holds.
        assert newcomer.post("/konto/logout/", newcomer.form("/konto/logout/")).status_code == 302
        assert newcomer.get(MINE).status_code == 302
    finally:
        cable.mend()

    deadline = time.monotonic() + 10
    while "degraded" in member.get("/healthz").json():
        assert time.monotonic() < deadline, "the cache did not come back"
        time.sleep(0.2)
    assert member.get(MINE).status_code == 200
