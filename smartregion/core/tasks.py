import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.utils import timezone

from smartregion.core.mail import (
    RenderedMail,
    error_text,
    is_temporary_failure,
    report_undelivered,
    retry_delay,
)

logger = logging.getLogger(__name__)

# One worker serves all queues, highest priority first (settings.TASKS).
PRIORITY_MAIL = 50  # queue "mail": confirmations, account mails, single notices
PRIORITY_BULK = -50  # queue "bulk": newsletter campaign batches


def batch_worker(worker_id: str, *, max_tasks: int | None = None):
    """django-tasks-db's worker over all queues (settings.TASK_QUEUES, highest priority first)
    that runs in this process until no task is ready: for tests and benchmarks, which drive the
    real worker loop without a separate ``db_worker`` process."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=settings.TASK_QUEUES,
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


@task(queue_name="mail", priority=PRIORITY_MAIL, takes_context=True)
def deliver_mail(
    context, payload: dict, attempt: int = 1, first_attempt_at: str | None = None
) -> dict:
    """Send one rendered mail. A temporary failure (``mail.is_temporary_failure``) enqueues the
    next attempt with a later ``run_after`` while the first attempt is less than
    MAIL_RETRY_HOURS ago; a permanent failure, or the last attempt failing, is reported
    (``UndeliveredMail``) and fails the task."""
    now = timezone.now()
    first = datetime.fromisoformat(first_attempt_at) if first_attempt_at else now
    mail = RenderedMail.from_payload(payload)
    try:
        mail.to_message().send()
    except Exception as error:
        deadline = first + timedelta(hours=settings.MAIL_RETRY_HOURS)
        if (
            is_temporary_failure(error)
            and now < deadline
            and deliver_mail.get_backend().supports_defer
        ):
            run_after = min(now + timedelta(seconds=retry_delay(attempt)), deadline)
            deliver_mail.using(run_after=run_after).enqueue(
                payload, attempt=attempt + 1, first_attempt_at=first.isoformat()
            )
            logger.warning(
                "mail task %s: attempt %d failed (%s), next attempt at %s",
                context.task_result.id,
                attempt,
                error_text(error),
                run_after.isoformat(),
            )
            return {"delivered": False, "attempt": attempt, "retry_at": run_after.isoformat()}
        # A database task result can be linked (it keeps the payload for "erneut senden").
        result_id = context.task_result.id if hasattr(context.task_result, "db_result") else None
        report_undelivered(
            mail, error, attempts=attempt, first_attempt_at=first, task_result_id=result_id
        )
        raise
    return {"delivered": True, "attempt": attempt}


@task
def prune_task_results() -> None:
    """Drop finished task results (of every queue) older than RETENTION_TASK_RESULTS_DAYS, so
    the queue table stays small and rendered mails are not kept longer than needed; the claims
    of periodic runs older than a week; and reports of undelivered mail older than
    RETENTION_UNDELIVERED_MAIL_DAYS."""
    from django.core.management import call_command

    from smartregion.core.models import PeriodicRun, UndeliveredMail

    call_command(
        "prune_db_task_results",
        min_age_days=settings.RETENTION_TASK_RESULTS_DAYS,
        queue_name="*",
        verbosity=0,
    )
    now = timezone.now()
    PeriodicRun.objects.filter(claimed_at__lt=now - timedelta(days=7)).delete()
    UndeliveredMail.objects.filter(
        last_attempt_at__lt=now - timedelta(days=settings.RETENTION_UNDELIVERED_MAIL_DAYS)
    ).delete()


class WorkerLost(Exception):
    """A task's worker was lost (killed, machine gone) too often while running it."""


@task
def requeue_stalled_tasks() -> int:
    """Put tasks back into the queue whose worker was lost: a worker killed hard (SIGKILL, the
    machine gone) leaves its task RUNNING for ever. A task running for longer than
    TASK_STALLED_AFTER_SECONDS is set back to READY in one UPDATE, and a live worker takes it
    again. At-least-once: a mail whose worker died after the SMTP server had accepted it, but
    before the success was recorded, is sent a second time. A task that TASK_MAX_LOST_WORKERS
    workers were lost on (one that kills its worker, say by running out of memory) fails
    instead; a mail among them is reported as undelivered. Returns how many were re-queued."""
    from django.db import transaction
    from django.db.models import F, Func, IntegerField
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(seconds=settings.TASK_STALLED_AFTER_SECONDS)
    stalled = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    tries = Func(F("worker_ids"), function="jsonb_array_length", output_field=IntegerField())
    with transaction.atomic():
        hopeless = stalled.alias(tries=tries).filter(tries__gte=settings.TASK_MAX_LOST_WORKERS)
        for result in hopeless.select_for_update(skip_locked=True):
            _give_up_on(result)
        count = stalled.update(status=TaskResultStatus.READY)
    if count:
        logger.warning(
            "re-queued %d task(s) running for more than %d s (their worker was lost)",
            count,
            settings.TASK_STALLED_AFTER_SECONDS,
        )
    return count


def _give_up_on(result) -> None:
    from smartregion.core.models import UndeliveredMail

    error = WorkerLost(f"{len(result.worker_ids)} workers were lost while running this task")
    result.set_failed(error)
    logger.error("task %s (%s) failed: %s", result.id, result.task_path, error)
    if result.task_path == deliver_mail.module_path:
        kwargs = result.args_kwargs["kwargs"]
        payload = kwargs.get("payload") or result.args_kwargs["args"][0]
        first = kwargs.get("first_attempt_at")
        report_undelivered(
            RenderedMail.from_payload(payload),
            error,
            attempts=kwargs.get("attempt", 1),
            first_attempt_at=datetime.fromisoformat(first) if first else result.enqueued_at,
            task_result_id=str(result.id),
            reason=UndeliveredMail.Reason.WORKER_LOST,
        )


@task
def clear_expired_sessions() -> None:
    """Delete expired sessions from the database (Django's ``clearsessions``)."""
    from django.core.management import call_command

    call_command("clearsessions")


@task
def sweep_orphan_files() -> int:
    """Delete stored files that no row names, a day after they were written (the originals and
    renditions a rollback or a killed process left behind; smartregion/core/files.py)."""
    from smartregion.core.files import sweep_orphans

    return sweep_orphans()


@task
def purge_stashed_images() -> int:
    """Delete images kept for re-submitted forms once their tokens have expired."""
    from smartregion.core.images import purge_stashed_images as purge

    return purge()
