"""Templated mail, used by every capability.

A message is a trio of templates, ``<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``
(the HTML extends ``email/base.html``). It is rendered in German at once, with ``site_url`` in the
context for absolute links, and handed to a background task after the transaction commits, so a
request never waits for the mail server and a rolled-back change sends nothing.

Mail to many recipients (the newsletter) is rendered once with ``placeholder()`` markers in the
context and made personal per recipient with ``RenderedMail.personalise()``, a few string
replacements instead of a template rendering per recipient.
"""

from __future__ import annotations

import base64
import email.policy
import html as html_lib
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape


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


def render_mail(
    template: str,
    *,
    to: list[str] | str,
    context: dict | None = None,
    headers: dict[str, str] | None = None,
    reply_to: list[str] | None = None,
    attachments: list[Attachment] | None = None,
) -> RenderedMail:
    ctx = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **(context or {})}
    with translation.override(settings.LANGUAGE_CODE):
        # Plain-text parts are rendered by the HTML-escaping engine: undo the entities.
        subject = html_lib.unescape(
            " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
        )
        text = html_lib.unescape(render_to_string(f"{template}.txt", ctx))
        html = render_to_string(f"{template}.html", ctx)
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
    mail), for an erasure. A task that is being delivered right now is left alone. Returns how
    many were deleted."""
    from django.db.models import TextField
    from django.db.models.functions import Cast
    from django_tasks_db.models import DBTaskResult

    from smartregion.core import tasks

    deleted, _per_model = (
        DBTaskResult.objects.filter(task_path=tasks.deliver_mail.module_path)
        .exclude(status="RUNNING")
        .annotate(payload=Cast("args_kwargs", TextField()))
        .filter(payload__icontains=f'"{email}"')
        .delete()
    )
    return deleted
