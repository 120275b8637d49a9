"""Campaigns on the real task queue with a real SMTP server: a chain of batch tasks on the bulk
queue that lets waiting mail go first and waits out an unreachable server."""

from collections import Counter
from datetime import timedelta

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
