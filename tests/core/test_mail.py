import pytest
from django.core import mail
from django.db import transaction
from django.tasks.signals import task_enqueued

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
