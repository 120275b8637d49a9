from django.tasks import task


@task
def render_event_image(event_id: int) -> None:
    from events.models import Event
    from events.services import event_render_image

    event = Event.objects.public().filter(pk=event_id).first()
    if event:  # idempotent: existing renditions are kept
        event_render_image(event)


@task
def send_reminders() -> int:
    """Periodic (settings.PERIODIC_TASKS): the reminder mail about 24 hours before the start."""
    from events.services import registrations_send_reminders as send

    return send()


@task
def purge_unconfirmed_registrations() -> int:
    """Periodic: registrations never confirmed within 7 days are deleted."""
    from events.services import registrations_purge_unconfirmed

    return registrations_purge_unconfirmed()


@task
def anonymise_past_registrations() -> int:
    """Periodic: the people registered for an event are erased some time after it ended."""
    from events.services import registrations_anonymise_past

    return registrations_anonymise_past()
