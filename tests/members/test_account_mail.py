"""allauth's mails take the portal's mail path: German, branded HTML, after the commit, queue
"mail" (with its retries)."""

import re
from email.message import EmailMessage

import pytest
from allauth.account.adapter import get_adapter
from django.core import mail
from django.db import transaction
from django.tasks.signals import task_enqueued
from django.template.loader import get_template
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from smartregion.core.tasks import deliver_mail
from tests.members.helpers import verified_user
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db

PASSWORD = "Sehr-sicheres-Passwort-42"
# Every allauth mail the site's settings trigger (login and reset by code, and notifications,
# are off): signup, another address, password reset, and the anti-enumeration answers.
SITE_MAILS = [
    "account/email/email_confirmation_signup",
    "account/email/email_confirmation",
    "account/email/password_reset_key",
    "account/email/account_already_exists",
    "account/email/unknown_account",
]
BRAND = 'SMART REGION <span style="color:#9fe0c7;">Emscher-Lippe</span>'


def signup(client, email="neu@example.org"):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def html_of(message) -> str:
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html


@pytest.mark.parametrize("prefix", SITE_MAILS)
def test_every_account_mail_has_german_branded_templates(prefix):
    for suffix in ("_subject.txt", "_message.txt", "_message.html"):
        source = get_template(prefix + suffix).template.source
        assert "Sie" in source or suffix == "_subject.txt"
    assert (
        '{% extends "email/base.html" %}' in get_template(f"{prefix}_message.html").template.source
    )


def test_the_signup_mail_is_branded_and_sent_after_the_commit(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert signup(client).status_code == 302
        assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["neu@example.org"]
    assert (
        message.subject == "[SMART REGION Emscher-Lippe] Bitte bestätigen Sie Ihre E-Mail-Adresse"
    )
    link = re.search(r"https?://\S+/konto/confirm-email/\S+/", message.body).group(0)
    assert "Guten Tag" in message.body and "bestätigen Sie" in message.body
    html = html_of(message)
    assert BRAND in html
    assert f'href="{link}"' in html and "E-Mail-Adresse bestätigen" in html


def test_the_password_reset_mail_is_branded(client, django_capture_on_commit_callbacks):
    verified_user("anna@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "anna@example.org"})
    [message] = mail.outbox
    assert message.subject == "[SMART REGION Emscher-Lippe] Passwort zurücksetzen"
    link = re.search(r"https?://\S+/konto/password/reset/key/\S+/", message.body).group(0)
    assert BRAND in html_of(message) and f'href="{link}"' in html_of(message)


def test_nothing_is_sent_when_the_transaction_rolls_back(
    client, django_capture_on_commit_callbacks
):
    verified_user("anna@example.org")
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append(task_result)

    class RolledBack(Exception):
        pass

    task_enqueued.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RolledBack), transaction.atomic():
                client.post(reverse("account_reset_password"), {"email": "anna@example.org"})
                signup(client, "zweite@example.org")
                raise RolledBack
    finally:
        task_enqueued.disconnect(record)
    assert enqueued == [] and mail.outbox == []


def test_a_mail_without_its_own_html_gets_its_text_escaped_in_the_branded_layout(
    rf, django_capture_on_commit_callbacks
):
    """Notifications are off today; should they be switched on, they are branded too."""
    from allauth.core import context

    request = rf.get("/", HTTP_USER_AGENT="<script>alert(1)</script>", REMOTE_ADDR="192.0.2.1")
    with context.request_context(request), django_capture_on_commit_callbacks(execute=True):
        get_adapter(request).send_mail(
            "account/email/password_changed",
            "anna@example.org",
            {"user_agent": "<script>alert(1)</script>", "ip": "192.0.2.1", "timestamp": "jetzt"},
        )
    [message] = mail.outbox
    html = html_of(message)
    assert BRAND in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "<script>alert(1)</script>" in message.body


@pytest.mark.django_db(transaction=True)
def test_signup_and_reset_mails_go_through_the_mail_queue_to_the_smtp_server(
    client, db_tasks, smtp_server
):
    smtp_server.start()
    verified_user("anna@example.org")
    signup(client)
    client.post(reverse("account_reset_password"), {"email": "anna@example.org"})
    results = DBTaskResult.objects.filter(task_path=deliver_mail.module_path)
    assert {(r.queue_name, r.status) for r in results} == {("mail", "READY")}
    assert sorted(r.args_kwargs["args"][0]["to"][0] for r in results) == [
        "anna@example.org",
        "neu@example.org",
    ]
    assert all(BRAND in r.args_kwargs["args"][0]["html"] for r in results)

    assert run_worker() == 2
    received: dict[str, EmailMessage] = {m["To"]: m for m in smtp_server.messages}
    assert set(received) == {"anna@example.org", "neu@example.org"}
    for message in received.values():
        assert message.get_content_type() == "multipart/alternative"
        assert BRAND in message.get_body(preferencelist=("html",)).get_content()
    assert "Passwort" in received["anna@example.org"]["Subject"]


GREETING_AND_SIGNATURE = {
    "de": ("Guten Tag,\n", "Ihre Redaktion der SMART REGION Emscher-Lippe\n"),
    "en": ("Hello,\n", "The SMART REGION Emscher-Lippe editorial team\n"),
}


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    "prefix",
    ["account/email/password_changed", "account/email/email_changed", "mfa/email/totp_activated"],
)
def test_allauth_mails_name_the_site_not_the_domain(
    rf, django_capture_on_commit_callbacks, prefix, language
):
    """allauth's own templates greet with „Hallo von <domain>!“ (its current_site is the
    request's host without django.contrib.sites): the site's base_message.txt greets in the
    portal's voice and signs with the site's name, in the visitor's language."""
    from allauth.core import context
    from django.utils import translation

    request = rf.get("/", HTTP_HOST="andere-domain.example", HTTP_USER_AGENT="Firefox")
    values = {"ip": "192.0.2.1", "user_agent": "Firefox", "timestamp": "jetzt"}
    values |= {"from_email": "alt@example.org", "to_email": "anna@example.org"}
    with (
        translation.override(language),
        context.request_context(request),
        django_capture_on_commit_callbacks(execute=True),
    ):
        get_adapter(request).send_mail(prefix, "anna@example.org", values)
    [message] = mail.outbox
    greeting, signature = GREETING_AND_SIGNATURE[language]
    assert message.body.startswith(greeting) and signature in message.body
    assert "Hallo von" not in message.body and "Hello from" not in message.body
    assert "andere-domain.example" not in message.body
    assert signature.strip() in html_of(message)
