from django.tasks import task


@task
def membership_housekeeping() -> dict:
    """Daily: expire memberships past their end date, send the 30-day reminders."""
    from members import services

    return {
        "expired": services.memberships_expire(),
        "reminded": services.memberships_send_reminders(),
    }
