"""Templated mail, used by every capability.

A message is a trio of templates, ``<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``
(the HTML extends ``email/base.html``). It is rendered in German at once, with ``site_url`` in the
context for absolute links, and handed to a background task after the transaction commits, so a
request never waits for the mail server and a rolled-back change sends nothing.
"""

from __future__ import annotations

import base64
import html as html_lib
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


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

    def to_message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
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
    from smartregion import tasks

    mail = render_mail(template, **kwargs)
    transaction.on_commit(partial(tasks.deliver_mail.enqueue, mail.as_payload()))
    return mail
