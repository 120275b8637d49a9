"""Delivering mail with the real task queue and a real SMTP server: retries with backoff for
temporary failures, a report in the admin for the rest, and queues with priorities."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from smartregion.core import mail
from smartregion.core.models import UndeliveredMail
from smartregion.core.tasks import PRIORITY_MAIL, deliver_mail
from tests.tasks import run_until_idle, run_worker, waiting

pytestmark = pytest.mark.django_db(transaction=True)


def send(to="anna@example.org", name="Anna"):
    """What a view does: render and send; outside a transaction the task is enqueued at once."""
    return mail.send_mail("email/test_message", to=to, context={"name": name, "path": "/"})


def mail_tasks():
    return DBTaskResult.objects.filter(task_path=deliver_mail.module_path).order_by("enqueued_at")


def test_mail_waits_while_the_server_is_down_and_arrives_once_when_it_is_back(
    db_tasks, smtp_server
):
    send()
    assert run_worker() == 1  # connection refused: the next attempt is planned, not run
    first, retry = mail_tasks()
    assert (first.status, first.return_value["delivered"]) == ("SUCCESSFUL", False)
    assert (retry.status, retry.queue_name, retry.priority) == ("READY", "mail", PRIORITY_MAIL)
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    # Backoff with jitter: between half of the base (0.5 s) and all of it.
    delay = (retry.run_after - first.started_at).total_seconds()
    assert 0.2 < delay < 0.6
    assert run_worker() == 0  # not due yet

    smtp_server.start()
    run_until_idle()
    assert [m["To"] for m in smtp_server.messages] == ["anna@example.org"]
    assert smtp_server.messages[0]["Subject"] == "Hallo Anna"
    assert mail_tasks().last().return_value == {"delivered": True, "attempt": 2}
    assert not UndeliveredMail.objects.exists()
    run_worker()
    assert len(smtp_server.messages) == 1  # exactly once


def test_a_4xx_answer_is_retried_and_then_delivered(db_tasks, smtp_server):
    smtp_server.handler.answers = ["451 4.3.0 Bitte spaeter noch einmal"]
    smtp_server.start()
    send()
    run_worker()
    assert smtp_server.messages == []
    assert waiting().count() == 1
    run_until_idle()
    assert [m["To"] for m in smtp_server.messages] == ["anna@example.org"]
    assert [t.args_kwargs["kwargs"].get("attempt", 1) for t in mail_tasks()] == [1, 2]


def test_a_5xx_refusal_is_reported_in_the_admin_at_once_and_not_retried(
    db_tasks, smtp_server, admin_client
):
    smtp_server.handler.answers = ["550 5.1.1 Postfach unbekannt"]
    smtp_server.start()
    send(to="weg@example.org", name="Weg")
    run_worker()
    assert not waiting().exists()
    task = mail_tasks().get()
    assert task.status == "FAILED" and "SMTPRecipientsRefused" in task.exception_class_path
    report = UndeliveredMail.objects.get()
    assert report.recipients == ["weg@example.org"]
    assert report.subject == "Hallo Weg"
    assert report.reason == UndeliveredMail.Reason.REFUSED
    assert "550" in report.error and report.attempts == 1
    assert report.task_result_id == task.id

    changelist = reverse("admin:smartregion_undeliveredmail_changelist")
    html = admin_client.get(changelist).content.decode()
    assert "Nicht zugestellte E-Mails" in html
    assert "weg@example.org" in html and "dauerhaft abgelehnt" in html
    assert "Erneut senden" in html
    detail = admin_client.get(reverse("admin:smartregion_undeliveredmail_change", args=[report.pk]))
    assert "550 5.1.1 Postfach unbekannt" in detail.content.decode()
    assert (
        admin_client.get(changelist, {"q": "weg@example.org"})
        .content.decode()
        .count("weg@example.org")
    )

    # The address is fixed on the server's side; staff send the mail again.
    response = admin_client.post(
        changelist, {"action": "resend", "_selected_action": [report.pk]}, follow=True
    )
    assert "1 E-Mail wird erneut gesendet." in response.content.decode()
    assert not UndeliveredMail.objects.exists()
    run_worker()
    assert [m["To"] for m in smtp_server.messages] == ["weg@example.org"]


def test_a_temporary_failure_past_the_retry_time_is_reported(db_tasks, smtp_server, settings):
    settings.MAIL_RETRY_HOURS = 2 / 3600  # two seconds
    settings.MAIL_RETRY_BASE_SECONDS = 0.3
    started = timezone.now()
    send()
    run_until_idle()  # the server never comes up
    report = UndeliveredMail.objects.get()
    assert report.reason == UndeliveredMail.Reason.EXPIRED
    assert "ConnectionRefusedError" in report.error
    assert report.attempts == mail_tasks().count() >= 3
    assert report.first_attempt_at - started < (report.last_attempt_at - started)
    assert (report.last_attempt_at - report.first_attempt_at).total_seconds() >= 2
    assert mail_tasks().last().status == "FAILED"
    assert not waiting().exists()


def test_a_report_whose_mail_was_pruned_cannot_be_resent(db_tasks, smtp_server, admin_client):
    smtp_server.handler.answers = ["554 5.7.1 Abgelehnt"]
    smtp_server.start()
    send()
    run_worker()
    mail_tasks().delete()  # what the weekly pruning does
    report = UndeliveredMail.objects.get()
    assert report.task_result is None and report.payload is None
    response = admin_client.post(
        reverse("admin:smartregion_undeliveredmail_changelist"),
        {"action": "resend", "_selected_action": [report.pk]},
        follow=True,
    )
    assert "nicht mehr gespeichert" in response.content.decode()
    assert UndeliveredMail.objects.exists()


def test_erasure_forgets_waiting_retries_and_reports(db_tasks, smtp_server):
    send(to="anna@example.org")
    send(to="bernd@example.org", name="Bernd")
    run_worker()  # both wait for their retry
    UndeliveredMail.objects.create(
        recipients=["anna@example.org"],
        subject="Alt",
        reason="refused",
        error="550",
        attempts=1,
        first_attempt_at=timezone.now(),
        last_attempt_at=timezone.now(),
    )
    assert mail.forget_mail_to("Anna@Example.org") == 3  # first try, retry, report
    assert not UndeliveredMail.objects.exists()
    assert {t.args_kwargs["args"][0]["to"][0] for t in mail_tasks()} == {"bernd@example.org"}
    smtp_server.start()
    run_until_idle()
    assert [m["To"] for m in smtp_server.messages] == ["bernd@example.org"]


def test_mail_goes_before_other_waiting_tasks(db_tasks, smtp_server):
    """The worker takes the mail queue's higher priority first, whatever was enqueued before."""
    from newsletter import tasks as newsletter_tasks

    smtp_server.start()
    newsletter_tasks.purge_pending.enqueue()
    send()
    run_worker(max_tasks=1)
    assert len(smtp_server.messages) == 1
    assert waiting().get().task_path == newsletter_tasks.purge_pending.module_path
