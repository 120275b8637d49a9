"""The newsletter's part of people's own data (smartregion/core/personal_data.py): the
subscription of one of the person's addresses with its proof of consent and the issues sent to
it. Subscribers without an account see the same through the „Meine Daten“ link in every mail
(``views.data``)."""

from __future__ import annotations

from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy

from newsletter import services
from newsletter.models import Subscriber
from smartregion.core.dates import iso8601
from smartregion.core.personal_data import Person, Provider, Section


def _subscribers(person: Person):
    return Subscriber.objects.alias(email_lower=Lower("email")).filter(
        email_lower__in=person.emails
    )


def subscriber_export(subscriber: Subscriber) -> dict:
    """One subscription, its consent proof and its deliveries."""
    consent = subscriber.consent_text
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "topics": [topic.name for topic in subscriber.topics.all()],
        "status": subscriber.status,
        "status_label": str(subscriber.get_status_display()),
        "source": subscriber.source,
        "source_label": str(subscriber.get_source_display()),
        # The language of the subscriber's mails and links.
        "language": subscriber.language,
        "consent": {
            "text_version": consent.version,
            # The wording the person was shown and consented to, and its language.
            "text": consent.wording(subscriber.consent_language).text,
            "text_language": subscriber.consent_language,
            "signup_at": iso8601(subscriber.signup_at),
            "confirmed_at": iso8601(subscriber.confirmed_at),
            # Not stored, not even shortened (newsletter/models.py): the confirmation click is
            # the proof.
            "ip_address": None,
        },
        "unsubscribed_at": iso8601(subscriber.unsubscribed_at),
        "bounced_at": iso8601(subscriber.bounced_at),
        "deliveries": [
            {
                "issue": delivery.campaign.subject,
                "status": delivery.status,
                "sent_at": iso8601(delivery.sent_at),
                "bounced_at": iso8601(delivery.bounced_at),
            }
            for delivery in subscriber.deliveries.select_related("campaign").order_by("pk")
        ],
    }


def subscriber_sections(subscriber: Subscriber) -> list[Section]:
    """The newsletter's section for one subscriber (the page behind the mail link)."""
    return [Section(PROVIDER, {"subscriptions": [subscriber_export(subscriber)]})]


def export(person: Person) -> dict:
    subscribers = _subscribers(person).select_related("consent_text").prefetch_related("topics")
    return {"subscriptions": [subscriber_export(subscriber) for subscriber in subscribers]}


def erase(person: Person) -> list[str]:
    for subscriber in _subscribers(person):
        services.subscriber_erase(subscriber=subscriber)
    return []


PROVIDER = Provider(
    key="newsletter",
    label=gettext_lazy("Newsletter"),
    export=export,
    erase=erase,
    template="newsletter/personal_data/_newsletter.html",
    order=40,
)
