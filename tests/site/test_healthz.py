"""/healthz: database, cache, storages and the task backlog; 503 when a dependency fails.

Failures are real ones: a database connection to a closed port, a cache server that is not
there, a storage root that cannot be created.
"""

import io
import logging
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from smartregion.core.logging import RequestIdFilter
from tests.outages import closed_port, unreachable


def _task(status="READY", enqueued_ago=None, run_after=None):
    result = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="smartregion.core.tasks.prune_task_results",
        backend_name="default",
        run_after=run_after or get_date_max(),
    )
    if enqueued_ago is not None:
        DBTaskResult.objects.filter(pk=result.pk).update(enqueued_at=timezone.now() - enqueued_ago)
    return result


@pytest.mark.django_db
def test_healthy_answers_200_with_every_check(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "tasks"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert body["checks"]["storage"]["default"] == {"status": "ok"}
    assert body["checks"]["storage"]["private"] == {"status": "ok"}
    assert body["checks"]["tasks"]["waiting"] == 0
    assert body["checks"]["tasks"]["oldest_waiting_seconds"] == 0
    # Not cached, no cookie, and the probe files are gone again.
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        assert not root.exists() or not any(root.iterdir())


@pytest.mark.django_db
def test_head_probe_is_answered(client):
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_reports_the_waiting_task_backlog():
    from django.test import Client

    now = timezone.now()
    _task(enqueued_ago=timedelta(minutes=10))  # no run_after: waits since it was enqueued
    _task(enqueued_ago=timedelta(hours=1), run_after=now - timedelta(minutes=5))  # a retry, due
    _task(enqueued_ago=timedelta(hours=2), run_after=now + timedelta(minutes=5))  # not due yet
    _task(status="RUNNING", enqueued_ago=timedelta(hours=3))
    _task(status="SUCCESSFUL", enqueued_ago=timedelta(hours=4))

    response = Client().get("/healthz")
    assert response.status_code == 200
    tasks = response.json()["checks"]["tasks"]
    assert tasks["waiting"] == 2
    assert 600 <= tasks["oldest_waiting_seconds"] < 660


@pytest.mark.django_db
def test_task_backlog_turns_503_only_above_the_configured_age(client, settings):
    _task(enqueued_ago=timedelta(minutes=10))
    assert client.get("/healthz").status_code == 200  # reported, not failing, by default

    settings.HEALTHZ_MAX_TASK_AGE_SECONDS = 3600
    assert client.get("/healthz").status_code == 200

    settings.HEALTHZ_MAX_TASK_AGE_SECONDS = 60
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["tasks"]
    assert body["checks"]["tasks"]["status"] == "fail"
    assert body["checks"]["tasks"]["max_seconds"] == 60


@pytest.mark.django_db(transaction=True)
def test_database_down_answers_503_naming_the_database(client):
    with unreachable(connection):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert "database" in body["failed"]
    assert body["checks"]["database"] == {
        "status": "fail",
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    # The backlog cannot be read either; that is reported under tasks.
    assert body["checks"]["tasks"]["status"] == "fail"
    # Back up: healthy again.
    assert client.get("/healthz").status_code == 200


def _redis_cache_at_closed_port(backend="django.core.cache.backends.redis.RedisCache"):
    pytest.importorskip("redis")
    return {"BACKEND": backend, "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}


def _database_cache_without_its_table():
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "healthz_no_such_cache_table",
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broken", [_redis_cache_at_closed_port, _database_cache_without_its_table])
def test_a_cache_the_site_cannot_do_without_answers_503_naming_it(client, broken):
    with override_settings(CACHES={**django_settings.CACHES, "default": broken()}):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_redis_down_is_reported_as_degraded_and_keeps_the_app_server(client):
    """The site's own Redis cache degrades (smartregion.core.cache): the answer stays 200, so
    the load balancer keeps the app server, and names the cache for monitoring."""
    down = _redis_cache_at_closed_port("smartregion.core.cache.ResilientRedisCache")
    with override_settings(CACHES={**django_settings.CACHES, "default": down}):
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["degraded"] == ["cache"]
    assert "failed" not in body
    assert body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "alias"), [("MEDIA_ROOT", "default"), ("PRIVATE_MEDIA_ROOT", "private")]
)
def test_storage_that_cannot_write_answers_503_naming_it(
    client, settings, tmp_path, setting, alias
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    setattr(settings, setting, blocker / "media")  # cannot be created under a file, even by root

    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["storage"]
    storage = body["checks"]["storage"]
    assert storage["status"] == "fail"
    assert storage[alias] == {"status": "fail", "error": "NotADirectoryError"}
    other = {"default": "private", "private": "default"}[alias]
    assert storage[other] == {"status": "ok"}


@pytest.mark.django_db
def test_a_failing_answer_is_logged_with_the_request_id(client, settings, tmp_path):
    """Django logs a 503 after the middleware has returned; the line still carries the id."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in h.filters)
    )
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        response = client.get("/healthz", headers={"X-Request-ID": "probe-0123456789"})
    finally:
        handler.setStream(previous)
    assert response.status_code == 503
    lines = buffer.getvalue().splitlines()
    assert any(
        " ERROR django.request [probe-0123456789] Service Unavailable: /healthz" in line
        for line in lines
    ), lines
    assert any(
        "smartregion.site.views [probe-0123456789] healthz: storage" in line for line in lines
    )


@pytest.mark.django_db
def test_plain_http_probe_is_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301  # everything else goes to HTTPS
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


ROUTER = "smartregion.core.dbrouting.PrimaryReplicaRouter"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_read_replica_is_checked_and_reported_down_without_failing_the_answer(client, settings):
    from django.db import connections

    settings.DATABASE_ROUTERS = [ROUTER]
    healthy = client.get("/healthz")
    assert healthy.status_code == 200
    assert healthy.json()["checks"]["replica"]["status"] == "ok"

    with unreachable(connections["replica"]):
        response = client.get("/healthz")
    # Reported for monitoring, but the primary serves the replica's reads meanwhile: the load
    # balancer keeps the app server.
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["replica"]["status"] == "fail"
    assert body["checks"]["replica"]["error"] == "OperationalError"
    assert body["status"] == "ok" and "failed" not in body


@pytest.mark.django_db
def test_without_a_replica_none_is_reported(client):
    assert "replica" not in client.get("/healthz").json()["checks"]
