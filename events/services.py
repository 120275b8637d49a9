"""Writes with side effects for events: registration, places and waitlist, moderation, mails.

Places. A confirmed registration of an event with a capacity holds a place number 1..capacity.
Taking a place happens inside a transaction that first locks the event row (``SELECT … FOR
UPDATE``), so confirmations of one event queue up. The database backs this: a unique constraint
on (event, place) and a trigger refusing numbers above the capacity. Should two transactions
ever compute the same free number, the second one fails on the constraint and looks again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone, translation

from events import ical, tasks
from events.models import Event, Registration
from smartregion.core import files, images, mail, moderation
from smartregion.core.i18n import current_language
from smartregion.core.mail import Attachment
from smartregion.core.signing import make_token
from smartregion.core.text import unique_slug

logger = logging.getLogger(__name__)

E = Event.Status
R = Registration.Status
REMINDER_BEFORE = timedelta(hours=24)
PLACE_ATTEMPTS = 5


class RegistrationError(Exception):
    """A registration that cannot be made; ``code`` tells the view which message to show."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# Links ------------------------------------------------------------------------------------------


def confirm_path(registration: Registration) -> str:
    token = make_token("event-confirm", registration.public_id)
    return reverse("events:confirm", kwargs={"token": token})


def cancel_path(registration: Registration) -> str:
    token = make_token("event-cancel", registration.public_id)
    return reverse("events:cancel", kwargs={"token": token})


# Registration -----------------------------------------------------------------------------------


def registration_create(
    *, event: Event, name: str, email: str, organisation: str = ""
) -> Registration:
    """A new, unconfirmed registration; the person confirms it by the link in the mail.

    Raises RegistrationError("closed") after the deadline or start and for unpublished or
    cancelled events, and RegistrationError("duplicate") when the address is registered already
    (case-insensitive; a cancelled registration does not count).
    """
    email = email.strip().lower()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not event.registration_open:
            raise RegistrationError("closed")
        existing = event.registrations.active().filter(email__iexact=email).first()
        if existing and existing.status == R.PENDING and _confirm_link_expired(existing):
            # Never confirmed, link expired: the address may register afresh.
            existing.delete()
            existing = None
        if existing:
            raise RegistrationError("duplicate")
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=event,
                    name=name.strip(),
                    email=email,
                    organisation=organisation.strip(),
                    consent_at=timezone.now(),
                    language=current_language(),
                )
        except IntegrityError as error:  # the same address, a moment earlier
            raise RegistrationError("duplicate") from error
        _mail(registration, "events/email/registration_confirm", confirm=True)
    return registration


def confirm_max_age() -> timedelta:
    """How long an unconfirmed registration is kept, and its confirmation link valid
    (settings.RETENTION_UNCONFIRMED_REGISTRATIONS_DAYS, shown on the privacy statement)."""
    return timedelta(days=settings.RETENTION_UNCONFIRMED_REGISTRATIONS_DAYS)


def _confirm_link_expired(registration: Registration) -> bool:
    return registration.created_at < timezone.now() - confirm_max_age()


@dataclass(frozen=True)
class Outcome:
    """What a confirmation or cancellation did: the view shows a page for each ``state``."""

    state: str  # confirmed, waitlisted, already, cancelled, closed, event-cancelled, ended
    registration: Registration


def registration_confirm(*, registration: Registration) -> Outcome:
    """Confirm the address: a place if there is one, else the waitlist. A second call changes
    nothing. Closed registration (deadline or start passed, event cancelled) changes nothing."""
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.event = event
        if registration.status == R.CANCELLED:
            return Outcome("cancelled", registration)
        if registration.status != R.PENDING:
            return Outcome("already", registration)
        if event.status == E.CANCELLED:
            return Outcome("event-cancelled", registration)
        if not event.registration_open:
            return Outcome("closed", registration)
        now = timezone.now()
        registration.confirmed_at = now
        if _take_place(event, registration):
            _mail_confirmed(registration, template="events/email/registration_confirmed")
            return Outcome("confirmed", registration)
        registration.status = R.WAITLISTED
        registration.waitlisted_at = now
        registration.save(update_fields=["status", "waitlisted_at", "confirmed_at"])
        _mail(
            registration,
            "events/email/registration_waitlisted",
            position=registration.waitlist_position,
        )
        return Outcome("waitlisted", registration)


def _lock_event(event_id: int) -> Event:
    """The event row, locked until the transaction ends: place changes of one event queue up."""
    return Event.objects.select_for_update().get(pk=event_id)


def _free_place(event: Event) -> int | None:
    """The lowest free place number, None when full (``0`` stands for unlimited capacity)."""
    if event.capacity is None:
        return 0
    taken = set(
        Registration.objects.filter(event_id=event.pk, place__isnull=False).values_list(
            "place", flat=True
        )
    )
    return next((n for n in range(1, event.capacity + 1) if n not in taken), None)


def _take_place(event: Event, registration: Registration) -> bool:
    """Give ``registration`` a place and confirm it; False when the event is full.

    The unique constraint on (event, place) decides if two transactions pick the same number:
    the loser's savepoint rolls back and it looks for another free place.
    """
    for _attempt in range(PLACE_ATTEMPTS):
        place = _free_place(event)
        if place is None:
            return False
        try:
            with transaction.atomic():
                Registration.objects.filter(pk=registration.pk).update(
                    status=R.CONFIRMED,
                    place=place or None,
                    confirmed_at=registration.confirmed_at or timezone.now(),
                )
        except IntegrityError:
            logger.info("place %s of event %s was taken meanwhile", place, event.pk)
            continue
        registration.status = R.CONFIRMED
        registration.place = place or None
        registration.confirmed_at = registration.confirmed_at or timezone.now()
        return True
    return False


def registration_cancel(*, registration: Registration) -> Outcome:
    """The person cancels (POST from the page the mail links to): the place is freed and the
    first person on the waitlist moves up. A second call changes nothing."""
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.event = event
        if registration.status == R.CANCELLED:
            return Outcome("already", registration)
        if event.has_ended:
            return Outcome("ended", registration)
        had_place = registration.status == R.CONFIRMED
        registration.status = R.CANCELLED
        registration.place = None
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "place", "cancelled_at"])
        _mail(registration, "events/email/registration_cancelled", cancel=False)
        if had_place:
            event_fill_places(event=event)
        return Outcome("cancelled", registration)


def registration_erase(*, registration: Registration) -> None:
    """Delete a registration for good (the person deleted their account): its place, if it held
    one, goes to the waitlist as after a cancellation. No mail: the person asked for nothing
    more than the deletion."""
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        had_place = (
            Registration.objects.filter(pk=registration.pk, status=R.CONFIRMED).exists()
            and not event.has_ended
        )
        Registration.objects.filter(pk=registration.pk).delete()
        if had_place:
            event_fill_places(event=event)


def event_erase(*, event: Event) -> None:
    """Delete an event that was never public (a member's proposal), with its image."""
    with transaction.atomic():
        event_remove_public_image(event)
        if event.image_original:
            files.delete_on_commit(event.image_original.storage, event.image_original.name)
        event.delete()


def event_fill_places(*, event: Event) -> list[Registration]:
    """Move people up from the waitlist, first come first served, while places are free.

    Runs after a cancellation and when staff raise the capacity; until the event starts.
    The caller holds the event lock, or this takes it.
    """
    promoted = []
    with transaction.atomic():
        event = _lock_event(event.pk)
        if event.status != E.PUBLISHED or event.starts_at <= timezone.now():
            return promoted
        for registration in event.registrations.waitlist().select_for_update():
            registration.event = event
            if not _take_place(event, registration):
                break
            _mail_confirmed(registration, template="events/email/registration_promoted")
            promoted.append(registration)
    return promoted


def registration_move_up(*, registration: Registration, actor) -> int | None:
    """Staff move a waitlisted person up by hand, out of turn if they like.

    Takes a free place, or adds one to the capacity when the event is full. Returns the new
    capacity if it was raised, else None. Raises RegistrationError("not-waitlisted").
    """
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.event = event
        if registration.status != R.WAITLISTED:
            raise RegistrationError("not-waitlisted")
        raised = None
        if _free_place(event) is None:
            event.capacity += 1
            Event.objects.filter(pk=event.pk).update(capacity=event.capacity)
            raised = event.capacity
        if not _take_place(event, registration):  # pragma: no cover - the lock prevents it
            raise RegistrationError("full")
        _log(registration, R.WAITLISTED, R.CONFIRMED, actor=actor, note="Von Hand nachgerückt")
        _mail_confirmed(registration, template="events/email/registration_promoted")
    return raised


def _log(obj, from_state: str, to_state: str, *, actor=None, note: str = "") -> None:
    """Record a state change made without ``moderation.transition()`` (places change in bulk)."""
    from django.contrib.contenttypes.models import ContentType

    from smartregion.core.models import ModerationLog

    ModerationLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
    )


# Mails to registrants ---------------------------------------------------------------------------


def _mail(
    registration: Registration,
    template: str,
    *,
    confirm=False,
    cancel=True,
    ics=False,
    **extra,
):
    """A mail to a registered person, in the language they registered in (also when the worker
    or staff send it later): its links, the .ics attached (``ics``) and the texts."""
    event = registration.event
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": event,
            "confirm_path": confirm_path(registration) if confirm else "",
            "cancel_path": cancel_path(registration) if cancel else "",
            **extra,
        }
        mail.send_mail(
            template,
            to=registration.email,
            context=context,
            attachments=[_ics_attachment(event)] if ics else None,
            language=registration.language,
        )


def _ics_attachment(event: Event) -> Attachment:
    return Attachment(f"{event.slug}.ics", ical.event_calendar(event), "text/calendar")


def _mail_confirmed(registration: Registration, *, template: str) -> None:
    """Confirmed (or moved up): the .ics attached, and for online events the access link.
    The access link goes into no other mail and onto no page."""
    event = registration.event
    _mail(registration, template, access_url=event.online_url if event.is_online else "", ics=True)


def registrations_send_reminders(*, now=None) -> int:
    """Remind confirmed participants of events that start within the next 24 hours, once each.

    Claiming ``reminded_at`` with a conditional UPDATE makes concurrent runs harmless.
    """
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=R.CONFIRMED,
        reminded_at__isnull=True,
        event__status=E.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_BEFORE,
    ).select_related("event")
    sent = 0
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True, status=R.CONFIRMED
            ).update(reminded_at=now)
            if not claimed:
                continue
            event = registration.event
            _mail(
                registration,
                "events/email/registration_reminder",
                access_url=event.online_url if event.is_online else "",
            )
            sent += 1
    return sent


def registrations_purge_unconfirmed(*, now=None) -> int:
    """Delete registrations never confirmed within ``confirm_max_age()`` (their link has
    expired)."""
    now = now or timezone.now()
    deleted, _ = Registration.objects.filter(
        status=R.PENDING, created_at__lt=now - confirm_max_age()
    ).delete()
    return deleted


# What stands in place of the address of an anonymised registration: unique per registration (one
# registration per address and event), and in the .invalid domain that never receives mail.
ANONYMISED_EMAIL_DOMAIN = "anonymisiert.invalid"


def registrations_anonymise_past(*, now=None) -> int:
    """Erase name, address and organisation of the registrations of events that ended
    ``RETENTION_PAST_REGISTRATIONS_DAYS`` ago. The rows stay, so the number of participants
    (and who was confirmed, waitlisted or cancelled) remains countable."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_PAST_REGISTRATIONS_DAYS)
    return (
        Registration.objects.filter(event__ends_at__lt=cutoff)
        .exclude(email__endswith=f"@{ANONYMISED_EMAIL_DOMAIN}")
        .update(
            name="",
            organisation="",
            email=Concat(
                Value("anonym-"),
                Cast("public_id", CharField()),
                Value(f"@{ANONYMISED_EMAIL_DOMAIN}"),
            ),
        )
    )


# Moderation -------------------------------------------------------------------------------------


def event_slug(title: str, *, exclude_pk=None) -> str:
    slug = unique_slug(Event, title, max_length=160, exclude_pk=exclude_pk)
    if slug in RESERVED_SLUGS:
        slug = unique_slug(Event, f"{title} Termin", max_length=160, exclude_pk=exclude_pk)
    return slug


# Paths under /veranstaltungen/ that an event's slug must not take.
RESERVED_SLUGS = {"anmeldung", "kalender"}


def event_propose(*, event: Event, topics, user, image=None) -> Event:
    """A member proposes an event (an unsaved, validated instance from the form): it waits
    for the Redaktion, which is mailed."""
    event.status = E.SUBMITTED
    event.proposed_by = user
    event.proposer_language = current_language()
    event.slug = event_slug(event.title)
    with files.atomic():  # a rollback takes the image file back
        event.save()
        event.topics.set(topics)
        if image is not None:
            event_set_image(event=event, verified=image)
        moderation.transition(event, E.SUBMITTED, actor=user, note="Vorschlag eines Mitglieds")
        if user and user.email:
            _mail_proposer(event, "events/email/proposal_received")
        recipients = moderation.editor_emails()
        if recipients:
            mail.send_mail(
                "events/email/proposal_waiting",
                to=recipients,
                language=settings.LANGUAGE_CODE,  # the Redaktion reads German
                context={
                    "event": event,
                    "admin_path": reverse("admin:events_event_change", args=[event.pk]),
                },
            )
    return event


def _mail_proposer(event: Event, template: str, **context) -> None:
    """A mail to the member who proposed ``event``, in the language they proposed it in (the
    Redaktion answers later, from the German admin)."""
    mail.send_mail(
        template,
        to=event.proposed_by.email,
        context={"event": event, **context},
        language=event.proposer_language,
    )


def event_publish(*, event: Event, actor) -> None:
    event.rejection_reason = ""
    moderation.transition(
        event,
        E.PUBLISHED,
        actor=actor,
        allowed_from={E.DRAFT, E.SUBMITTED, E.REJECTED},
        extra_fields=("rejection_reason",),
    )
    transaction.on_commit(partial(tasks.render_event_image.enqueue, event.pk))
    if event.proposed_by_id and event.proposed_by.email:
        _mail_proposer(event, "events/email/proposal_published")


def event_reject(*, event: Event, actor, reason: str) -> None:
    event.rejection_reason = reason
    moderation.transition(
        event,
        E.REJECTED,
        actor=actor,
        note=reason,
        allowed_from={E.SUBMITTED, E.DRAFT},
        extra_fields=("rejection_reason",),
    )
    if event.proposed_by_id and event.proposed_by.email:
        _mail_proposer(event, "events/email/proposal_rejected", reason=reason)


def event_cancel(*, event: Event, actor, note: str = "") -> int:
    """Cancel a published event: it stays visible as „abgesagt“, calendars get STATUS:CANCELLED
    (SEQUENCE raised), and everyone registered is mailed. Returns the number of mails."""
    event.cancellation_note = note
    moderation.transition(
        event,
        E.CANCELLED,
        actor=actor,
        note=note,
        allowed_from={E.PUBLISHED},
        extra_fields=("cancellation_note",),
    )
    registrations = event.registrations.active()
    count = 0
    for registration in registrations:
        registration.event = event
        _mail(
            registration,
            "events/email/event_cancelled",
            cancel=False,
            note=note,
            ics=registration.status == R.CONFIRMED,
        )
        count += 1
    return count


# Images -----------------------------------------------------------------------------------------


def event_set_image(*, event: Event, verified) -> None:
    """Keep the verified image privately; public renditions follow once the event is public.

    The new original is written first and the old one (and the old renditions) deleted when the
    transaction commits: a rollback (the admin's form saving fails later) keeps the event and
    its image as they were, and takes the new file back."""
    with files.atomic():
        _lock_event(event.pk)
        images.store_original(event.image_original, verified)
        event_remove_public_image(event)
        Event.objects.filter(pk=event.pk).update(image_original=event.image_original.name)
        if event.is_public:
            transaction.on_commit(partial(tasks.render_event_image.enqueue, event.pk))


def event_render_image(event: Event) -> None:
    """Make the public renditions of a public event's image, once.

    Rendered without a lock; kept only if, with the event locked, it is still public, still has
    this image and no renditions yet. Otherwise the files just written are deleted again."""
    if event.image_renditions or not event.image_original:
        return
    original = event.image_original.name
    stored = images.render_original(
        event.image_original, prefix=f"events/{event.uid.split('@')[0]}"
    )
    with transaction.atomic():
        locked = Event.objects.select_for_update().filter(pk=event.pk).first()
        keep = (
            locked is not None
            and locked.is_public
            and not locked.image_renditions
            and locked.image_original.name == original
        )
        if keep:
            event.image_renditions = stored
            Event.objects.filter(pk=event.pk).update(
                image_renditions=stored, updated_at=timezone.now()
            )
    if not keep:
        files.delete_now(default_storage, [entry["path"] for entry in stored])


def stored_originals():
    """The private files the events' rows name (for ``files.sweep_orphans()``)."""
    return Event.objects.exclude(image_original="").values_list("image_original", flat=True)


def stored_renditions():
    """The public files the events' rows name (for ``files.sweep_orphans()``)."""
    for renditions in Event.objects.exclude(image_renditions=[]).values_list(
        "image_renditions", flat=True
    ):
        yield from (entry["path"] for entry in renditions)


def event_remove_public_image(event: Event) -> None:
    """Take the renditions offline when the transaction commits (read from the locked row)."""
    with transaction.atomic():
        locked = _lock_event(event.pk)
        images.delete_renditions(locked.image_renditions)
        event.image_renditions = []
        Event.objects.filter(pk=event.pk).update(image_renditions=[])
