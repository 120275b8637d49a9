"""Hard bounces: campaign mails go out from per-delivery bounce addresses (VERP), the bounce
mailbox (a real Maildir) is read by ``manage.py process_bounces``, and addresses that bounce
permanently get no further campaigns."""

import email
import email.policy
import mailbox
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from newsletter import links, services, tasks
from newsletter.bounces import read_bounce
from newsletter.models import Campaign, Delivery, Subscriber
from tests.factories import CampaignFactory, SubscriberFactory
from tests.newsletter.conftest import confirm_link

pytestmark = pytest.mark.django_db

BOUNCES = "bounces@portal.example"


@pytest.fixture(autouse=True)
def _bounce_address(settings):
    settings.BOUNCE_ADDRESS = BOUNCES


def dsn(
    bounce_address: str,
    recipient: str,
    *,
    action: str = "failed",
    status: str = "5.1.1",
    diagnostic: str = "smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown",
    delivered_to: str | None = None,
) -> bytes:
    """A delivery status notification as Postfix writes it and delivers it into a Maildir."""
    delivered_to = delivered_to or bounce_address
    diagnostic = diagnostic.format(recipient=recipient)
    return f"""Return-Path: <>
X-Original-To: {delivered_to}
Delivered-To: {delivered_to}
Received: by mail.portal.example (Postfix) id 4XyZ1; Mon,  7 Dec 2026 10:00:05 +0100 (CET)
Date: Mon,  7 Dec 2026 10:00:05 +0100 (CET)
From: MAILER-DAEMON@mail.portal.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {bounce_address}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4XyZ1.1765098005/mail.portal.example"
Message-Id: <20261207090005.4XyZ1@mail.portal.example>

This is a MIME-encapsulated message.

--4XyZ1.1765098005/mail.portal.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.portal.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{recipient}>: host mx.example.org said: {diagnostic}

--4XyZ1.1765098005/mail.portal.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.portal.example
X-Postfix-Queue-ID: 4XyZ1
X-Postfix-Sender: rfc822; {bounce_address}
Arrival-Date: Mon,  7 Dec 2026 10:00:01 +0100 (CET)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mx.example.org
Diagnostic-Code: {diagnostic}

--4XyZ1.1765098005/mail.portal.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <{bounce_address}>
From: SMART REGION Emscher-Lippe <redaktion@smartregion-emscher-lippe.de>
To: {recipient}
Subject: Neues aus der Region

--4XyZ1.1765098005/mail.portal.example--
""".encode()


AUTO_REPLY = b"""Return-Path: <anna@example.org>
Delivered-To: bounces@portal.example
From: Anna <anna@example.org>
To: bounces@portal.example
Subject: Abwesenheitsnotiz
Auto-Submitted: auto-replied
Content-Type: text/plain; charset=utf-8

Ich bin bis Montag nicht im Buero.
"""


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.fixture
def maildir(tmp_path):
    """A real Maildir (cur/, new/, tmp/), as the mail server delivers into."""
    return mailbox.Maildir(tmp_path / "bounces", create=True)


def process(maildir) -> str:
    out = StringIO()
    call_command("process_bounces", maildir=maildir._path, stdout=out)
    return out.getvalue()


def send_campaign(smtp_server, **kwargs) -> Campaign:
    campaign = CampaignFactory(**kwargs)
    assert services.campaign_schedule(campaign=campaign)
    tasks.send_campaign.enqueue(campaign.pk)  # the immediate backend: all batches now
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    return campaign


def test_a_permanent_bounce_marks_the_address_and_later_campaigns_skip_it(smtp_server, maildir):
    anna = SubscriberFactory(email="anna@example.org")
    bernd = SubscriberFactory(email="bernd@example.org")
    clara = SubscriberFactory(email="clara@example.org")
    smtp_server.start()
    first = send_campaign(smtp_server)
    sender = {rcpt[0]: mail_from for mail_from, rcpt in smtp_server.envelopes}
    assert set(sender) == {anna.email, bernd.email, clara.email}

    # What came back: anna's mailbox does not exist, bernd's server still tries, an out-of-
    # office reply, and a made-up bounce address.
    maildir.add(dsn(sender[anna.email], anna.email))
    maildir.add(
        dsn(
            sender[bernd.email],
            bernd.email,
            action="delayed",
            status="4.4.1",
            diagnostic="X-Postfix; connect to mx.example.org: Connection timed out",
        )
    )
    maildir.add(AUTO_REPLY)
    forged = sender[clara.email].replace("@", "x@")
    maildir.add(dsn(forged.replace("bounces+", "bounces+1"), clara.email))

    assert process(maildir) == "1 bounced, 0 known already, 1 temporary, 2 ignored\n"

    anna.refresh_from_db()
    assert anna.status == Subscriber.Status.BOUNCING and anna.bounced_at
    delivery = Delivery.objects.get(campaign=first, subscriber=anna)
    assert delivery.status == Delivery.Status.SENT and delivery.bounced_at
    assert delivery.error.startswith("Bounce 5.1.1: smtp; 550 5.1.1 <anna@example.org>")
    assert Subscriber.objects.filter(status="confirmed").count() == 2
    first.refresh_from_db()
    assert first.bounced_count == 1
    # The inbox is empty; what was no bounce of ours waits in the folder "ignored".
    assert maildir.keys() == []
    ignored = maildir.get_folder("ignored")
    assert sorted(m["Subject"] for m in ignored) == [
        "Abwesenheitsnotiz",
        "Undelivered Mail Returned to Sender",
    ]

    second = send_campaign(smtp_server)
    assert sorted(rcpt[0] for _from, rcpt in smtp_server.envelopes[3:]) == [
        bernd.email,
        clara.email,
    ]
    assert second.total_count == 2


def test_a_bounce_read_twice_counts_once(maildir):
    subscriber = SubscriberFactory(email="anna@example.org")
    campaign = CampaignFactory(status="sent", sent_at="2026-12-01T10:00Z")
    delivery = Delivery.objects.create(campaign=campaign, subscriber=subscriber, status="sent")
    bounce = dsn(links.bounce_address(delivery.pk), subscriber.email)
    maildir.add(bounce)
    maildir.add(bounce)  # the remote server sent it twice
    assert process(maildir) == "1 bounced, 1 known already, 0 temporary, 0 ignored\n"
    maildir.add(bounce)
    assert process(maildir) == "0 bounced, 1 known already, 0 temporary, 0 ignored\n"
    campaign.refresh_from_db()
    assert campaign.bounced_count == 1


def test_an_unsubscribed_address_stays_unsubscribed_and_an_erased_one_is_not_found(maildir):
    gone = SubscriberFactory(email="gone@example.org", status="unsubscribed")
    erased = SubscriberFactory(email="erased@example.org")
    campaign = CampaignFactory(status="sent", sent_at="2026-12-01T10:00Z")
    to_gone = Delivery.objects.create(campaign=campaign, subscriber=gone, status="sent")
    to_erased = Delivery.objects.create(campaign=campaign, subscriber=erased, status="sent")
    maildir.add(dsn(links.bounce_address(to_gone.pk), gone.email))
    maildir.add(dsn(links.bounce_address(to_erased.pk), erased.email))
    services.subscriber_erase(subscriber=erased)
    assert process(maildir) == "1 bounced, 1 known already, 0 temporary, 0 ignored\n"
    gone.refresh_from_db()
    assert gone.status == Subscriber.Status.UNSUBSCRIBED
    campaign.refresh_from_db()
    assert campaign.bounced_count == 1


def test_the_delivery_is_found_whatever_case_the_mail_server_wrote_it_in():
    address = links.bounce_address(4711)
    bounce = read_bounce(
        parse(dsn("Anna <x@elsewhere.example>", "a@example.org", delivered_to=address.upper()))
    )
    assert bounce is not None
    assert (bounce.delivery_id, bounce.permanent, bounce.status) == (4711, True, "5.1.1")


@pytest.mark.parametrize(
    ("action", "status", "permanent"),
    [
        ("failed", "5.2.2", True),  # mailbox full for good
        ("failed", "5.7.1 (delivery not authorized)", True),
        ("delayed", "4.2.2", False),
        ("failed", "4.4.7", False),  # given up after a temporary error: not the address's fault
    ],
)
def test_only_status_5_is_permanent(action, status, permanent):
    address = links.bounce_address(12)
    bounce = read_bounce(parse(dsn(address, "a@example.org", action=action, status=status)))
    assert (bounce.permanent, bounce.status) == (permanent, status.split()[0])


def test_a_mail_to_another_address_or_without_a_report_is_no_bounce(settings):
    address = links.bounce_address(12)
    assert read_bounce(parse(AUTO_REPLY)) is None
    assert read_bounce(parse(dsn("redaktion@portal.example", "a@example.org"))) is None
    plain = AUTO_REPLY.replace(b"bounces@portal.example", address.encode())
    assert read_bounce(parse(plain)) is None  # to our address, but no DSN
    settings.BOUNCE_ADDRESS = ""
    assert read_bounce(parse(dsn(address, "a@example.org"))) is None


def test_the_command_needs_a_maildir(settings, tmp_path):
    settings.BOUNCE_MAILDIR = ""
    with pytest.raises(CommandError, match="BOUNCE_MAILDIR"):
        call_command("process_bounces")
    with pytest.raises(CommandError, match="No Maildir"):
        call_command("process_bounces", maildir=str(tmp_path / "missing"))


def test_housekeeping_reads_the_configured_bounce_mailbox(settings, maildir, housekeeping):
    subscriber = SubscriberFactory(email="anna@example.org")
    campaign = CampaignFactory(status="sent", sent_at="2026-12-01T10:00Z")
    delivery = Delivery.objects.create(campaign=campaign, subscriber=subscriber, status="sent")
    maildir.add(dsn(links.bounce_address(delivery.pk), subscriber.email))
    settings.BOUNCE_MAILDIR = maildir._path
    assert "enqueued newsletter.tasks.process_bounces" in housekeeping()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.BOUNCING
    assert maildir.keys() == []


def test_a_bouncing_address_can_sign_up_and_confirm_again(client, signup):
    """Whoever fixed their mailbox subscribes again through the double opt-in."""
    SubscriberFactory(email="anna@example.org", status="bouncing")
    signup("anna@example.org")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    [message] = mail.outbox
    client.get(confirm_link(message))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
