import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.tasks.signals import task_enqueued

from smartregion.core import mail as core_mail
from smartregion.core.mail import Attachment, RenderedMail, render_mail, send_mail

pytestmark = pytest.mark.django_db


def test_mail_has_text_and_html_parts_with_absolute_links(
    settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portal.example"
    with django_capture_on_commit_callbacks(execute=True):
        send_mail(
            "email/test_message", to="anna@example.org", context={"name": "Anna", "path": "/blog/"}
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Hallo Anna"
    assert message.to == ["anna@example.org"]
    assert "https://portal.example/blog/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://portal.example/blog/"' in html


class RolledBack(Exception):
    pass


def test_mail_is_not_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append(task_result.args[0]["to"])

    task_enqueued.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            send_mail(
                "email/test_message", to="bleibt@example.org", context={"name": "B", "path": "/"}
            )
            with pytest.raises(RolledBack), transaction.atomic():
                send_mail(
                    "email/test_message", to="anna@example.org", context={"name": "A", "path": "/"}
                )
                raise RolledBack
    finally:
        task_enqueued.disconnect(record)
    # The commit delivered the mail outside the rolled-back block, and only that one.
    assert enqueued == [["bleibt@example.org"]]
    assert [message.to for message in mail.outbox] == [["bleibt@example.org"]]


def test_rendered_mail_survives_the_task_queue_round_trip():
    rendered = render_mail(
        "email/test_message",
        to=["a@example.org"],
        context={"name": "A", "path": "/"},
        headers={"List-Unsubscribe": "<https://x/>"},
        attachments=[Attachment("termin.ics", b"BEGIN:VCALENDAR", "text/calendar")],
    )
    again = RenderedMail.from_payload(rendered.as_payload())
    assert again == rendered
    message = again.to_message()
    assert message.extra_headers["List-Unsubscribe"] == "<https://x/>"
    assert message.attachments[0][0] == "termin.ics"


# Which failures are temporary ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "temporary"),
    [
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPConnectError(421, b"busy"), True),
        (smtplib.SMTPResponseException(421, b"closing"), True),
        (smtplib.SMTPSenderRefused(451, b"local error", "a@x"), True),
        (smtplib.SMTPDataError(452, b"full"), True),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"busy"), "b@x": (451, b"later")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"busy"), "b@x": (550, b"unknown")}), False),
        (smtplib.SMTPSenderRefused(553, b"not allowed", "a@x"), False),
        (smtplib.SMTPDataError(554, b"spam"), False),
        (smtplib.SMTPAuthenticationError(535, b"wrong"), False),
        (smtplib.SMTPNotSupportedError("no SMTPUTF8"), False),
        (ValueError("bad header"), False),
    ],
)
def test_temporary_failures(error, temporary):
    assert core_mail.is_temporary_failure(error) is temporary


def test_backoff_doubles_with_jitter_up_to_an_hour(settings):
    settings.MAIL_RETRY_BASE_SECONDS = 60
    for attempt, full in [(1, 60), (2, 120), (3, 240), (7, 3600), (30, 3600), (500, 3600)]:
        delays = [core_mail.retry_delay(attempt) for _ in range(50)]
        assert all(full / 2 <= d <= full for d in delays)
        assert len(set(delays)) > 1
