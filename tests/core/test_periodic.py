"""Periodic jobs: once per slot however many hosts run ``manage.py housekeeping`` at the same
moment, stale claims pruned, expired sessions cleared, tasks of lost workers queued again."""

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from smartregion.core import mail, periodic, tasks
from smartregion.core.models import PeriodicRun, UndeliveredMail
from tests.concurrency import run_concurrently
from tests.tasks import run_until_idle

QUARTER, HOUR, DAY = timedelta(minutes=15), timedelta(hours=1), timedelta(days=1)


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 12, 7, hour, minute, second, tzinfo=UTC)


# Slots and claims ------------------------------------------------------------------------------


def test_a_slot_starts_at_the_epoch_seconds_floored_to_the_interval():
    assert periodic.slot_start(QUARTER, at(10, 14, 59)) == at(10, 0)
    assert periodic.slot_start(QUARTER, at(10, 15)) == at(10, 15)
    assert periodic.slot_start(HOUR, at(10, 59, 59)) == at(10, 0)
    assert periodic.slot_start(DAY, at(23, 59)) == at(0, 0)
    with pytest.raises(ValueError, match="at least a second"):
        periodic.slot_start(timedelta(0), at(10, 0))


@pytest.mark.django_db
def test_only_the_first_claim_of_a_slot_wins_and_the_next_slot_is_free_again():
    assert periodic.claim("job.a", QUARTER, at(10, 1)) is True
    assert periodic.claim("job.a", QUARTER, at(10, 14)) is False
    assert periodic.claim("job.b", QUARTER, at(10, 14)) is True  # another job, its own slot
    assert periodic.claim("job.a", QUARTER, at(10, 15)) is True
    assert list(PeriodicRun.objects.filter(job="job.a").values_list("slot", flat=True)) == [
        at(10, 15),
        at(10, 0),
    ]
    assert PeriodicRun.objects.exclude(host="").count() == 3  # who claimed it, for the logs


# housekeeping on several hosts ------------------------------------------------------------------


def _housekeeping_on_hosts(count: int) -> list[str]:
    """``manage.py housekeeping`` on ``count`` hosts at once (threads, separate connections)."""

    def run(_host):
        out = StringIO()
        call_command("housekeeping", stdout=out)
        return out.getvalue()

    return run_concurrently(run, range(count))


def _enqueued() -> Counter:
    return Counter(DBTaskResult.objects.values_list("task_path", flat=True))


def test_housekeeping_on_six_hosts_at_once_enqueues_each_job_once_per_slot(db_tasks):
    jobs = settings.PERIODIC_TASKS
    with time_machine.travel(at(10, 0, 30), tick=False):
        outputs = _housekeeping_on_hosts(6)
    assert _enqueued() == Counter(dict.fromkeys(jobs, 1))
    lines = "".join(outputs).splitlines()
    assert sorted(line.split()[1] for line in lines if line.startswith("enqueued ")) == sorted(jobs)
    skipped = [line for line in lines if line.endswith(" (already claimed)")]
    assert len(skipped) == 5 * len(jobs)

    # The next quarter of an hour: the 15-minute jobs again, the hourly and daily ones not.
    with time_machine.travel(at(10, 15, 40), tick=False):
        _housekeeping_on_hosts(6)
    assert _enqueued() == Counter(
        {job: 2 if interval == QUARTER else 1 for job, interval in jobs.items()}
    )

    # The next hour: the hourly ones too.
    with time_machine.travel(at(11, 0, 10), tick=False):
        _housekeeping_on_hosts(3)
    assert _enqueued() == Counter(
        {job: {QUARTER: 3, HOUR: 2, DAY: 1}[interval] for job, interval in jobs.items()}
    )


def test_every_periodic_job_has_an_interval_of_at_most_a_day_dividing_the_day():
    """The timer fires every 15 minutes: shorter slots would be missed, slots longer than the
    week of kept claims could run twice, and an interval that does not divide the day would
    drift against the clock."""
    for job, interval in settings.PERIODIC_TASKS.items():
        assert QUARTER <= interval <= DAY, job
        assert DAY % interval == timedelta(0), job


def test_claims_older_than_a_week_are_pruned(db_tasks):
    now = timezone.now()
    old = PeriodicRun.objects.create(job="job.a", slot=now, claimed_at=now - timedelta(days=8))
    kept = PeriodicRun.objects.create(job="job.b", slot=now, claimed_at=now - timedelta(days=6))
    tasks.prune_task_results.call()
    assert list(PeriodicRun.objects.values_list("pk", flat=True)) == [kept.pk]
    assert old.pk != kept.pk


# Sessions ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_housekeeping_deletes_expired_sessions_and_keeps_live_ones(housekeeping):
    expired, live = SessionStore(), SessionStore()
    expired.set_expiry(60)
    live.set_expiry(3600)
    expired.create()
    live.create()
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        output = housekeeping()
    assert "enqueued smartregion.core.tasks.clear_expired_sessions" in output
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


# Tasks of lost workers --------------------------------------------------------------------------


def _running_since(task_result_id, started_at: datetime, worker: str) -> None:
    """What a worker leaves behind when it is killed (SIGKILL) while running the task."""
    DBTaskResult.objects.filter(pk=task_result_id).update(
        status="RUNNING", started_at=started_at, worker_ids=[worker]
    )


def test_a_mail_task_of_a_killed_worker_is_queued_again_and_delivered_a_recent_one_not(
    db_tasks, smtp_server, settings, caplog
):
    settings.TASK_STALLED_AFTER_SECONDS = 600
    smtp_server.start()
    now = timezone.now()
    mail.send_mail("email/test_message", to="lost@example.org", context={"name": "A", "path": "/"})
    mail.send_mail("email/test_message", to="busy@example.org", context={"name": "B", "path": "/"})
    lost, busy = DBTaskResult.objects.order_by("enqueued_at")
    _running_since(lost.pk, now - timedelta(seconds=601), "killed-worker")
    _running_since(busy.pk, now - timedelta(seconds=590), "live-worker")
    caplog.set_level(logging.WARNING, logger="smartregion.core.tasks")

    tasks.requeue_stalled_tasks.enqueue()
    run_until_idle()

    assert [m["To"] for m in smtp_server.messages] == ["lost@example.org"]
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert (lost.status, lost.worker_ids) == ("SUCCESSFUL", ["killed-worker", "pytest-worker"])
    assert (busy.status, busy.worker_ids) == ("RUNNING", ["live-worker"])
    assert "re-queued 1 task(s) running for more than 600 s" in caplog.text
    requeue = DBTaskResult.objects.get(task_path=tasks.requeue_stalled_tasks.module_path)
    assert requeue.return_value == 1


def test_a_mail_task_that_three_workers_were_lost_on_fails_and_is_reported_undelivered(
    db_tasks, smtp_server, settings, caplog
):
    settings.TASK_STALLED_AFTER_SECONDS = 600
    smtp_server.start()
    long_ago = timezone.now() - timedelta(seconds=601)
    mail.send_mail(
        "email/test_message", to="poison@example.org", context={"name": "A", "path": "/"}
    )
    mail.send_mail("email/test_message", to="twice@example.org", context={"name": "B", "path": "/"})
    poison, twice = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=poison.pk).update(
        status="RUNNING", started_at=long_ago, worker_ids=["w1", "w2", "w3"]
    )
    DBTaskResult.objects.filter(pk=twice.pk).update(
        status="RUNNING", started_at=long_ago, worker_ids=["w1", "w2"]
    )
    caplog.set_level(logging.WARNING, logger="smartregion.core.tasks")

    tasks.requeue_stalled_tasks.enqueue()
    run_until_idle()

    # The third lost worker ends it; the one lost twice is tried once more and delivered.
    assert [m["To"] for m in smtp_server.messages] == ["twice@example.org"]
    poison.refresh_from_db()
    assert poison.status == "FAILED"
    assert poison.exception_class_path == "smartregion.core.tasks.WorkerLost"
    report = UndeliveredMail.objects.get()
    assert report.recipients == ["poison@example.org"]
    assert report.reason == UndeliveredMail.Reason.WORKER_LOST
    assert report.task_result_id == poison.pk  # "Erneut senden" in the admin can still send it
    assert "3 workers were lost while running this task" in caplog.text
    assert "re-queued 1 task(s)" in caplog.text
