"""Mail to many recipients (mail.BulkSender): the message assembled as bytes over SMTP is the one
Django and the email package build, and one connection carries them all."""

import email.policy
from email import message_from_bytes

import pytest
from django.core.mail import mailers

from smartregion.core.mail import Attachment, BulkSender, RenderedMail, placeholder

pytestmark = pytest.mark.django_db

LONG_LINE = "Drei Betriebe aus Gelsenkirchen, Bottrop und dem Kreis Recklinghausen erzählen " * 3
LIST_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "Message-ID")


def rendered(**overrides) -> RenderedMail:
    link = placeholder("link")
    fields = {
        "subject": "Neues aus dem Netzwerk",
        "text": f"Hallo,\n\n{LONG_LINE}\n.\nEin Punkt am Zeilenanfang:\n.so\n"
        f"Leerzeichen am Ende   \nTab\tda\n= Gleich =3D\n\nAbbestellen: {link}\n",
        "html": f'<p style="color:#0b5f85">{LONG_LINE}</p>\n<a href="{link}">Abbestellen</a>\n'
        + "<p>"
        + "x" * 300
        + "</p>\n",
        "to": [],
        "headers": {"List-Id": "Portal Newsletter <newsletter.portal.example>"},
    }
    return RenderedMail(**{**fields, **overrides})


def personal(to: str, n: int) -> dict:
    url = f"https://portal.example/newsletter/abmelden/{n}:1xaKKq:UNcfHXVYPlyaDZM2n&q={n}/"
    return {
        "to": to,
        "values": {"link": url},
        "headers": {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": f"<newsletter.1.{n}@portal.example>",
        },
    }


def as_email_package_sends_it(mail: RenderedMail, to, values, headers, envelope_from=""):
    """The same mail the usual way: an EmailMessage per recipient, through the backend."""
    message = mail.personalise(to=to, values=values, headers=headers).to_message()
    if envelope_from:
        message.extra_headers = {**message.extra_headers, "From": message.from_email}
        message.from_email = envelope_from
    message.send()


def content(message) -> tuple:
    """What a reader sees: every header but Date (and the boundary), each part's type, charset
    and decoded text."""
    headers = [
        (name, str(value) if name != "Content-Type" else value.content_type)
        for name, value in message.items()
        if name != "Date"
    ]
    parts = [
        (part.get_content_type(), part.get_content_charset(), part.get_content())
        for part in message.walk()
        if not part.is_multipart()
    ]
    return headers, parts


@pytest.mark.parametrize(
    ("mail", "to", "assembled"),
    [
        pytest.param(rendered(), "anna@example.org", 1, id="German, long lines"),
        pytest.param(
            rendered(
                subject="Ausgabe für März: Förderprogramme, Veranstaltungen und Neuigkeiten aus "
                "dem Netzwerk der Region",
                text=f"Short ASCII lines only.\n{placeholder('link')}\n",
                html=f"<p>Short</p>\n<a href='{placeholder('link')}'>x</a>\n",
                reply_to=["redaktion@portal.example"],
            ),
            "o'brien+news@sub.example.org",
            1,
            id="ASCII body, encoded subject, Reply-To",
        ),
        pytest.param(rendered(), "anna@bücher.example", 0, id="IDNA domain: the usual way"),
        pytest.param(rendered(), '"anna maria"@example.org', 0, id="quoted local part"),
        pytest.param(rendered(attachments=[Attachment("a.txt", b"a", "text/plain")]), "a@b.org", 0),
    ],
)
def test_the_bytes_sent_are_the_message_the_email_package_builds(
    smtp_server, settings, mail, to, assembled
):
    smtp_server.start()
    settings.BOUNCE_ADDRESS = ""
    sender = BulkSender(mail, connection=mailers.default, personal_headers=LIST_HEADERS)
    sender.send(**personal(to, 7), envelope_from="bounces+7.abc@portal.example")
    sender.close()
    assert sender.assembled == assembled
    as_email_package_sends_it(mail, **personal(to, 7), envelope_from="bounces+7.abc@portal.example")

    bulk, usual = smtp_server.messages
    assert content(bulk) == content(usual)
    assert bulk["To"] == usual["To"]
    assert content(bulk)[1][0][0] == "text/plain" and content(bulk)[1][1][0] == "text/html"
    assert smtp_server.envelopes[0] == smtp_server.envelopes[1]
    assert smtp_server.envelopes[0][0] == "bounces+7.abc@portal.example"
    # The RFC 8058 header is readable as it is (not folded, not RFC 2047-encoded).
    raw = smtp_server.raw[0]
    assert b"\r\nList-Unsubscribe: <https://portal.example/newsletter/abmelden/7:" in raw
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_each_recipient_gets_their_own_links_and_only_theirs_over_one_connection(smtp_server):
    smtp_server.start()
    sender = BulkSender(rendered(), connection=mailers.default, personal_headers=LIST_HEADERS)
    recipients = [f"leser{n}@example.org" for n in range(5)]
    for n, to in enumerate(recipients):
        sender.send(**personal(to, n))
    sender.close()

    assert sender.assembled == 5
    assert smtp_server.connections == [1] * 5
    for n, (message, (_from, rcpt)) in enumerate(
        zip(smtp_server.messages, smtp_server.envelopes, strict=True)
    ):
        assert rcpt == [recipients[n]] and message["To"] == recipients[n]
        own = f"abmelden/{n}:1xaKKq"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert message["Message-ID"] == f"<newsletter.1.{n}@portal.example>"
        assert own in message["List-Unsubscribe"] and own in text and own in html
        assert f"&amp;q={n}/" in html  # HTML-escaped in the HTML part
        others = [f"abmelden/{m}:" for m in range(5) if m != n]
        assert not any(other in text + html + message["List-Unsubscribe"] for other in others)
        assert "%%" not in text + html


def test_without_a_personal_message_id_each_message_gets_a_new_one(smtp_server):
    smtp_server.start()
    sender = BulkSender(rendered(), connection=mailers.default, personal_headers=())
    for n in range(3):
        sender.send(to=f"leser{n}@example.org", values={"link": "https://x.example/"}, headers={})
    sender.close()
    assert len({message["Message-ID"] for message in smtp_server.messages}) == 3


def test_other_backends_get_an_email_message_per_recipient(mailoutbox):
    sender = BulkSender(rendered(), connection=mailers.default, personal_headers=LIST_HEADERS)
    sender.send(**personal("anna@example.org", 1), envelope_from="bounces+1.x@portal.example")
    [message] = mailoutbox
    assert message.to == ["anna@example.org"]
    assert message.from_email == "bounces+1.x@portal.example"
    parsed = message_from_bytes(message.message(policy=email.policy.SMTP).as_bytes())
    assert parsed["From"] == message.extra_headers["From"]
    assert "abmelden/1:1xaKKq" in message.body


def test_a_header_value_the_email_package_would_encode_takes_the_usual_way(smtp_server):
    smtp_server.start()
    sender = BulkSender(rendered(), connection=mailers.default, personal_headers=LIST_HEADERS)
    mail = personal("anna@example.org", 3)
    mail["headers"]["List-Unsubscribe"] = "<https://portal.example/abmelden/grüße/>"
    sender.send(**mail)
    sender.send(**personal("bernd@example.org", 4))
    sender.close()
    assert sender.assembled == 1  # bernd's
    first, second = smtp_server.messages
    assert first["List-Unsubscribe"] == "<https://portal.example/abmelden/grüße/>"
    assert second["To"] == "bernd@example.org"
    assert smtp_server.connections == [1, 1]
