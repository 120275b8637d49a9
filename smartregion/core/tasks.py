from django.tasks import task

from smartregion.core.mail import RenderedMail


@task
def deliver_mail(payload: dict) -> None:
    RenderedMail.from_payload(payload).to_message().send()


@task
def prune_task_results() -> None:
    """Drop finished task results older than a week, so the queue table stays small."""
    from django.core.management import call_command

    call_command("prune_db_task_results", min_age_days=7, verbosity=0)


@task
def purge_stashed_images() -> int:
    """Delete images kept for re-submitted forms once their tokens have expired."""
    from smartregion.core.images import purge_stashed_images as purge

    return purge()
