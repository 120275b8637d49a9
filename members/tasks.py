from django.tasks import task


@task
def membership_housekeeping() -> dict:
    """Expire memberships past their end date, send the 30-day reminders.

    A periodic task (settings.PERIODIC_TASKS): ``manage.py housekeeping`` enqueues it once per
    15-minute slot (docs/operations.md). Running it often, or twice at the same time, changes
    nothing twice: a membership expires once per term and its managers get one reminder per end
    date."""
    from members import services

    return {
        "expired": services.memberships_expire(),
        "reminded": services.memberships_send_reminders(),
    }
