"""Sending campaigns: the mail itself, who gets it, and exactly once across crashes and retries."""

import email.policy
import re
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core import mail
from django.tasks.signals import task_finished
from django.test import override_settings
from django.utils import timezone

from newsletter import emails, services, tasks
from newsletter.models import Campaign, Delivery, Subscriber
from smartregion.core.models import Topic
from smartregion.core.tasks import PRIORITY_BULK
from tests.factories import CampaignFactory, EventFactory, PostFactory, SubscriberFactory
from tests.newsletter.backends import FlakyBackend, WatchingBackend
from tests.newsletter.conftest import SITE_URL

pytestmark = pytest.mark.django_db

FLAKY = {"default": {"BACKEND": "tests.newsletter.backends.FlakyBackend"}}
WATCHING = {"default": {"BACKEND": "tests.newsletter.backends.WatchingBackend"}}


def schedule(campaign):
    """Schedule without running the enqueued task (the tests start it themselves)."""
    assert services.campaign_schedule(campaign=campaign)
    campaign.refresh_from_db()
    return campaign


def run(campaign):
    """Run the send task once (as the worker would); returns its result."""
    result = tasks.send_campaign.enqueue(campaign.pk)
    campaign.refresh_from_db()
    return result


def send(campaign):
    run(campaign)
    return campaign


def received() -> Counter:
    return Counter(m.to[0] for m in mail.outbox)


@contextmanager
def finished_tasks():
    """The results of the tasks that finish inside the block, in the order they finished."""
    results = []

    def record(sender, task_result, **kwargs):
        results.append(task_result)

    task_finished.connect(record)
    try:
        yield results
    finally:
        task_finished.disconnect(record)


# The mail ---------------------------------------------------------------------------------------


def test_every_campaign_mail_is_personal_multipart_with_one_click_headers():
    anna = SubscriberFactory(email="anna@example.org")
    bernd = SubscriberFactory(email="bernd@example.org")
    campaign = schedule(
        CampaignFactory(subject="Neues aus dem Netzwerk", body="Hallo [Blog](/blog/) **alle**")
    )
    send(campaign)
    assert campaign.status == Campaign.Status.SENT
    assert received() == Counter({"anna@example.org": 1, "bernd@example.org": 1})

    by_address = {m.to[0]: m for m in mail.outbox}
    urls = set()
    for subscriber in (anna, bernd):
        message = by_address[subscriber.email]
        assert message.subject == "Neues aus dem Netzwerk"
        # Parse the bytes that go over the wire, not the Python object.
        parsed = message_from_bytes(message.message(policy=email.policy.SMTP).as_bytes())
        assert parsed.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in parsed.get_payload()] == [
            "text/plain",
            "text/html",
        ]
        list_unsubscribe = parsed["List-Unsubscribe"]
        match = re.fullmatch(
            r"<(https://portal\.example/newsletter/abmelden/[^/>]+/)>", list_unsubscribe
        )
        assert match, list_unsubscribe
        url = match.group(1)
        urls.add(url)
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert parsed["List-Id"].endswith("<newsletter.portal.example>")
        assert re.fullmatch(r"<newsletter\.\d+\.\d+@portal\.example>", parsed["Message-ID"])
        # The personal links are in both parts, and the address's own.
        assert url in message.body
        html = message.alternatives[0][0]
        assert f'href="{url}"' in html
        assert "einstellungen/" in message.body and "einstellungen/" in html
        assert "%%" not in message.body + html + message.subject
        # Relative links of the body are made absolute for mail.
        assert f'href="{SITE_URL}/blog/"' in html
        assert "<strong>alle</strong>" in html
        assert f"{SITE_URL}{campaign.get_absolute_url()}" in message.body

        # The header's URL takes the one-click POST and unsubscribes this subscriber only.
        from django.test import Client

        path = url.removeprefix(SITE_URL)
        response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
    assert len(urls) == 2
    assert not Subscriber.objects.confirmed().exists()


def test_the_links_of_a_batch_are_each_subscribers_own_in_their_language(time_machine):
    """A batch reverses the pages once per language (links.PersonalLinks); the links are the
    ones personal_links() gives each subscriber."""
    from newsletter import links

    time_machine.move_to(timezone.now(), tick=False)  # the tokens carry the time
    german, english = SubscriberFactory(language="de"), SubscriberFactory(language="en")
    for_batch = links.PersonalLinks()
    for subscriber in (german, english, german, english):
        assert for_batch(subscriber) == links.personal_links(subscriber)
    assert for_batch(english)["unsubscribe_url"].startswith(f"{SITE_URL}/en/newsletter/abmelden/")
    assert for_batch(german)["data_url"] != for_batch(english)["data_url"]


def test_sections_show_the_selected_posts_and_upcoming_events():
    SubscriberFactory()
    post = PostFactory(title="Digitale Bäckerei")
    withdrawn = PostFactory(title="Zurückgezogen", status="withdrawn")
    event = EventFactory(title="Netzwerkabend in Bottrop")
    campaign = CampaignFactory(include_blog=True, include_events=True)
    campaign.posts.set([post, withdrawn])
    campaign.events.set([event])
    send(schedule(campaign))
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "Neu im Blog" in html and "Nächste Veranstaltungen" in html
    assert f'href="{SITE_URL}{post.get_absolute_url()}"' in html
    assert "Digitale Bäckerei" in message.body
    assert "Zurückgezogen" not in html
    assert f"{SITE_URL}{event.get_absolute_url()}" in message.body
    assert "Netzwerkabend in Bottrop" in html


def test_sections_can_be_switched_off():
    SubscriberFactory()
    campaign = CampaignFactory(include_blog=False, include_events=False)
    campaign.posts.set([PostFactory()])
    campaign.events.set([EventFactory()])
    send(schedule(campaign))
    html = mail.outbox[0].alternatives[0][0]
    assert "Neu im Blog" not in html and "Nächste Veranstaltungen" not in html


def test_the_preheader_is_hidden_at_the_top_of_the_html():
    SubscriberFactory()
    send(schedule(CampaignFactory(preheader="Kurz vorab: drei Termine")))
    html = mail.outbox[0].alternatives[0][0]
    assert html.index("Kurz vorab: drei Termine") < html.index("Im Browser lesen")
    assert "display:none" in html


# Who gets it ------------------------------------------------------------------------------------


def test_only_confirmed_subscribers_and_only_the_chosen_topic():
    energy = Topic.objects.get(slug="smart-energy")
    education = Topic.objects.get(slug="bildung")
    SubscriberFactory(email="energy@example.org", topics=[energy])
    SubscriberFactory(email="both@example.org", topics=[energy, education])
    SubscriberFactory(email="education@example.org", topics=[education])
    SubscriberFactory(email="none@example.org")
    SubscriberFactory(email="pending@example.org", status="pending", topics=[energy])
    SubscriberFactory(email="gone@example.org", status="unsubscribed", topics=[energy])

    send(schedule(CampaignFactory(topic=energy)))
    assert set(received()) == {"energy@example.org", "both@example.org"}

    mail.outbox.clear()
    send(schedule(CampaignFactory()))
    assert set(received()) == {
        "energy@example.org",
        "both@example.org",
        "education@example.org",
        "none@example.org",
    }


def test_who_unsubscribes_during_the_send_is_skipped(settings, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    subscribers = SubscriberFactory.create_batch(4)
    campaign = schedule(CampaignFactory())
    # The deliveries are created; then the last one unsubscribes before their batch.
    services._start_sending(campaign.pk)
    services.subscription_cancel(subscriber=subscribers[-1])
    send(campaign)
    assert set(received()) == {s.email for s in subscribers[:-1]}
    assert campaign.status == Campaign.Status.SENT
    assert (campaign.sent_count, campaign.skipped_count, campaign.total_count) == (3, 1, 4)


def test_a_draft_is_not_sent_and_a_sent_campaign_not_again():
    SubscriberFactory()
    draft = CampaignFactory()
    send(draft)
    assert mail.outbox == [] and not Delivery.objects.exists()
    campaign = send(schedule(draft))
    assert len(mail.outbox) == 1
    assert not services.campaign_schedule(campaign=campaign)
    send(campaign)
    assert len(mail.outbox) == 1


def test_who_subscribes_after_the_send_does_not_get_it_on_a_retry():
    SubscriberFactory(email="early@example.org")
    campaign = send(schedule(CampaignFactory()))
    SubscriberFactory(email="late@example.org")
    services.campaign_retry(campaign=campaign)
    assert received() == Counter({"early@example.org": 1})


# Exactly once -----------------------------------------------------------------------------------


def test_a_send_interrupted_midway_and_resumed_delivers_each_mail_exactly_once(
    settings, monkeypatch
):
    monkeypatch.setattr(services, "BATCH_SIZE", 10)
    subscribers = SubscriberFactory.create_batch(25)
    settings.MAILERS = FLAKY
    FlakyBackend.reset(die_after=13)  # the worker dies in the middle of the second batch
    campaign = schedule(CampaignFactory())

    # One task per batch: the first sends 10 and enqueues the second, which dies after 3.
    with finished_tasks() as finished:
        run(campaign)
    assert [r.status for r in finished] == ["FAILED", "SUCCESSFUL"]  # inner task ends first
    assert "WorkerDied" in finished[0].errors[0].exception_class_path
    assert len(mail.outbox) == 13
    assert campaign.status == Campaign.Status.SENDING
    assert Delivery.objects.filter(status="sent").count() == 13
    assert Delivery.objects.filter(status="pending").count() == 12
    assert campaign.sent_count == 13  # counted also when a batch stops; the page shows progress

    # The task runs again (the worker restarted, or the stalled-send task enqueued it).
    FlakyBackend.reset()
    with finished_tasks() as finished:
        run(campaign)
    assert [r.status for r in finished] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert received() == Counter({s.email: 1 for s in subscribers})
    assert campaign.status == Campaign.Status.SENT
    assert (campaign.sent_count, campaign.failed_count, campaign.total_count) == (25, 0, 25)
    assert FlakyBackend.connections == 2  # one per batch: the 12 left go as 10 + 2
    # Running it yet again sends nothing.
    send(campaign)
    services.campaign_send(campaign_id=campaign.pk)
    assert len(mail.outbox) == 25


def test_a_delivery_marked_sent_is_never_sent_again_even_when_the_campaign_is_reset():
    subscribers = SubscriberFactory.create_batch(3)
    campaign = send(schedule(CampaignFactory()))
    # Even if someone put the campaign back to sending, the delivery rows decide.
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING)
    services.campaign_send(campaign_id=campaign.pk)
    assert received() == Counter({s.email: 1 for s in subscribers})
    assert Delivery.objects.count() == 3


def test_deliveries_are_unique_per_campaign_and_subscriber():
    from django.db import IntegrityError

    subscriber = SubscriberFactory()
    campaign = CampaignFactory()
    Delivery.objects.create(campaign=campaign, subscriber=subscriber)
    with pytest.raises(IntegrityError):
        Delivery.objects.create(campaign=campaign, subscriber=subscriber)


def test_failures_are_recorded_and_retryable(settings, django_capture_on_commit_callbacks):
    SubscriberFactory(email="ok@example.org")
    SubscriberFactory(email="full@example.org")
    SubscriberFactory(email="other@example.org")
    settings.MAILERS = FLAKY
    FlakyBackend.reset(refuse={"full@example.org"})
    campaign = send(schedule(CampaignFactory()))
    assert campaign.status == Campaign.Status.SENT
    assert (campaign.sent_count, campaign.failed_count, campaign.total_count) == (2, 1, 3)
    failed = Delivery.objects.get(status="failed")
    assert failed.subscriber.email == "full@example.org"
    assert "SMTPRecipientsRefused" in failed.error and "550" in failed.error
    assert failed.attempts == 1
    assert set(received()) == {"ok@example.org", "other@example.org"}

    FlakyBackend.reset()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_retry(campaign=campaign) == 1
    campaign.refresh_from_db()
    assert received() == Counter(
        {"ok@example.org": 1, "other@example.org": 1, "full@example.org": 1}
    )
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == ("sent", 2, "")
    assert (campaign.status, campaign.sent_count, campaign.failed_count) == ("sent", 3, 0)


def test_without_deferred_tasks_a_waiting_recipient_is_resumed_by_housekeeping(
    settings, time_machine, housekeeping
):
    """The immediate backend cannot run a task later: the campaign keeps waiting with
    ``resume_at`` set, and the stalled-send job goes on 15 minutes after that time."""
    time_machine.move_to(timezone.now(), tick=False)
    SubscriberFactory(email="ok@example.org")
    SubscriberFactory(email="grey@example.org")
    settings.MAILERS = FLAKY
    FlakyBackend.reset(greylist={"grey@example.org"})
    campaign = send(schedule(CampaignFactory()))
    waiting = Delivery.objects.get(status="pending")
    assert waiting.subscriber.email == "grey@example.org"
    assert (campaign.status, campaign.resume_at) == ("sending", waiting.retry_at)

    FlakyBackend.reset()
    time_machine.shift(timedelta(minutes=14))
    housekeeping()  # a planned retry is no stalled send (yet)
    assert received() == Counter({"ok@example.org": 1})
    time_machine.move_to(waiting.retry_at + timedelta(minutes=30), tick=False)  # the next slot
    housekeeping()
    campaign.refresh_from_db()
    assert received() == Counter({"ok@example.org": 1, "grey@example.org": 1})
    assert (campaign.status, campaign.sent_count, campaign.resume_at) == ("sent", 2, None)


def test_resuming_from_the_admin_tries_waiting_recipients_at_once(
    settings, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="grey@example.org")
    settings.MAILERS = FLAKY
    FlakyBackend.reset(greylist={"grey@example.org"})
    campaign = send(schedule(CampaignFactory()))
    waiting = Delivery.objects.get(status="pending")
    assert waiting.retry_at > timezone.now()

    FlakyBackend.reset()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_retry(campaign=campaign) == 0  # none had failed
    campaign.refresh_from_db()
    waiting.refresh_from_db()
    assert received() == Counter({"grey@example.org": 1})
    assert (waiting.status, waiting.attempts, waiting.retry_at) == ("sent", 2, None)
    assert campaign.status == Campaign.Status.SENT


def test_a_chain_that_ends_while_a_retry_has_come_due_goes_on(django_capture_on_commit_callbacks):
    """The last batch found nothing due, but a waiting delivery's time came just after: the
    chain does not end with it unsent."""
    SubscriberFactory(email="late@example.org")
    campaign = schedule(CampaignFactory())
    services._start_sending(campaign.pk)
    campaign.refresh_from_db()
    Delivery.objects.update(retry_at=timezone.now(), attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        services._finish(campaign)
    campaign.refresh_from_db()
    assert received() == Counter({"late@example.org": 1})
    assert campaign.status == Campaign.Status.SENT


def test_an_unreachable_server_stops_the_batch_with_the_rows_pending(settings):
    """With a backend that cannot defer (the tests' immediate one) the task fails; the deferred
    retry of the real backend is tested in test_sending_queue.py."""
    SubscriberFactory.create_batch(3)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    campaign = schedule(CampaignFactory())
    result = run(campaign)
    assert result.status == "FAILED"
    assert campaign.status == Campaign.Status.SENDING
    assert Delivery.objects.filter(status="pending").count() == 3
    assert not Delivery.objects.exclude(attempts=0).exists()


def test_each_batch_is_its_own_task_on_the_bulk_queue(monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    SubscriberFactory.create_batch(5)
    campaign = schedule(CampaignFactory())
    with finished_tasks() as finished:
        run(campaign)
    assert len(finished) == 3  # 2 + 2 + 1
    assert {(r.task.queue_name, r.task.priority) for r in finished} == {("bulk", PRIORITY_BULK)}
    assert campaign.status == Campaign.Status.SENT and len(mail.outbox) == 5


def test_stalled_sends_are_enqueued_again_by_housekeeping(time_machine, housekeeping):
    time_machine.move_to(timezone.now(), tick=False)
    SubscriberFactory.create_batch(2)
    stalled = schedule(CampaignFactory())  # its task was lost with a dead worker
    busy = schedule(CampaignFactory())
    time_machine.shift(timedelta(minutes=10))
    Campaign.objects.filter(pk=busy.pk).update(progress_at=timezone.now())
    time_machine.shift(timedelta(minutes=6))
    housekeeping()
    stalled.refresh_from_db()
    busy.refresh_from_db()
    assert stalled.status == Campaign.Status.SENT and stalled.sent_count == 2
    assert busy.status == Campaign.Status.SCHEDULED
    assert len(mail.outbox) == 2


def test_progress_counters_follow_the_deliveries(monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    SubscriberFactory.create_batch(5)
    campaign = schedule(CampaignFactory())
    seen = []
    original = services._update_counts

    def spy(c):
        original(c)
        seen.append((c.sent_count, c.total_count))

    monkeypatch.setattr(services, "_update_counts", spy)
    send(campaign)
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert campaign.pending_count == 0


def test_rendering_happens_once_per_run_not_per_recipient(monkeypatch):
    SubscriberFactory.create_batch(5)
    calls = []
    original = emails.render_campaign
    monkeypatch.setattr(emails, "render_campaign", lambda c: calls.append(c.pk) or original(c))
    send(schedule(CampaignFactory()))
    assert len(mail.outbox) == 5
    assert len(calls) == 1


def test_a_batch_takes_the_same_number_of_queries_whatever_its_size(monkeypatch):
    """The rows are locked, and their states written, per batch, not per recipient."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(services, "COMMIT_SECONDS", 3600)  # one commit per batch
    energy = Topic.objects.get(slug="smart-energy")
    education = Topic.objects.get(slug="bildung")
    SubscriberFactory.create_batch(3, topics=[energy])
    SubscriberFactory.create_batch(20, topics=[education])
    SubscriberFactory.create_batch(20, topics=[education], language="en")
    SubscriberFactory(topics=[education], status="unsubscribed")  # no delivery
    queries = {}
    for topic in (energy, education):
        campaign = schedule(CampaignFactory(topic=topic))
        services._start_sending(campaign.pk)  # the deliveries exist; now one batch
        with CaptureQueriesContext(connection) as captured:
            services.campaign_send(campaign_id=campaign.pk, batch_size=100)
        campaign.refresh_from_db()
        assert (campaign.status, campaign.sent_count) == ("sent", campaign.total_count)
        queries[campaign.total_count] = len(captured)
    assert set(queries) == {3, 40}
    assert queries[3] == queries[40], queries


@pytest.mark.django_db(transaction=True)
def test_what_a_batch_sent_is_committed_at_least_every_commit_seconds(monkeypatch):
    """The crash window: with COMMIT_SECONDS at 0 each mail is committed before the next goes
    out (another connection sees it); with a long COMMIT_SECONDS, when the batch ends."""
    monkeypatch.setattr(services, "BATCH_SIZE", 10)
    SubscriberFactory.create_batch(4)
    for seconds, expected in ((0, [0, 1, 2, 3]), (3600, [0, 0, 0, 0])):
        monkeypatch.setattr(services, "COMMIT_SECONDS", seconds)
        WatchingBackend.reset()
        with override_settings(MAILERS=WATCHING):
            campaign = send(CampaignFactory(status=Campaign.Status.SCHEDULED))
        assert WatchingBackend.committed == expected
        assert (campaign.status, campaign.sent_count) == ("sent", 4)


@pytest.mark.django_db(transaction=True)
def test_while_a_worker_holds_a_batch_another_takes_the_next_rows(monkeypatch):
    """Two chains in parallel: the second locks the next due rows instead of waiting for (or
    going round in circles on) the rows the first one is sending."""
    from django.db import transaction

    from tests.concurrency import run_concurrently

    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    subscribers = SubscriberFactory.create_batch(4)
    campaign = CampaignFactory(status=Campaign.Status.SCHEDULED)  # its task not started
    services._start_sending(campaign.pk)
    held = list(Delivery.objects.order_by("pk").values_list("pk", flat=True)[:2])
    with transaction.atomic():  # another worker sending the first batch
        list(Delivery.objects.select_for_update().filter(pk__in=held))
        run_concurrently(lambda _: services.campaign_send(campaign_id=campaign.pk), [None])
        assert set(received()) == {s.email for s in subscribers[2:]}
    send(campaign)
    assert received() == Counter({s.email: 1 for s in subscribers})
    assert campaign.status == Campaign.Status.SENT
