"""Writes with side effects for the newsletter: signup, confirmation, unsubscribe, erasure, and
sending campaigns.

Sending, and what "exactly once" means here
-------------------------------------------
The first ``send_campaign`` task (queue "bulk", low priority) creates one ``Delivery`` row per
recipient, in the same transaction that moves the campaign from "scheduled" to "sending"; the
unique constraint (campaign, subscriber) means a row is never added twice. Each task then sends
one batch of at most ``BATCH_SIZE`` pending rows over one SMTP connection and, if rows are still
pending, enqueues the next batch as a new task. ``CAMPAIGN_SEND_CHAINS`` such chains start
at once, so that several workers send in parallel. Between two batches the worker takes any waiting
task of higher priority first, so a confirmation mail (queue "mail") never waits for a whole
campaign. A batch locks the next due rows together (``SELECT … LIMIT … FOR UPDATE SKIP
LOCKED``: a second chain takes the following ones), sends them, and marks them sent or failed
in that same transaction, in a few statements whatever the batch's size; it commits when the
batch ends, when sending stops with an error (what the server accepted is recorded first), and
at the latest ``COMMIT_SECONDS`` (1 s) after the lock, after which the rows left are locked
again. So:

* a row marked sent is never sent again, whoever runs a batch again and however often;
* two workers (or two batch chains) on the same campaign never send the same row (the lock; the
  second skips it);
* a worker killed hard (SIGKILL, power loss; SIGTERM lets db_worker finish the batch) leaves
  the rows it sent since its last commit, at most one second of sending and never more than a
  batch, uncommitted. They are pending again and sent on the next run, so those recipients get
  the mail twice (at-least-once; an SMTP transaction and a database commit cannot be made atomic
  together). Both copies carry the same Message-ID, which many mail programs use to hide the
  duplicate. Committing per mail bounded that to one mail per crash, at the price of a
  transaction per mail (docs/newsletter.md, Benchmark).

A recipient refused temporarily (450, 451, 452 at RCPT TO: greylisting, a full mailbox, a
local error) stays pending with ``Delivery.retry_at`` set after a backoff (``mail.retry_delay``)
and is sent by a later batch; after ``MAIL_RETRY_HOURS`` of refusals it is marked failed, as any
mail is. Only a permanent refusal (5xx) marks a delivery failed at once; failed deliveries can be
retried from the admin. While deliveries wait for their retry the campaign is not finished: the
chain that finds nothing else to send enqueues itself again for the first ``retry_at``
(``Campaign.resume_at``).

When the server cannot be reached, drops the connection, closes it (421 at any step) or refuses
the sender or the data temporarily (4xx), the batch stops with its rows still pending and the
chain continues later: the same task is enqueued with a ``run_after`` that backs off
(``mail.retry_delay``, at most an hour apart) and ``Campaign.resume_at`` says when. Any other
error ends the chain; the periodic ``resume_stalled_campaigns`` task (after 15 minutes without
progress, or 15 minutes after a planned retry that did not happen) or the admin starts it again.
"""

from __future__ import annotations

import email
import email.policy
import logging
import mailbox
import smtplib
import time
from datetime import timedelta
from enum import StrEnum
from functools import partial

from django.conf import settings
from django.core.mail import mailers
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from newsletter import bounces, emails, links
from newsletter.models import Campaign, ConsentText, Delivery, Subscriber, normalise_email
from smartregion.core import mail
from smartregion.core.signing import BadToken

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# A batch commits what it sent at least this often (and when it ends or stops): the row locks
# are held no longer, and a worker killed mid-batch leaves at most this much sent but pending.
COMMIT_SECONDS = 1.0
STALLED_AFTER = timedelta(minutes=15)
SUGGEST_WITHOUT_PREVIOUS = timedelta(days=30)
MAX_SUGGESTED_POSTS = 6
MAX_SUGGESTED_EVENTS = 5

S = Subscriber.Status
C = Campaign.Status
D = Delivery.Status

# Errors that concern one message (the recipient or its content): the row is marked failed and
# the run goes on. Anything else (server unreachable, a bug) stops the run with the row pending.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    ValueError,  # an address or header the mail library refuses
)
CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, ConnectionError)


# Subscribing ------------------------------------------------------------------------------------


def subscription_request(
    *,
    email: str,
    name: str = "",
    topics=(),
    consent_text: ConsentText,
    source: str = Subscriber.Source.FORM,
    language: str = settings.LANGUAGE_CODE,
) -> None:
    """A signup from the form. Returns nothing on purpose: whatever the address's state, the
    visitor sees the same page (no enumeration). New, pending and unsubscribed addresses get a
    confirmation link; a confirmed address gets an "already subscribed" mail and is not changed.

    ``language`` is the form's: the subscriber's mails are in it, and the proof keeps which
    wording of ``consent_text`` that form showed (the German one where it had no English)."""
    email = normalise_email(email)
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().with_email(email).first()
        if subscriber is not None and subscriber.is_confirmed:
            emails.send_already_subscribed(subscriber)
            return
        if subscriber is None:
            subscriber = Subscriber(email=email)
        subscriber.name = name.strip()
        subscriber.consent_text = consent_text
        subscriber.consent_language = consent_text.wording(language).lang
        subscriber.language = language
        subscriber.source = source
        subscriber.signup_at = now
        subscriber.status = S.PENDING
        subscriber.confirmed_at = None
        try:
            with transaction.atomic():  # a concurrent signup of the same address may win
                subscriber.save()
        except IntegrityError:
            return  # the other signup mails the link
        subscriber.topics.set(topics)
        emails.send_confirmation(subscriber)


class Confirmation(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY = "already"
    EXPIRED = "expired"
    INVALID = "invalid"


def subscription_confirm(*, token: str) -> tuple[Confirmation, Subscriber | None]:
    """The confirmation link was opened. A used link says "already confirmed"; a link from
    before an unsubscribe does not confirm a later signup."""
    try:
        data = links.read_confirm_token(token)
    except BadToken:
        return Confirmation.INVALID, None
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=data.subscriber_id).first()
        if subscriber is None:
            return Confirmation.INVALID, None
        if subscriber.is_confirmed:
            return Confirmation.ALREADY, subscriber
        if data.expired:
            return Confirmation.EXPIRED, subscriber
        issued_for_this_signup = (
            subscriber.unsubscribed_at is None or data.issued_at >= subscriber.unsubscribed_at
        )
        if subscriber.status != S.PENDING or not issued_for_this_signup:
            return Confirmation.INVALID, None
        subscriber.status = S.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
    return Confirmation.CONFIRMED, subscriber


def subscriber_from_token(token: str) -> Subscriber | None:
    """The subscriber of a personal unsubscribe/preferences link, if it is genuine."""
    try:
        pk = links.read_manage_token(token)
    except BadToken:
        return None
    return Subscriber.objects.filter(pk=pk).first()


def subscription_cancel(*, subscriber: Subscriber) -> bool:
    """Unsubscribe. False when the address was unsubscribed already (nothing changes)."""
    changed = Subscriber.objects.filter(pk=subscriber.pk).exclude(status=S.UNSUBSCRIBED)
    now = timezone.now()
    if not changed.update(status=S.UNSUBSCRIBED, unsubscribed_at=now):
        return False
    subscriber.status, subscriber.unsubscribed_at = S.UNSUBSCRIBED, now
    return True


def subscriber_update_preferences(
    *, subscriber: Subscriber, name: str, topics, language: str | None = None
) -> None:
    """Save name and topics; saved on a page in another ``language``, later mails follow it."""
    subscriber.name = name.strip()
    subscriber.language = language or subscriber.language
    with transaction.atomic():
        subscriber.save(update_fields=["name", "language"])
        subscriber.topics.set(topics)


def subscriber_erase(*, subscriber: Subscriber) -> None:
    """Delete everything kept about a subscriber: the row, its topics and its deliveries, and
    queued or finished mail tasks to the address (they hold the rendered mail)."""
    email = subscriber.email
    with transaction.atomic():
        subscriber.delete()  # deliveries and topic links cascade
        mail.forget_mail_to(email)


def pending_purge() -> int:
    """Delete signups never confirmed within RETENTION_PENDING_SUBSCRIBERS_DAYS. Returns how
    many."""
    cutoff = timezone.now() - timedelta(days=settings.RETENTION_PENDING_SUBSCRIBERS_DAYS)
    _total, per_model = Subscriber.objects.filter(status=S.PENDING, signup_at__lt=cutoff).delete()
    return per_model.get(Subscriber._meta.label, 0)


# Campaigns --------------------------------------------------------------------------------------


def campaign_suggestions() -> dict:
    """What a new campaign proposes: posts published since the last sent campaign (the last 30
    days before the first one) and the next published events."""
    from blog.models import Post
    from events.models import Event

    last = Campaign.objects.last_sent()
    since = last.sent_at if last else timezone.now() - SUGGEST_WITHOUT_PREVIOUS
    posts = (
        Post.objects.published()
        .filter(published_at__gt=since)
        .order_by("-published_at")
        .values_list("pk", flat=True)[:MAX_SUGGESTED_POSTS]
    )
    events = (
        Event.objects.upcoming()
        .filter(status=Event.Status.PUBLISHED)
        .values_list("pk", flat=True)[:MAX_SUGGESTED_EVENTS]
    )
    return {"posts": list(posts), "events": list(events)}


def campaign_schedule(*, campaign: Campaign) -> bool:
    """Start sending a draft (after the staff member confirmed). False if it is no draft."""
    from newsletter import tasks

    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != C.DRAFT:
            return False
        locked.status = C.SCHEDULED
        locked.progress_at = timezone.now()
        locked.save(update_fields=["status", "progress_at"])
        # CAMPAIGN_SEND_CHAINS chains of batches, so that as many workers (on any machines) send
        # at once; the row locks keep them from sending a row twice.
        for _chain in range(settings.CAMPAIGN_SEND_CHAINS):
            transaction.on_commit(partial(tasks.send_campaign.enqueue, campaign.pk))
    campaign.status = locked.status
    return True


def campaign_retry(*, campaign: Campaign) -> int:
    """Send the failed deliveries again, and resume a send that stopped. Returns how many
    failed deliveries are pending again."""
    from newsletter import tasks

    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status == C.DRAFT:
            return 0
        count = Delivery.objects.filter(campaign=locked, status=D.FAILED).update(
            status=D.PENDING, retry_at=None, deferred_since=None
        )
        # Recipients waiting for a retry are tried now (their MAIL_RETRY_HOURS keep counting).
        Delivery.objects.filter(campaign=locked, status=D.PENDING).update(retry_at=None)
        if count and locked.status == C.SENT:
            locked.status = C.SENDING
        locked.progress_at = timezone.now()
        locked.save(update_fields=["status", "progress_at"])
        _update_counts(locked)
        transaction.on_commit(partial(tasks.send_campaign.enqueue, locked.pk))
    return count


def campaigns_resume_stalled() -> int:
    """Enqueue the send again for campaigns without progress for 15 minutes (a worker died),
    unless a retry is planned (``resume_at``) that is not 15 minutes overdue."""
    from newsletter import tasks

    cutoff = timezone.now() - STALLED_AFTER
    stalled = list(
        Campaign.objects.filter(status__in=[C.SCHEDULED, C.SENDING], progress_at__lt=cutoff)
        .filter(Q(resume_at__isnull=True) | Q(resume_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    for pk in stalled:
        Campaign.objects.filter(pk=pk).update(progress_at=timezone.now(), resume_at=None)
        transaction.on_commit(partial(tasks.send_campaign.enqueue, pk))
    return len(stalled)


def campaign_send(
    *, campaign_id: int, batch_size: int | None = None, failures: int = 0
) -> Campaign | None:
    """Send one batch of a scheduled or sending campaign and enqueue the next batch, or finish
    the campaign when no row is pending. Safe to run again at any time and in parallel (see the
    module docstring). ``failures`` counts the batches in a row that found the server
    unavailable, for the backoff."""
    from newsletter import tasks

    batch_size = batch_size or BATCH_SIZE
    campaign = _start_sending(campaign_id)
    if campaign is None:
        return None
    if not _due(campaign).exists():
        return _finish(campaign)
    rendered = emails.render_campaign(campaign)
    try:
        handled = _send_batch(campaign, rendered, batch_size)
    except Exception as error:
        _update_counts(campaign)
        if not (mail.is_temporary_failure(error) and _send_later(campaign, failures + 1, error)):
            raise
        return campaign
    _update_counts(campaign)
    if handled and _due(campaign).exists():
        # Not on commit: the worker runs a task outside any transaction.
        tasks.send_campaign.enqueue(campaign.pk)
        return campaign
    # Done, or every row of the batch is being sent by another worker (whose chain goes on), or
    # the rows left wait for their retry.
    return _finish(campaign)


def _due(campaign: Campaign):
    """The pending deliveries to send now: not waiting for a retry, or their time has come."""
    return Delivery.objects.filter(campaign=campaign, status=D.PENDING).filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now())
    )


def _send_later(campaign: Campaign, failures: int, error: Exception) -> bool:
    """Enqueue this batch again after a backoff; False if the task backend cannot defer."""
    from newsletter import tasks

    if not tasks.send_campaign.get_backend().supports_defer:
        return False
    resume_at = timezone.now() + timedelta(seconds=mail.retry_delay(failures))
    Campaign.objects.filter(pk=campaign.pk).update(resume_at=resume_at)
    campaign.resume_at = resume_at
    tasks.send_campaign.using(run_after=resume_at).enqueue(campaign.pk, failures=failures)
    logger.warning(
        "newsletter %s: mail server unavailable (%s), %d time(s) in a row; next batch at %s",
        campaign.pk,
        mail.error_text(error),
        failures,
        resume_at.isoformat(),
    )
    return True


def _start_sending(campaign_id: int) -> Campaign | None:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or campaign.status not in (C.SCHEDULED, C.SENDING):
            return None
        if campaign.status == C.SCHEDULED:
            _create_deliveries(campaign)
            campaign.status = C.SENDING
            campaign.started_at = timezone.now()
            campaign.save(update_fields=["status", "started_at"])
            _update_counts(campaign)
    return campaign


def _create_deliveries(campaign: Campaign) -> None:
    """One pending delivery per recipient, in one statement that runs in the database
    (``INSERT … SELECT … ON CONFLICT DO NOTHING``): no row passes through Python, which with
    ``bulk_create`` took a tenth of a millisecond of the worker's CPU per recipient."""
    recipients = Subscriber.objects.recipients_for(campaign).order_by().values("pk")
    select, params = recipients.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(Delivery._meta.get_field(name).column)
        for name in ("campaign", "subscriber", "status", "attempts", "error")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Delivery._meta.db_table)} ({columns}) "
            f"SELECT %s, recipient.id, %s, 0, '' "
            f"FROM ({select}) AS recipient (id) ON CONFLICT DO NOTHING",
            [campaign.pk, D.PENDING, *params],
        )


def _send_batch(campaign: Campaign, rendered, batch_size: int) -> int:
    """Send the next ``batch_size`` due deliveries over one connection; returns how many were
    handled (0: every due row is being sent by another worker).

    The rows are locked together (``SELECT … FOR UPDATE SKIP LOCKED``: a second chain takes the
    next rows, not these), and their new states are written in a few statements and committed
    together (``_Progress``), at the latest ``COMMIT_SECONDS`` after the lock; then the rows
    left are locked again and the batch goes on."""
    handled = 0
    left: list[int] | None = None  # the rows of the batch still to send after a commit
    sender = emails.CampaignSender(rendered, connection=mailers.default)
    try:
        while left is None or left:
            with _Progress() as progress:
                if left is None:
                    deliveries = list(_locking(_due(campaign))[:batch_size])
                else:
                    deliveries = list(
                        _locking(Delivery.objects.filter(pk__in=left, status=D.PENDING))
                    )
                left = []
                until = time.monotonic() + COMMIT_SECONDS
                for n, delivery in enumerate(deliveries):
                    if n and time.monotonic() >= until:
                        left = [d.pk for d in deliveries[n:]]
                        break
                    handled += 1
                    _send_one(sender, campaign, delivery, progress)
    finally:
        sender.close()
    return handled


def _locking(deliveries):
    """``deliveries`` in order, with their subscribers, locked; rows another worker holds are
    left out."""
    return (
        deliveries.select_for_update(skip_locked=True, of=("self",))
        .select_related("subscriber")
        .order_by("pk")
    )


class _Progress:
    """The transaction in which a batch locks its rows and records what became of them, written
    when it ends in at most three statements (the sent rows, the skipped ones, and those that
    failed or wait for a retry). It commits also when the block raises: what the server
    accepted is recorded as sent before the error goes on."""

    def __init__(self):
        self.sent: list[int] = []
        self.skipped: list[int] = []
        self.other: list[Delivery] = []
        self._atomic = transaction.atomic()

    def __enter__(self) -> _Progress:
        self._atomic.__enter__()
        return self

    def __exit__(self, *exc_info) -> bool:
        try:
            self._save()
        except BaseException as error:
            self._atomic.__exit__(type(error), error, error.__traceback__)  # roll back
            raise
        self._atomic.__exit__(None, None, None)  # commit
        return False  # an error of the block goes on

    def _save(self) -> None:
        if self.sent:
            Delivery.objects.filter(pk__in=self.sent).update(
                status=D.SENT,
                attempts=F("attempts") + 1,
                sent_at=timezone.now(),
                error="",
                retry_at=None,
                deferred_since=None,
            )
        if self.skipped:
            Delivery.objects.filter(pk__in=self.skipped).update(status=D.SKIPPED)
        if self.other:
            Delivery.objects.bulk_update(
                self.other, ["status", "attempts", "error", "retry_at", "deferred_since"]
            )


def _send_one(
    sender: emails.CampaignSender, campaign: Campaign, delivery: Delivery, progress: _Progress
) -> None:
    subscriber = delivery.subscriber
    if not subscriber.is_confirmed:  # unsubscribed since the send began
        progress.skipped.append(delivery.pk)
        return
    try:
        _deliver(sender, subscriber=subscriber, delivery_id=delivery.pk, campaign_id=campaign.pk)
    except MESSAGE_ERRORS as error:
        if _server_unavailable(error):
            raise  # the row stays pending; the batch is tried again later (campaign_send)
        delivery.attempts += 1
        delivery.error = mail.error_text(error)
        if not (mail.is_temporary_failure(error) and _retry_later(delivery)):
            delivery.status = D.FAILED
            delivery.retry_at = delivery.deferred_since = None
            logger.warning(
                "newsletter %s: delivery %s failed: %s", campaign.pk, delivery.pk, delivery.error
            )
        progress.other.append(delivery)
    else:
        progress.sent.append(delivery.pk)


def _retry_later(delivery: Delivery) -> bool:
    """Keep a delivery the recipient's server refused temporarily pending, to be tried again
    after a backoff; False once it has been refused for MAIL_RETRY_HOURS (it fails)."""
    now = timezone.now()
    since = delivery.deferred_since or now
    deadline = since + timedelta(hours=settings.MAIL_RETRY_HOURS)
    if now >= deadline:
        return False
    delivery.deferred_since = since
    delivery.retry_at = min(now + timedelta(seconds=mail.retry_delay(delivery.attempts)), deadline)
    logger.info(
        "newsletter delivery %s refused temporarily (%s); next attempt at %s",
        delivery.pk,
        delivery.error,
        delivery.retry_at.isoformat(),
    )
    return True


def _server_unavailable(error: Exception) -> bool:
    """A temporary refusal that concerns every message, not this recipient: the sender or the
    data refused with 4xx (e.g. "451 local error"), or 421 at any step, the server closing the
    connection (smtplib has closed it already)."""
    if not mail.is_temporary_failure(error):
        return False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _message in error.recipients.values())
    return True


def _deliver(sender: emails.CampaignSender, **mail_to) -> None:
    """Send one message; after a dropped connection reconnect once. A second failure (the
    server is gone) stops the run, leaving the row pending."""
    try:
        sender.send(**mail_to)
    except CONNECTION_ERRORS:
        sender.close()
        sender.send(**mail_to)


def _update_counts(campaign: Campaign) -> None:
    counts = Delivery.objects.filter(campaign=campaign).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=D.SENT)),
        failed=Count("pk", filter=Q(status=D.FAILED)),
        skipped=Count("pk", filter=Q(status=D.SKIPPED)),
        deferred=Count("pk", filter=Q(status=D.PENDING, retry_at__isnull=False)),
    )
    campaign.sent_count = counts["sent"]
    campaign.failed_count = counts["failed"]
    campaign.skipped_count = counts["skipped"]
    campaign.deferred_count = counts["deferred"]
    campaign.total_count = counts["total"]
    campaign.progress_at = timezone.now()
    campaign.resume_at = None
    Campaign.objects.filter(pk=campaign.pk).update(
        sent_count=campaign.sent_count,
        failed_count=campaign.failed_count,
        skipped_count=campaign.skipped_count,
        deferred_count=campaign.deferred_count,
        total_count=campaign.total_count,
        progress_at=campaign.progress_at,
        resume_at=None,
    )


def _finish(campaign: Campaign) -> Campaign:
    """Mark the campaign sent when no delivery is pending. Pending deliveries that another
    worker is sending are left to its chain; when the only ones left wait for a retry, this
    chain goes on at the first ``retry_at`` (``resume_at``)."""
    from newsletter import tasks

    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != C.SENDING:
            return locked
        pending = Delivery.objects.filter(campaign=locked, status=D.PENDING)
        if not pending.exists():
            locked.status = C.SENT
            locked.sent_at = locked.sent_at or timezone.now()
            locked.resume_at = None
            locked.save(update_fields=["status", "sent_at", "resume_at"])
            return locked
        due = _due(locked)
        if due.select_for_update(skip_locked=True).values_list("pk", flat=True).first():
            # Due now and nobody is sending it (its retry time came meanwhile): go on.
            transaction.on_commit(partial(tasks.send_campaign.enqueue, locked.pk))
        elif not due.exists():
            locked.resume_at = pending.aggregate(first=Min("retry_at"))["first"]
            locked.save(update_fields=["resume_at"])
            # Without a backend that defers, resume_stalled_campaigns starts it after resume_at.
            if tasks.send_campaign.get_backend().supports_defer:
                later = tasks.send_campaign.using(run_after=locked.resume_at)
                transaction.on_commit(partial(later.enqueue, locked.pk))
    return locked


# Bounces ----------------------------------------------------------------------------------------

# Mails in the bounce mailbox that are no bounce of ours go into this Maildir folder, for a look.
IGNORED_FOLDER = "ignored"


def bounce_record(*, delivery_id: int, reason: str) -> bool:
    """A delivery bounced permanently: mark it bounced with the reason, count it on its
    campaign, and mark its subscriber as bouncing, so later campaigns skip the address (an
    unsubscribed address stays unsubscribed). False when the delivery is gone (the subscriber
    was erased) or its bounce was recorded already: a bounce read twice counts once."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(pk=delivery_id, bounced_at__isnull=True)
            .first()
        )
        if delivery is None:
            return False
        delivery.bounced_at = now
        delivery.error = reason[:1000]
        delivery.save(update_fields=["bounced_at", "error"])
        Campaign.objects.filter(pk=delivery.campaign_id).update(
            bounced_count=F("bounced_count") + 1
        )
        Subscriber.objects.filter(pk=delivery.subscriber_id, status=S.CONFIRMED).update(
            status=S.BOUNCING, bounced_at=now
        )
    logger.info("newsletter delivery %s bounced: %s", delivery_id, reason)
    return True


def bounces_process(*, maildir: str) -> dict[str, int]:
    """Read the bounce mailbox (a Maildir) and record each permanent bounce. Every mail read
    leaves the inbox: bounces are deleted, mails that are no bounce of ours are moved to the
    folder "ignored". Returns how many mails were "bounced" (recorded now), "known" (recorded
    before, or the delivery is gone), "temporary" (4.x.x: the remote server still tries) and
    "ignored". Safe to run twice at once: a mail another run took is skipped."""
    box = mailbox.Maildir(maildir, factory=None, create=False)
    counts = dict.fromkeys(["bounced", "known", "temporary", "ignored"], 0)
    for key in list(box.iterkeys()):
        try:
            raw = box.get_bytes(key)
        except (KeyError, FileNotFoundError):
            continue  # another run took it
        bounce = bounces.read_bounce(email.message_from_bytes(raw, policy=email.policy.default))
        if bounce is None:
            box.add_folder(IGNORED_FOLDER).add(raw)
            counts["ignored"] += 1
        elif not bounce.permanent:
            counts["temporary"] += 1
        elif bounce_record(delivery_id=bounce.delivery_id, reason=bounce.reason):
            counts["bounced"] += 1
        else:
            counts["known"] += 1
        box.discard(key)
    return counts
