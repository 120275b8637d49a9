"""Plain text is plain: every output that is not HTML carries the characters people typed, never
HTML entities („Kaffee &amp; Kuchen“ in a calendar), and every HTML attribute holding text is
escaped exactly once.

The outputs: iCalendar files, the subjects and text parts of mails (the site's own, allauth's
and the newsletter's), meta descriptions and OpenGraph, JSON-LD, the feeds, and the CSV export.
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from newsletter import services as newsletter_services
from newsletter import tasks as newsletter_tasks
from smartregion.core.markup import markdown_to_text
from tests.blog.helpers import form_data, with_files
from tests.events.helpers import registration_data
from tests.factories import (
    CampaignFactory,
    EventFactory,
    PostFactory,
    SubscriberFactory,
    UserFactory,
)
from tests.staff import login_staff

pytestmark = pytest.mark.django_db

# Every character HTML escapes, in the kind of text people write.
TITLE = 'Kaffee & Kuchen: <Digital> im „Café“ – "Zitat" und l\'Atelier'
TEXT = 'Wir backen & verkaufen online. 3 < 5 und "gute" Ideen für\'s Quartier.'
ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")


def assert_plain(text: str, *expected: str) -> None:
    """``text`` has no HTML entity and contains each of ``expected`` as typed."""
    found = ENTITY.findall(text)
    assert not found, f"HTML entities {found} in plain text:\n{text}"
    for part in expected:
        assert part in text, f"{part!r} not in:\n{text}"


class _Meta(HTMLParser):
    """The attribute values of <meta> elements and the JSON-LD script, as a browser reads them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta[attrs.get("name") or attrs.get("property")] = attrs["content"]
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_json_ld = False


def read_meta(response) -> _Meta:
    assert response.status_code == 200
    parser = _Meta()
    parser.feed(response.content.decode())
    return parser


# The one helper ---------------------------------------------------------------------------------


def test_markdown_to_text_gives_the_characters_not_entities():
    text = markdown_to_text(
        '## Kaffee & Kuchen\n\nSo *einfach* wie 3 < 5 und "gut" für\'s Viertel.'
    )
    assert text == 'Kaffee & Kuchen\nSo einfach wie 3 < 5 und "gut" für\'s Viertel.'


def test_markdown_to_text_drops_markup_and_scripts_but_keeps_typed_angle_brackets():
    text = markdown_to_text("Vorher <b>fett</b> &lt;b&gt; nachher\n\n<script>alert(1)</script>\n")
    assert "alert" not in text
    assert text == "Vorher fett <b> nachher"


# iCalendar --------------------------------------------------------------------------------------


@pytest.fixture
def event():
    return EventFactory(
        title=TITLE,
        teaser=TEXT,
        description=f"## Programm & Ablauf\n\n- {TEXT}\n- Kaffee & Kuchen",
        venue_name="Café „Zur Zeche“ & Bühne",
    )


def test_ical_of_an_event_is_plain(client, event):
    response = client.get(reverse("events:ics", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    assert_plain(response.content.decode())
    (component,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(component["SUMMARY"]) == TITLE
    assert_plain(str(component["DESCRIPTION"]), TEXT, "Programm & Ablauf", "Kaffee & Kuchen")
    assert_plain(str(component["LOCATION"]), "Café „Zur Zeche“ & Bühne")


def test_the_calendar_subscription_is_plain(client, event):
    response = client.get(reverse("events:feed"))
    assert_plain(response.content.decode())
    (component,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(component["SUMMARY"]) == TITLE


# Mails ------------------------------------------------------------------------------------------


def test_the_blog_confirmation_mail_is_plain(client, django_capture_on_commit_callbacks, settings):
    settings.SITE_NAME = "SMART REGION Emscher-Lippe & Co"
    data = with_files(form_data(title=TITLE, author_name="Kai & Kim"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("blog:submit"), data)
    (message,) = mail.outbox
    assert_plain(message.subject)
    assert_plain(message.body, TITLE, "Kai & Kim")
    html = message.alternatives[0][0]
    assert "Kaffee &amp; Kuchen" in html and "&amp;amp;" not in html  # HTML: escaped once


def test_mail_text_keeps_what_only_looks_like_an_entity(client, django_capture_on_commit_callbacks):
    """A title about HTML keeps its „&amp;“ as typed: plain text is neither escaped nor
    unescaped on its way into a mail."""
    title = "HTML-Tipp: &amp; schreibt man für &"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("blog:submit"), with_files(form_data(title=title)))
    (message,) = mail.outbox
    assert title in message.body
    assert title in message.subject


def test_the_event_registration_mail_is_plain(client, event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("events:register", kwargs={"slug": event.slug}),
            registration_data(name="Anna & Ben", organisation="Kaffee & Kuchen GmbH"),
        )
    (message,) = mail.outbox
    assert_plain(message.subject, TITLE)
    assert_plain(message.body, TITLE, "Anna & Ben")


def test_the_newsletter_text_part_and_subject_are_plain(settings):
    settings.SITE_URL = "https://portal.example"
    SubscriberFactory(email="leserin@example.org", name="Lea & Lou")
    campaign = CampaignFactory(
        subject=TITLE, preheader=TEXT, body=f"Liebe Leserinnen und Leser,\n\n{TEXT}"
    )
    assert newsletter_services.campaign_schedule(campaign=campaign)
    newsletter_tasks.send_campaign.enqueue(campaign.pk)
    (message,) = mail.outbox
    assert message.subject == TITLE
    assert_plain(message.body, TEXT)


def test_allauth_mails_are_plain(client, settings, django_capture_on_commit_callbacks):
    settings.SITE_NAME = "SMART REGION Emscher-Lippe & Co"
    UserFactory(email="person@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "person@example.org"})
    (message,) = mail.outbox
    assert_plain(message.subject)
    assert_plain(message.body)


# Meta descriptions, OpenGraph, JSON-LD ------------------------------------------------------------


def test_the_post_page_escapes_its_texts_once(client):
    post = PostFactory(title=TITLE, teaser=TEXT)
    page = read_meta(client.get(post.get_absolute_url()))
    assert page.meta["description"] == TEXT
    assert page.meta["og:description"] == TEXT
    assert page.meta["og:title"].startswith(TITLE)
    (raw,) = page.json_ld
    data = json.loads(raw)
    assert data["headline"] == TITLE and data["description"] == TEXT


def test_the_event_page_escapes_its_texts_once(client, event):
    page = read_meta(client.get(event.get_absolute_url()))
    assert page.meta["description"] == TEXT
    assert page.meta["og:description"] == TEXT


def test_the_newsletter_archive_escapes_its_description_once(client):
    campaign = CampaignFactory(subject=TITLE, preheader=TEXT)
    assert newsletter_services.campaign_schedule(campaign=campaign)
    newsletter_tasks.send_campaign.enqueue(campaign.pk)
    page = read_meta(client.get(reverse("newsletter:archive_detail", args=[campaign.pk])))
    assert page.meta["description"] == TEXT


# Feeds --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("feed", ["blog:feed", "blog:feed_atom"])
def test_feeds_carry_the_characters_once(client, feed):
    PostFactory(title=TITLE, teaser=TEXT, organisation_name="Kaffee & Kuchen GmbH")
    response = client.get(reverse(feed))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # XML-escaped once, as XML requires
    texts = [element.text or "" for element in root.iter()]
    assert TITLE in texts
    assert TEXT in texts
    for text in texts:
        assert_plain(text)


# CSV ----------------------------------------------------------------------------------------------


def test_the_participants_csv_is_plain(client, staff_editor, event, sign_up_confirmed):
    sign_up_confirmed(event, name="Anna & Ben", organisation="Kaffee & Kuchen GmbH")
    login_staff(client, staff_editor)
    response = client.get(reverse("admin:events_event_participants_csv", args=[event.pk]))
    assert response.status_code == 200
    content = response.content.decode("utf-8").lstrip("\ufeff")
    assert_plain(content, "Anna & Ben", "Kaffee & Kuchen GmbH")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[1][0] == TITLE


@pytest.fixture
def sign_up_confirmed(django_capture_on_commit_callbacks):
    from events import services

    def make(event, *, name, organisation):
        with django_capture_on_commit_callbacks(execute=True):
            registration = services.registration_create(
                event=event, name=name, email="anna@example.org", organisation=organisation
            )
            services.registration_confirm(registration=registration)
        mail.outbox.clear()
        return registration

    return make
