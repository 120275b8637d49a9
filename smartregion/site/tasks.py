from django.tasks import task

from smartregion.site import services


@task
def purge_answered_feedback() -> int:
    """A periodic task (settings.PERIODIC_TASKS)."""
    return services.feedback_purge_answered()
