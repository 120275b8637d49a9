"""Campaigns on the real task queue with a real SMTP server: a chain of batch tasks on the bulk
queue that lets waiting mail go first and waits out an unreachable server."""

import re
from collections import Counter
from datetime import timedelta
from email.utils import parseaddr

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsletter import services, tasks
from newsletter.models import Campaign, ConsentText, Delivery
from smartregion.core.tasks import PRIORITY_BULK
from tests.concurrency import run_concurrently
from tests.factories import CampaignFactory, SubscriberFactory
from tests.tasks import run_until_idle, run_worker, waiting

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)


@pytest.fixture(autouse=True)
def _one_chain(settings):
    """The tests below follow one chain of batches task by task (several: the last test)."""
    settings.CAMPAIGN_SEND_CHAINS = 1


def schedule(campaign):
    assert services.campaign_schedule(campaign=campaign)  # commits: the first batch is enqueued
    return campaign


def test_a_campaign_waits_while_the_server_is_down_and_resumes_when_it_is_back(
    db_tasks, smtp_server
):
    subscribers = SubscriberFactory.create_batch(5)
    campaign = schedule(CampaignFactory())
    assert run_worker() == 1  # the first batch finds the server down
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING
    assert Delivery.objects.filter(status="pending").count() == 5
    retry = waiting().get()
    assert retry.task_path == tasks.send_campaign.module_path
    assert (retry.queue_name, retry.priority) == ("bulk", PRIORITY_BULK)
    assert retry.args_kwargs == {"args": [campaign.pk], "kwargs": {"failures": 1}}
    assert retry.run_after == campaign.resume_at > timezone.now()
    assert run_worker() == 0  # not due yet

    # A planned retry is no stalled send: housekeeping starts no second chain.
    Campaign.objects.filter(pk=campaign.pk).update(progress_at=timezone.now() - timedelta(hours=1))
    assert services.campaigns_resume_stalled() == 0

    smtp_server.start()
    run_until_idle()
    assert Counter(m["To"] for m in smtp_server.messages) == {s.email: 1 for s in subscribers}
    campaign.refresh_from_db()
    assert (campaign.status, campaign.sent_count, campaign.resume_at) == ("sent", 5, None)
    # The chain: the failed first batch, its retry, then one task per further batch.
    assert DBTaskResult.objects.filter(task_path=tasks.send_campaign.module_path).count() == 4


def test_a_temporary_refusal_of_the_data_keeps_the_rows_pending_until_later(db_tasks, smtp_server):
    subscribers = SubscriberFactory.create_batch(3)
    smtp_server.handler.answers = ["452 4.3.1 Speicher voll"]
    smtp_server.start()
    campaign = schedule(CampaignFactory())
    run_worker()
    assert smtp_server.messages == []
    assert Delivery.objects.filter(status="pending").count() == 3
    assert waiting().get().args_kwargs["kwargs"] == {"failures": 1}
    run_until_idle()
    assert Counter(m["To"] for m in smtp_server.messages) == {s.email: 1 for s in subscribers}
    campaign.refresh_from_db()
    assert (campaign.status, campaign.failed_count) == ("sent", 0)


def test_a_confirmation_waits_for_one_batch_at_most_not_for_the_campaign(db_tasks, smtp_server):
    """One worker serves all queues: between two batches it takes the waiting mail first."""
    smtp_server.start()
    SubscriberFactory.create_batch(6)
    schedule(CampaignFactory())
    run_worker(max_tasks=1)  # the first batch; the second is enqueued
    assert len(smtp_server.messages) == 2

    services.subscription_request(
        email="neu@example.org", consent_text=ConsentText.objects.current()
    )
    run_until_idle()
    order = [m["To"] for m in smtp_server.messages]
    assert len(order) == 7
    assert order.index("neu@example.org") == 2


def test_two_chains_on_two_workers_at_once_send_each_mail_exactly_once(
    db_tasks, smtp_server, settings
):
    """CAMPAIGN_SEND_CHAINS=2: two workers (threads with their own connections, as on two
    machines) run the two chains at the same time; each subscriber gets the mail once."""
    settings.CAMPAIGN_SEND_CHAINS = 2
    smtp_server.start()
    subscribers = SubscriberFactory.create_batch(40)
    campaign = schedule(CampaignFactory())
    first = list(waiting().filter(task_path=tasks.send_campaign.module_path))
    assert len(first) == 2  # two chains start

    from smartregion.core.tasks import batch_worker

    run_concurrently(lambda name: batch_worker(name).run(), ["machine-1", "machine-2"])
    run_until_idle()  # whatever one worker left when the other's chain ended

    assert Counter(m["To"] for m in smtp_server.messages) == {s.email: 1 for s in subscribers}
    campaign.refresh_from_db()
    assert (campaign.status, campaign.sent_count) == ("sent", 40)
    workers = Counter(
        worker
        for result in DBTaskResult.objects.filter(task_path=tasks.send_campaign.module_path)
        for worker in result.worker_ids
    )
    assert {"machine-1", "machine-2"} <= set(workers), workers  # both sent batches


# Refusals of one recipient -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    ["450 4.2.0 Greylisted, bitte später", "451 4.3.0 Lokaler Fehler", "452 4.2.2 Postfach voll"],
)
def test_a_recipient_refused_temporarily_waits_and_gets_the_mail_later(
    db_tasks, smtp_server, answer
):
    subscribers = SubscriberFactory.create_batch(3)
    later = subscribers[1]
    smtp_server.refuse(later.email, answer, answer)  # refused twice, then accepted
    smtp_server.start()
    campaign = schedule(CampaignFactory())
    run_worker()  # the batches run; the refused recipient waits for its retry

    delivery = Delivery.objects.get(subscriber=later)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert answer.split()[0] in delivery.error
    assert delivery.retry_at > timezone.now()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING  # not finished while one waits
    assert (campaign.sent_count, campaign.failed_count, campaign.pending_count) == (2, 0, 1)
    retry = waiting().get()
    assert retry.task_path == tasks.send_campaign.module_path
    assert retry.run_after == campaign.resume_at == delivery.retry_at

    run_until_idle()
    assert Counter(m["To"] for m in smtp_server.messages) == {s.email: 1 for s in subscribers}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 3, "")
    assert delivery.retry_at is None
    campaign.refresh_from_db()
    assert (campaign.status, campaign.sent_count, campaign.failed_count) == ("sent", 3, 0)
    assert campaign.resume_at is None


def test_a_permanent_refusal_of_a_recipient_fails_that_delivery_only(db_tasks, smtp_server):
    subscribers = SubscriberFactory.create_batch(3)
    gone = subscribers[0]
    smtp_server.refuse(gone.email, "550 5.1.1 Unbekannter Empfänger")
    smtp_server.start()
    campaign = schedule(CampaignFactory())
    run_until_idle()
    failed = Delivery.objects.get(status="failed")
    assert failed.subscriber == gone and "550 5.1.1" in failed.error
    assert failed.attempts == 1
    assert {m["To"] for m in smtp_server.messages} == {s.email for s in subscribers[1:]}
    campaign.refresh_from_db()
    assert (campaign.status, campaign.sent_count, campaign.failed_count) == ("sent", 2, 1)


def test_a_recipient_refused_temporarily_for_longer_than_the_retry_time_fails(
    db_tasks, smtp_server, settings
):
    """After MAIL_RETRY_HOURS of temporary refusals the delivery fails, like any mail."""
    subscriber = SubscriberFactory()
    smtp_server.refuse(subscriber.email, *["452 4.2.2 Postfach voll"] * 5)
    smtp_server.start()
    campaign = schedule(CampaignFactory())
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == "pending"
    # The first refusal was a day ago (the setting's 24 hours); the retry is due now.
    long_ago = timezone.now() - timedelta(hours=settings.MAIL_RETRY_HOURS, minutes=1)
    Delivery.objects.update(deferred_since=long_ago, retry_at=timezone.now())
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_until_idle()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert "452 4.2.2 Postfach voll" in delivery.error
    campaign.refresh_from_db()
    assert (campaign.status, campaign.failed_count, campaign.resume_at) == ("sent", 1, None)
    assert smtp_server.messages == []


def test_421_at_a_recipient_is_the_server_closing_the_batch_goes_on_later(db_tasks, smtp_server):
    """421 ("service not available, closing channel") concerns the connection, not the
    recipient: the batch stops with its rows pending and continues after a backoff."""
    subscribers = SubscriberFactory.create_batch(4)
    smtp_server.refuse(subscribers[1].email, "421 4.3.2 Wartung, Verbindung wird beendet")
    smtp_server.start()
    campaign = schedule(CampaignFactory())
    run_worker()
    assert Delivery.objects.filter(status="sent").count() == 1
    assert Delivery.objects.filter(status="pending").count() == 3
    assert not Delivery.objects.filter(status="failed").exists()
    assert waiting().get().args_kwargs["kwargs"] == {"failures": 1}
    run_until_idle()
    assert Counter(m["To"] for m in smtp_server.messages) == {s.email: 1 for s in subscribers}
    campaign.refresh_from_db()
    assert (campaign.status, campaign.sent_count, campaign.failed_count) == ("sent", 4, 0)


def test_two_chains_retry_refused_recipients_and_send_each_mail_exactly_once(
    db_tasks, smtp_server, settings
):
    """Two workers at once on a campaign where every fifth recipient is greylisted once: each
    subscriber gets the mail once, and the campaign ends when the last retry went out."""
    settings.CAMPAIGN_SEND_CHAINS = 2
    subscribers = SubscriberFactory.create_batch(30)
    for subscriber in subscribers[::5]:
        smtp_server.refuse(subscriber.email, "450 4.2.0 Greylisted")
    smtp_server.start()
    campaign = schedule(CampaignFactory())

    from smartregion.core.tasks import batch_worker

    run_concurrently(lambda name: batch_worker(name).run(), ["machine-1", "machine-2"])
    run_until_idle()  # the retries that were not due yet when both workers ran out of work

    assert Counter(m["To"] for m in smtp_server.messages) == {s.email: 1 for s in subscribers}
    campaign.refresh_from_db()
    assert (campaign.status, campaign.sent_count, campaign.failed_count) == ("sent", 30, 0)
    assert Counter(Delivery.objects.values_list("attempts", flat=True)) == {1: 24, 2: 6}


# Bounce address ----------------------------------------------------------------------------------


def test_each_mail_goes_out_from_its_own_bounce_address(db_tasks, smtp_server, settings):
    """VERP: the envelope sender (MAIL FROM, the later Return-Path) names the delivery, signed;
    the From header the readers see stays the newsletter's sender."""
    settings.BOUNCE_ADDRESS = "bounces@portal.example"
    SubscriberFactory.create_batch(3)
    smtp_server.start()
    schedule(CampaignFactory())
    run_until_idle()

    from newsletter import links

    deliveries = {d.subscriber.email: d.pk for d in Delivery.objects.select_related("subscriber")}
    assert len(smtp_server.envelopes) == 3
    for (mail_from, rcpt_tos), message in zip(
        smtp_server.envelopes, smtp_server.messages, strict=True
    ):
        assert re.fullmatch(r"bounces\+\d+\.[a-z2-7]{26}@portal\.example", mail_from), mail_from
        assert links.delivery_from_bounce_address(mail_from) == deliveries[rcpt_tos[0]]
        assert message["From"] == settings.DEFAULT_FROM_EMAIL
        assert message["To"] == rcpt_tos[0]
    assert len({mail_from for mail_from, _rcpt in smtp_server.envelopes}) == 3


def test_without_a_bounce_address_mails_go_out_from_the_sender(db_tasks, smtp_server, settings):
    settings.BOUNCE_ADDRESS = ""
    SubscriberFactory()
    smtp_server.start()
    schedule(CampaignFactory())
    run_until_idle()
    [(mail_from, _rcpt)] = smtp_server.envelopes
    assert mail_from == parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


# The mail over SMTP ------------------------------------------------------------------------------


def test_over_smtp_each_mail_has_its_own_links_only_and_each_batch_one_connection(
    db_tasks, smtp_server
):
    """The campaign is rendered, and its MIME frame built, once per batch: each recipient's mail
    still carries their own links (text, HTML, List-Unsubscribe) in their language and no one
    else's, and each batch of 2 goes over one SMTP connection."""
    from newsletter import links

    subscribers = [
        *SubscriberFactory.create_batch(3),
        *SubscriberFactory.create_batch(2, language="en"),
    ]
    by_email = {s.email: s for s in subscribers}
    smtp_server.start()
    schedule(CampaignFactory())
    run_until_idle()

    assert smtp_server.connections == [1, 1, 2, 2, 3]
    assert Counter(m["To"] for m in smtp_server.messages) == {s.email: 1 for s in subscribers}
    for message in smtp_server.messages:
        subscriber = by_email[message["To"]]
        prefix = "/en" if subscriber.language == "en" else ""
        header = re.fullmatch(
            rf"<https://portal\.example{prefix}/newsletter/abmelden/([^/]+)/>",
            message["List-Unsubscribe"],
        )
        assert header, message["List-Unsubscribe"]
        token = header.group(1)
        assert links.read_manage_token(token) == subscriber.pk
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        for part in ("plain", "html"):
            body = message.get_body((part,)).get_content()
            found = re.findall(
                r"https://portal\.example(/en)?/newsletter/(abmelden|einstellungen|meine-daten)/"
                r"([^/]+)/",
                body,
            )
            assert {page for _en, page, _token in found} == {
                "abmelden",
                "einstellungen",
                "meine-daten",
            }
            assert {(en, token) for en, _page, token in found} == {(prefix, header.group(1))}
            assert "%%" not in body
