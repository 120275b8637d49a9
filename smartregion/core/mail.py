"""Templated mail, used by every capability.

A message is a trio of templates, ``<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``
(the HTML extends ``email/base.html``). It is rendered in German at once, with ``site_url`` in the
context for absolute links, and handed to a background task after the transaction commits, so a
request never waits for the mail server and a rolled-back change sends nothing.

Mail to many recipients (the newsletter) is rendered once with ``placeholder()`` markers in the
context and made personal per recipient with ``RenderedMail.personalise()``, a few string
replacements instead of a template rendering per recipient.

Delivery (``tasks.deliver_mail``, queue "mail") retries what may work later: the server could
not be reached, or answered 4xx (``is_temporary_failure``). It tries again after
``retry_delay()`` for ``MAIL_RETRY_HOURS``; a permanent refusal (5xx) or the end of that time is
recorded as an ``UndeliveredMail`` (admin: "Nicht zugestellte E-Mails"), without the mail's body.
"""

from __future__ import annotations

import base64
import binascii
import email.policy
import random
import re
import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import make_msgid
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from smartregion.core.i18n import current_language


class ListMessage(EmailMultiAlternatives):
    """A message to a mailing list's subscriber, with RFC 2369/8058 List-* headers.

    Python's email package folds header lines at 78 characters and, when a single token such as
    a long unsubscribe URL does not fit, RFC 2047-encodes it: mail programs then no longer find
    the URL in List-Unsubscribe. RFC 5322 allows lines of up to 998 characters, so these
    messages fold their headers only beyond that. The bodies are encoded as usual.
    """

    def message(self, *, policy=email.policy.default):
        msg = super().message(policy=policy)
        msg.policy = policy.clone(max_line_length=998)  # used when the message is serialised
        return msg


@dataclass
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass
class RenderedMail:
    subject: str
    text: str
    html: str
    to: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    reply_to: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    def as_payload(self) -> dict:
        """A JSON-serialisable form for the task queue."""
        return {
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "to": self.to,
            "headers": self.headers,
            "reply_to": self.reply_to,
            "attachments": [
                [a.filename, base64.b64encode(a.content).decode(), a.mimetype]
                for a in self.attachments
            ],
        }

    @classmethod
    def from_payload(cls, payload: dict) -> RenderedMail:
        attachments = [
            Attachment(name, base64.b64decode(data), mimetype)
            for name, data, mimetype in payload.get("attachments", [])
        ]
        return cls(**{**payload, "attachments": attachments})

    def personalise(
        self, *, to: list[str] | str, values: dict[str, str], headers: dict[str, str] | None = None
    ) -> RenderedMail:
        """A copy for one recipient: every ``placeholder(name)`` becomes ``values[name]``
        (HTML-escaped in the HTML part), and ``headers`` are added to the rendered ones."""
        subject, text, html = self.subject, self.text, self.html
        for name, value in values.items():
            marker = placeholder(name)
            subject = subject.replace(marker, value)
            text = text.replace(marker, value)
            html = html.replace(marker, escape(value))
        return RenderedMail(
            subject=subject,
            text=text,
            html=html,
            to=[to] if isinstance(to, str) else list(to),
            headers={**self.headers, **(headers or {})},
            reply_to=list(self.reply_to),
            attachments=list(self.attachments),
        )

    def to_message(self) -> EmailMultiAlternatives:
        cls = ListMessage if "List-Unsubscribe" in self.headers else EmailMultiAlternatives
        message = cls(
            subject=self.subject,
            body=self.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=self.to,
            reply_to=self.reply_to or None,
            headers=self.headers or None,
        )
        message.attach_alternative(self.html, "text/html")
        for attachment in self.attachments:
            message.attach(attachment.filename, attachment.content, attachment.mimetype)
        return message


def placeholder(name: str) -> str:
    """A marker to put into a template context in place of a per-recipient value."""
    return f"%%{name}%%"


# Mail to many recipients -------------------------------------------------------------------------

# An address that Django's SMTP backend and the email package pass on unchanged: a dot-atom local
# part and an ASCII domain. Other addresses (quoted local parts, IDNA domains) take the usual way.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*")
# A header value that the email package writes as it is: printable ASCII without a line break.
_PLAIN_HEADER_VALUE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
MAX_HEADER_LINE = 998  # RFC 5322; ListMessage folds only beyond it
MAX_7BIT_LINE = 78  # longer lines, as any non-ASCII text, go quoted-printable (email.policy.SMTP)
TEXT_PART = b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: '
HTML_PART = b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: '


def _encoded_part(text: str) -> tuple[bytes, bytes]:
    """The transfer encoding and the encoded body of a text part, with CRLF line ends: 7bit
    when the email package would choose it (ASCII, lines of at most 78 characters), else
    quoted-printable (which the email package chooses for German text with long lines;
    for other text it may choose base64, which decodes to the same)."""
    lines = text.encode().splitlines()
    if text.isascii() and all(len(line) <= MAX_7BIT_LINE for line in lines):
        return b"7bit", b"\r\n".join(lines) + b"\r\n"
    encoded = binascii.b2a_qp(b"\n".join(lines) + b"\n", istext=True)
    return b"quoted-printable", encoded.replace(b"\n", b"\r\n")


class BulkSender:
    """Sends one rendered mail, made personal per recipient as ``RenderedMail.personalise``
    does, over one connection of a mailer that stays open until ``close()``.

    With Django's SMTP backend the part that is the same for every recipient (Subject, From,
    Date, List-Id, the multipart frame) is built by the email package once, and each
    recipient's message is put together as bytes: the personal header values, and both bodies
    with their placeholders filled in and quoted-printable encoded by ``binascii``. That is the
    same message, headers and content, as the email package builds (tests/core/test_bulk_mail.py
    compares them) at a small part of the cost. What does not fit the frame (attachments, an
    address that needs quoting or IDNA, a header value that would be folded or encoded) and every
    other backend (the tests' outbox, the console) take the usual way, an EmailMessage per
    recipient.

    ``personal_headers`` names the headers whose values differ per recipient; every ``send``
    passes them all. Without a personal Message-ID each message gets a new one. ``assembled``
    counts the messages sent as assembled bytes.
    """

    def __init__(self, rendered: RenderedMail, *, connection, personal_headers=()):
        self.rendered = rendered
        self.connection = connection
        self.personal_headers = tuple(personal_headers)
        self._frame: _Frame | None = None
        if _bytes_path_possible(rendered, connection):
            frame = _Frame(rendered, self.personal_headers)
            self._frame = frame if frame.usable else None
        self._prepared_senders: dict[str, str] = {}
        self.assembled = 0

    def send(self, *, to: str, values: dict[str, str], headers: dict[str, str], envelope_from=""):
        """Send to ``to``, with ``values`` for the placeholders and ``headers`` (the personal
        ones); ``envelope_from`` is the SMTP sender (MAIL FROM) if it is not the From header's
        address. Raises what the backend raises."""
        self.connection.open()  # no-op when open; the backend closes only what it opened itself
        data = self._frame.message(to, values, headers) if self._frame else None
        if data is None:
            message = self.rendered.personalise(to=to, values=values, headers=headers).to_message()
            if envelope_from:
                # Django sends from ``from_email`` and writes the From header from a "From"
                # header if one is given.
                message.extra_headers = {**message.extra_headers, "From": message.from_email}
                message.from_email = envelope_from
            self.connection.send_messages([message])
            return
        sender = envelope_from or settings.DEFAULT_FROM_EMAIL
        self.connection.connection.sendmail(self._envelope_address(sender), [to], data)
        self.assembled += 1

    def _envelope_address(self, address: str) -> str:
        if _PLAIN_ADDRESS.fullmatch(address):
            return address
        if address not in self._prepared_senders:
            self._prepared_senders[address] = self.connection.prep_address(address)
        return self._prepared_senders[address]

    def close(self) -> None:
        self.connection.close()


def _bytes_path_possible(rendered: RenderedMail, connection) -> bool:
    from django.core.mail.backends.smtp import EmailBackend

    return (
        isinstance(connection, EmailBackend)
        and type(connection)._send is EmailBackend._send  # a subclass that sends otherwise
        and not connection.fail_silently
        and settings.DEFAULT_CHARSET.lower() == "utf-8"  # the parts' charset below
        and not rendered.attachments
        and "%%" not in rendered.subject
        and bool(rendered.text)
        and bool(rendered.html)
    )


class _Frame:
    """A message's bytes with stand-ins for the recipient and the personal header values, built
    by the email package (Django's EmailMessage.message()) once."""

    def __init__(self, rendered: RenderedMail, personal_headers: tuple[str, ...]):
        self.rendered = rendered
        marker = f"bulk{secrets.token_hex(8)}"
        self.to_stand_in = f"{marker}-to@bulk.invalid".encode()
        names = list(personal_headers)
        self.new_message_id = "message-id" not in {name.lower() for name in names}
        if self.new_message_id:
            names.append("Message-ID")
        self.header_names = names
        self.stand_ins = [f"<{marker}-{i}@bulk.invalid>".encode() for i in range(len(names))]
        frame = RenderedMail(
            subject=rendered.subject,
            text="x",
            html="x",
            to=[self.to_stand_in.decode()],
            headers={
                **rendered.headers,
                **{name: s.decode() for name, s in zip(names, self.stand_ins, strict=True)},
            },
            reply_to=list(rendered.reply_to),
        ).to_message()
        message = frame.message(policy=email.policy.SMTP)
        data = message.as_bytes()
        self.boundary = message.get_boundary().encode()
        self.head = data[: data.index(b"\r\n\r\n")]
        self.max_values = MAX_HEADER_LINE - max(len(name) for name in [*names, "To"]) - 2
        # Each stand-in once, as it was given (else every message takes the usual way).
        self.usable = all(self.head.count(s) == 1 for s in [self.to_stand_in, *self.stand_ins])

    def message(self, to: str, values: dict[str, str], headers: dict[str, str]) -> bytes | None:
        """The message to ``to`` as bytes, or None when it does not fit the frame."""
        if not _PLAIN_ADDRESS.fullmatch(to) or len(to) > self.max_values:
            return None
        if self.new_message_id:
            headers = {**headers, "Message-ID": make_msgid(domain=DNS_NAME)}
        if len(headers) != len(self.header_names):
            return None
        head = self.head.replace(self.to_stand_in, to.encode())
        for name, stand_in in zip(self.header_names, self.stand_ins, strict=True):
            value = headers.get(name)
            if value is None or len(value) > self.max_values:
                return None
            if not _PLAIN_HEADER_VALUE.fullmatch(value):
                return None
            head = head.replace(stand_in, value.encode())
        text, html = self.rendered.text, self.rendered.html
        for name, value in values.items():
            marker = placeholder(name)
            text = text.replace(marker, value)
            html = html.replace(marker, escape(value))
        text_cte, text_body = _encoded_part(text)
        html_cte, html_body = _encoded_part(html)
        boundary = self.boundary
        if boundary in text_body or boundary in html_body:
            return None
        return b"".join(
            [
                head,
                b"\r\n\r\n--",
                boundary,
                b"\r\n",
                TEXT_PART,
                text_cte,
                b"\r\n\r\n",
                text_body,
                b"\r\n--",
                boundary,
                b"\r\n",
                HTML_PART,
                html_cte,
                b"\r\n\r\n",
                html_body,
                b"\r\n--",
                boundary,
                b"--\r\n",
            ]
        )


def render_mail(
    template: str,
    *,
    to: list[str] | str,
    context: dict | None = None,
    headers: dict[str, str] | None = None,
    reply_to: list[str] | None = None,
    attachments: list[Attachment] | None = None,
    subject_template: str | None = None,
    text_template: str | None = None,
    html_template: str | None = None,
    language: str | None = None,
) -> RenderedMail:
    """Render ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html`` (or the
    templates named explicitly, for names another package chose).

    In ``language``, else in the active one: a visitor's mail in the language of the page they
    used; the worker's (no request) is German. Mails to the Redaktion pass
    ``language=settings.LANGUAGE_CODE``; mails sent later to a person pass the language recorded
    with them (``smartregion.core.i18n.language_field``).
    """
    ctx = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **(context or {})}
    with translation.override(language or current_language()):
        # Subject and text part are plain text: rendered by the engine that escapes nothing.
        subject = " ".join(
            render_to_string(
                subject_template or f"{template}_subject.txt", ctx, using="text"
            ).split()
        )
        text = render_to_string(text_template or f"{template}.txt", ctx, using="text")
        html = render_to_string(html_template or f"{template}.html", ctx, using="django")
    return RenderedMail(
        subject=subject,
        text=text,
        html=html,
        to=[to] if isinstance(to, str) else list(to),
        headers=headers or {},
        reply_to=reply_to or [],
        attachments=attachments or [],
    )


def send_mail(template: str, **kwargs) -> RenderedMail:
    """Render now, deliver from the worker once the current transaction has committed."""
    return send_rendered(render_mail(template, **kwargs))


def send_rendered(mail: RenderedMail) -> RenderedMail:
    """Deliver an already rendered mail from the worker once the transaction has committed."""
    from smartregion.core import tasks

    transaction.on_commit(partial(tasks.deliver_mail.enqueue, mail.as_payload()))
    return mail


def forget_mail_to(email: str) -> int:
    """Delete the queued and finished mail tasks to ``email`` (their payload holds the rendered
    mail, a retry waiting for its time included) and the reports of mail to it that could not be
    delivered, for an erasure. A task that is being delivered right now is left alone. Returns
    how many tasks and reports were deleted."""
    from django.db.models import Q

    return _forget(
        reports=Q(recipients__contains=[email.lower()]), payload=Q(payload__icontains=f'"{email}"')
    )


# Shorter texts would match mails about something else ("Anna", "Test").
MENTION_MIN_LENGTH = 6


def forget_mail_mentioning(texts) -> int:
    """For an erasure: delete the queued and finished mail tasks whose rendered mail mentions
    any of ``texts`` (case-insensitive, anywhere: recipients, subject, body), e.g. a person's
    addresses and name or the title of a post being deleted, and the reports of undelivered mail
    to or about them. Mail to the Redaktion about the person goes as well as mail to them. A
    task being delivered right now is left alone. Texts shorter than ``MENTION_MIN_LENGTH`` are
    ignored. Returns how many tasks and reports were deleted."""
    from django.db.models import Q

    texts = {text.strip().lower() for text in texts if len(text.strip()) >= MENTION_MIN_LENGTH}
    if not texts:
        return 0
    reports, payload = Q(), Q()
    for text in texts:
        reports |= Q(recipients__contains=[text]) | Q(subject__icontains=text)
        payload |= Q(payload__icontains=text)
    return _forget(reports=reports, payload=payload)


def _forget(*, reports, payload) -> int:
    """Delete the undelivered-mail reports matching ``reports`` and the mail tasks (not running
    right now) whose payload, as text, matches ``payload``."""
    from django.db.models import TextField
    from django.db.models.functions import Cast
    from django_tasks_db.models import DBTaskResult

    from smartregion.core import tasks
    from smartregion.core.models import UndeliveredMail

    reports_deleted, _per_model = UndeliveredMail.objects.filter(reports).delete()
    deleted, _per_model = (
        DBTaskResult.objects.filter(task_path=tasks.deliver_mail.module_path)
        .exclude(status="RUNNING")
        .annotate(payload=Cast("args_kwargs", TextField()))
        .filter(payload)
        .delete()
    )
    return deleted + reports_deleted


# Delivery failures -------------------------------------------------------------------------------

RETRY_MAX_DELAY_SECONDS = 3600


def is_temporary_failure(error: BaseException) -> bool:
    """Whether sending may work later: the server could not be reached, dropped the connection
    or timed out, or answered with a 4xx code (for a refused recipient list: every code 4xx).
    5xx answers and any other error (a bug, a bad address) are permanent."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(error, smtplib.SMTPResponseException):  # sender, data, HELO, AUTH answers
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPException):  # e.g. SMTPNotSupportedError
        return False
    # Connection refused or reset, timeouts, no route, name resolution (all OSError).
    return isinstance(error, OSError)


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, …): MAIL_RETRY_BASE_SECONDS,
    doubled per attempt, at most an hour; with jitter (half of it to all of it), so that mails
    that failed together do not all come back to a recovering server at the same moment."""
    delay = min(
        RETRY_MAX_DELAY_SECONDS,
        settings.MAIL_RETRY_BASE_SECONDS * 2 ** min(max(attempt, 1) - 1, 20),
    )
    return delay / 2 + random.uniform(0, delay / 2)  # jitter, not a secret


def error_text(error: BaseException) -> str:
    """The error for a log line or the admin, with the server's reply as it was sent."""

    def reply(code, message) -> str:
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return f"{code} {text}"

    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(
            f"{address}: {reply(*answer)}" for address, answer in error.recipients.items()
        )
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = reply(error.smtp_code, error.smtp_error)
    else:
        detail = str(error)
    return f"{type(error).__name__}: {detail}"[:1000]


def report_undelivered(
    mail: RenderedMail,
    error: BaseException,
    *,
    attempts: int,
    first_attempt_at: datetime,
    task_result_id: str | None = None,
    reason: str | None = None,
):
    """Record a mail given up on, for the admin: who, what subject, why; not the body (it stays
    only in the task result, while that is kept, so that staff can send it again). The reason
    follows from the error unless given."""
    from smartregion.core.models import UndeliveredMail

    if reason is None:
        reason = (
            UndeliveredMail.Reason.EXPIRED
            if is_temporary_failure(error)
            else UndeliveredMail.Reason.REFUSED
        )
    return UndeliveredMail.objects.create(
        recipients=[address.lower() for address in mail.to],
        subject=mail.subject[:300],
        reason=reason,
        error=error_text(error),
        attempts=attempts,
        first_attempt_at=first_attempt_at,
        last_attempt_at=timezone.now(),
        task_result_id=task_result_id,
    )
