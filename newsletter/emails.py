"""The newsletter's mails: confirmation, "already subscribed", and campaigns.

A campaign is rendered once per batch with placeholders for the personal links, then made
personal per recipient by string replacement (``CampaignSender``, ``mail.BulkSender``): with
10,000 recipients that is 10,000 replacements instead of 10,000 template renderings, and over
SMTP the MIME frame is built once per batch too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from newsletter import links
from newsletter.models import Campaign, Subscriber
from smartregion.core import mail
from smartregion.core.i18n import current_language

CAMPAIGN_TEMPLATE = "newsletter/email/campaign"
ONE_CLICK = "List-Unsubscribe=One-Click"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def send_confirmation(subscriber: Subscriber) -> None:
    mail.send_mail(
        "newsletter/email/confirm",
        to=subscriber.email,
        language=subscriber.language,
        context={
            "subscriber": subscriber,
            "confirm_path": links.confirm_path(subscriber),
            "valid_hours": int(links.CONFIRM_MAX_AGE.total_seconds() // 3600),
            "data_url": links.personal_links(subscriber)["data_url"],
        },
    )


def send_already_subscribed(subscriber: Subscriber) -> None:
    """In the language of the page the new signup came from, as its links."""
    language = current_language()
    mail.send_mail(
        "newsletter/email/already_subscribed",
        to=subscriber.email,
        context={"subscriber": subscriber, **links.personal_links(subscriber, language=language)},
        language=language,
    )


def campaign_sections(campaign: Campaign, *, archive: bool = False) -> dict:
    """The posts and events a campaign shows. In the mail: what is still public and (for
    events) still ahead; in the archive: what is still public, as it was announced."""
    from events.models import Event

    posts, events = [], []
    if campaign.include_blog:
        posts = list(campaign.posts.published().order_by("-published_at", "-pk"))
    if campaign.include_events:
        events = campaign.events.filter(status=Event.Status.PUBLISHED)
        if not archive:
            events = events.filter(ends_at__gte=timezone.now())
        events = list(events.order_by("starts_at", "pk"))
    return {"posts": posts, "events": events}


def absolute_links(text: str) -> str:
    """Site-relative links of the Markdown body (``/blog/…``) made absolute for mail."""
    site = settings.SITE_URL
    return text.replace('href="/', f'href="{site}/').replace("](/", f"]({site}/")


def render_campaign(campaign: Campaign) -> mail.RenderedMail:
    """The campaign for all recipients, with placeholders for the personal links. In German for
    everyone: the Redaktion writes campaigns in German (the personal links lead to the pages in
    each subscriber's language)."""
    context = {
        "campaign": campaign,
        "body_html": mark_safe(absolute_links(campaign.body_html)),  # sanitised by nh3 on save
        "body_text": absolute_links(campaign.body),
        **campaign_sections(campaign),
        "web_url": settings.SITE_URL + campaign.get_absolute_url(),
        "unsubscribe_url": mail.placeholder("unsubscribe_url"),
        "preferences_url": mail.placeholder("preferences_url"),
        "data_url": mail.placeholder("data_url"),
    }
    return mail.render_mail(
        CAMPAIGN_TEMPLATE,
        to=[],
        context=context,
        headers={"List-Id": f"{settings.SITE_NAME} Newsletter <newsletter.{_host()}>"},
        language=settings.LANGUAGE_CODE,
    )


class CampaignSender:
    """Sends a rendered campaign to one recipient after another over one connection (a batch),
    each with their own links and headers; ``close()`` ends the connection."""

    def __init__(self, rendered: mail.RenderedMail, *, connection):
        self.mail = mail.BulkSender(
            rendered, connection=connection, personal_headers=PERSONAL_HEADERS
        )
        self.personal_links = links.PersonalLinks()

    def send(self, *, subscriber: Subscriber, delivery_id: int, campaign_id: int) -> None:
        """One recipient's mail: personal links in the text, RFC 8058 one-click unsubscribe
        headers and a Message-ID that stays the same if this delivery is ever sent again. With
        a BOUNCE_ADDRESS the envelope sender (MAIL FROM, later the Return-Path) is the
        delivery's own bounce address (VERP); the From header stays DEFAULT_FROM_EMAIL."""
        personal = self.personal_links(subscriber)
        self.mail.send(
            to=subscriber.email,
            values=personal,
            headers={
                "List-Unsubscribe": f"<{personal['unsubscribe_url']}>",
                "List-Unsubscribe-Post": ONE_CLICK,
                "Message-ID": f"<newsletter.{campaign_id}.{delivery_id}@{_host()}>",
            },
            envelope_from=links.bounce_address(delivery_id),
        )

    def close(self) -> None:
        self.mail.close()


PERSONAL_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "Message-ID")


def send_test(campaign: Campaign, *, to: str) -> None:
    """The campaign to one staff address, marked as a test. The links are the address's own
    personal links when it is subscribed, else the signup page."""
    rendered = render_campaign(campaign)
    subscriber = Subscriber.objects.with_email(to).first()
    if subscriber:
        values = links.personal_links(subscriber)
    else:
        signup = settings.SITE_URL + reverse("newsletter:subscribe")
        values = {"unsubscribe_url": signup, "preferences_url": signup, "data_url": signup}
    test = rendered.personalise(to=to, values=values)
    test.subject = f"[Test] {test.subject}"
    mail.send_rendered(test)
