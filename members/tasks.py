from django.tasks import task


@task
def membership_housekeeping() -> dict:
    """Expire memberships past their end date, send the 30-day reminders.

    A periodic task (settings.PERIODIC_TASKS): every ``manage.py housekeeping`` enqueues it, in
    production every 15 minutes from cron (docs/operations.md), under ``make run`` every
    HOUSEKEEPING_INTERVAL seconds. Running it often changes nothing twice: a membership expires
    once per term and its managers get one reminder per end date."""
    from members import services

    return {
        "expired": services.memberships_expire(),
        "reminded": services.memberships_send_reminders(),
    }
