"""Demo content for events: upcoming and past Digi-Meetups, network evenings, workshops.

The network's own formats (Digi-Meetups, the Netzwerkabend) are organised by the network
itself; workshops and talks by the invented companies of members.demo. Venues and addresses are
invented (``Beispiel…``). One event is full with a waitlist, one is cancelled, and a member's
proposal waits for the Redaktion. Pictures are drawn with Pillow; nothing is downloaded.

Idempotent: an event whose slug exists already is left alone. Dates are relative to the day of
seeding, so a fresh database always has upcoming events.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from events import services
from events.models import Event, Registration
from members.models import Organisation
from smartregion.core.images import verify_image
from smartregion.core.models import Municipality, Topic

E = Event.Status
R = Registration.Status
F = Event.Format
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
MEMBER_EMAIL = "mitglied@example.org"

COLOURS = [
    ("Dunkelblau", (11, 61, 92), "Türkis", (0, 150, 160)),
    ("Tannengrün", (15, 110, 79), "Hellgrün", (110, 170, 60)),
    ("Violett", (80, 40, 150), "Pink", (200, 30, 110)),
    ("Petrol", (0, 80, 95), "Orange", (220, 110, 20)),
    ("Nachtblau", (20, 24, 70), "Blau", (25, 90, 180)),
]


@dataclass(frozen=True)
class DemoEvent:
    slug: str
    title: str
    teaser: str
    description: str
    days: int  # from today; negative: in the past
    start: time
    hours: float
    format: str
    municipality: str
    topics: tuple[str, ...]
    venue: str = ""
    address: str = ""
    organiser: str = ""  # an organisation's name; empty: the network itself
    capacity: int | None = None
    deadline_days_before: int | None = None
    confirmed: int = 0
    waitlisted: int = 0
    pending: int = 0
    status: str = E.PUBLISHED
    cancellation_note: str = ""
    word: str = ""
    colour: int = 0
    extra: dict = field(default_factory=dict)


NETWORK_VENUE = ("Beispiel-Forum Herten", "Beispielstraße 10\n45699 Herten")

EVENTS = [
    DemoEvent(
        slug="digi-meetup-14-ki-im-mittelstand",
        title="Digi-Meetup #14: Künstliche Intelligenz im Mittelstand",
        teaser="Drei Betriebe aus der Region zeigen in Kurzvorträgen, wo KI ihnen heute schon Arbeit abnimmt – und wo nicht.",
        description="""\
Das Digi-Meetup ist das offene Austauschformat der SMART REGION Emscher-Lippe: kurze Vorträge, viele Fragen, danach Gespräche bei Getränken.

## Programm

- 18:00 Uhr Ankommen und Begrüßung
- 18:15 Uhr Drei Kurzvorträge aus der Praxis (je 15 Minuten)
- 19:15 Uhr Fragen und Austausch, vor Ort und im Stream

Die Teilnahme ist kostenlos. Online-Teilnehmende bekommen den Zugangslink nach der Bestätigung per E-Mail.
""",
        days=8,
        start=time(18, 0),
        hours=2.5,
        format=F.HYBRID,
        municipality="marl",
        topics=("kuenstliche-intelligenz", "smart-economy"),
        venue="Kohlenpott KI-Labor, Laborfläche",
        address="Beispielallee 5\n45768 Marl",
        capacity=40,
        confirmed=7,
        word="KI",
        colour=2,
        extra={"online_url": "https://meet.example/digi-meetup-14"},
    ),
    DemoEvent(
        slug="netzwerkabend-winter",
        title="Netzwerkabend im Winter",
        teaser="Der Netzwerkabend der SMART REGION Emscher-Lippe: Impulsvortrag, Expertengespräch und viel Zeit zum Kennenlernen.",
        description="""\
Einmal im Quartal treffen sich Mitglieder, Kommunen und Hochschulen der Region zum Netzwerkabend.

## Ablauf

1. Impulsvortrag: Digitale Verwaltung aus Sicht der Wirtschaft
2. Expertengespräch mit Mitgliedern des Netzwerks
3. Offener Austausch mit Imbiss

Die Plätze sind begrenzt. Ist der Abend ausgebucht, setzen wir Sie auf die Warteliste.
""",
        days=15,
        start=time(18, 0),
        hours=3,
        format=F.ONSITE,
        municipality="herten",
        topics=("smart-economy", "egovernment"),
        venue=NETWORK_VENUE[0],
        address=NETWORK_VENUE[1],
        capacity=12,
        deadline_days_before=2,
        confirmed=12,
        waitlisted=3,
        pending=1,
        word="Netzwerk",
        colour=0,
    ),
    DemoEvent(
        slug="workshop-barrierefreie-online-formulare",
        title="Online-Workshop: Barrierefreie Online-Formulare",
        teaser="Wie Verwaltungen und Vereine Formulare bauen, die alle ausfüllen können – mit Beispielen und einer Checkliste.",
        description="""\
Im Workshop gehen wir gemeinsam typische Formulare durch: Beschriftungen, Fehlermeldungen, Bedienung mit der Tastatur und mit Screenreadern.

Sie brauchen nur einen Browser. Den Link zum Videoraum bekommen bestätigte Teilnehmende per E-Mail.
""",
        days=12,
        start=time(10, 0),
        hours=2,
        format=F.ONLINE,
        municipality="region-emscher-lippe",
        topics=("egovernment",),
        organiser="Halde Digital UG",
        capacity=25,
        confirmed=9,
        pending=2,
        word="Formulare",
        colour=4,
        extra={"online_url": "https://meet.example/halde-digital-workshop"},
    ),
    DemoEvent(
        slug="workshop-sensoren-selbst-bauen",
        title="Workshop: Umweltsensoren selbst bauen",
        teaser="Löten, programmieren, messen: An einem Samstag baut jede und jeder einen eigenen Sensor für Temperatur und Luftfeuchte.",
        description="""\
Der Makerspace lädt zum Mitmachen ein. Vorkenntnisse brauchen Sie nicht, Material und Werkzeug sind da.

- Grundlagen der Elektronik
- Programmieren des Mikrocontrollers
- Messwerte im eigenen Dashboard ansehen

Den Sensor nehmen Sie mit nach Hause.
""",
        days=22,
        start=time(10, 0),
        hours=5,
        format=F.ONSITE,
        municipality="gladbeck",
        topics=("bildung", "smart-building"),
        organiser="Werkbank 4.0 e. V.",
        venue="Werkbank 4.0, Makerspace",
        address="Beispielweg 7\n45964 Gladbeck",
        capacity=15,
        deadline_days_before=5,
        confirmed=6,
        word="Sensoren",
        colour=1,
    ),
    DemoEvent(
        slug="rundgang-smart-building-im-bestand",
        title="Rundgang: Smart Building im Bestand",
        teaser="Ein Rundgang durch ein nachgerüstetes Bürohaus: Wie Gebäudeautomation ohne Neubau funktioniert.",
        description="Wir zeigen Sensoren, Steuerung und das Energie-Dashboard eines Bürohauses aus den 1970er-Jahren.",
        days=19,
        start=time(15, 0),
        hours=2,
        format=F.ONSITE,
        municipality="haltern-am-see",
        topics=("smart-building", "smart-energy"),
        organiser="Seeufer Smart Building GmbH",
        venue="Bürohaus am Beispielsee",
        address="Seeuferstraße 12\n45721 Haltern am See",
        capacity=20,
        confirmed=5,
        status=E.CANCELLED,
        cancellation_note="Das Gebäude wird kurzfristig umgebaut. Wir holen den Rundgang im Frühjahr nach.",
        word="Gebäude",
        colour=3,
    ),
    DemoEvent(
        slug="digi-meetup-15-energiedaten-im-quartier",
        title="Digi-Meetup #15: Energiedaten im Quartier",
        teaser="Was Messdaten über den Energieverbrauch eines Quartiers verraten und wie Kommunen und Wohnungswirtschaft sie nutzen.",
        description="Kurzvorträge und Diskussion, vor Ort in Bottrop und im Stream.",
        days=36,
        start=time(18, 0),
        hours=2,
        format=F.HYBRID,
        municipality="bottrop",
        topics=("smart-energy", "smart-building"),
        organiser="Förderturm Energiedaten GmbH",
        venue="Förderturm Energiedaten, Veranstaltungsraum",
        address="Beispielplatz 2\n46236 Bottrop",
        capacity=50,
        confirmed=3,
        word="Energie",
        colour=3,
        extra={"online_url": "https://meet.example/digi-meetup-15"},
    ),
    DemoEvent(
        slug="vortrag-virtual-reality-im-handwerk",
        title="Vortrag: Virtual Reality im Handwerk",
        teaser="Virtuelle Showrooms und Montageanleitungen per Datenbrille – ein Erfahrungsbericht mit Ausprobieren.",
        description="Nach dem Vortrag können Sie die Brillen selbst aufsetzen.",
        days=50,
        start=time(17, 0),
        hours=1.5,
        format=F.ONSITE,
        municipality="castrop-rauxel",
        topics=("virtual-augmented-reality", "smart-economy"),
        organiser="Rauxeler Raumwerk VR GmbH",
        venue="Raumwerk-Showroom",
        address="Beispielring 4\n44575 Castrop-Rauxel",
        word="VR",
        colour=2,
    ),
    DemoEvent(
        slug="online-sprechstunde-foerdermittel-digitalisierung",
        title="Online-Sprechstunde: Fördermittel für die Digitalisierung",
        teaser="Welche Förderprogramme passen zu Ihrem Vorhaben? Eine Stunde für Ihre Fragen.",
        description="Eine offene Sprechstunde des Netzwerks. Stellen Sie Ihre Fragen im Chat oder per Mikrofon.",
        days=29,
        start=time(9, 0),
        hours=1,
        format=F.ONLINE,
        municipality="region-emscher-lippe",
        topics=("smart-economy",),
        word="Förderung",
        colour=4,
        extra={"online_url": "https://meet.example/sprechstunde-foerdermittel"},
    ),
    DemoEvent(
        slug="digi-meetup-13-daten-aus-der-verwaltung",
        title="Digi-Meetup #13: Offene Daten aus der Verwaltung",
        teaser="Welche Daten Kommunen öffentlich bereitstellen und was Unternehmen daraus machen können.",
        description="Ein Rückblick: drei Kurzvorträge und eine lebhafte Diskussion.",
        days=-20,
        start=time(18, 0),
        hours=2,
        format=F.HYBRID,
        municipality="gelsenkirchen",
        topics=("egovernment",),
        venue="Beispiel-Saal Gelsenkirchen",
        address="Beispielstraße 21\n45879 Gelsenkirchen",
        capacity=40,
        confirmed=18,
        word="Daten",
        colour=0,
        extra={"online_url": "https://meet.example/digi-meetup-13"},
    ),
    DemoEvent(
        slug="netzwerkabend-herbst",
        title="Netzwerkabend im Herbst",
        teaser="Rückblick auf den Netzwerkabend mit Impulsvortrag zur smarten Mobilität.",
        description="Danke an alle, die dabei waren!",
        days=-48,
        start=time(18, 0),
        hours=3,
        format=F.ONSITE,
        municipality="recklinghausen",
        topics=("smart-mobility", "smart-economy"),
        venue="Beispiel-Forum Recklinghausen",
        address="Beispielgasse 8\n45657 Recklinghausen",
        capacity=60,
        confirmed=41,
        word="Netzwerk",
        colour=1,
    ),
    DemoEvent(
        slug="workshop-roboter-in-kleinen-serien",
        title="Workshop: Roboter für kleine Serien",
        teaser="Wann sich kollaborative Roboter auch bei kleinen Stückzahlen lohnen – mit Vorführung.",
        description="Ein Praxis-Workshop in der Werkhalle.",
        days=-75,
        start=time(13, 0),
        hours=4,
        format=F.ONSITE,
        municipality="dorsten",
        topics=("smart-economy", "kuenstliche-intelligenz"),
        organiser="Lippeauen Robotik GmbH",
        venue="Lippeauen Robotik, Werkhalle",
        address="Am Beispielhafen 3\n46282 Dorsten",
        capacity=16,
        confirmed=16,
        word="Roboter",
        colour=3,
    ),
    DemoEvent(
        slug="digi-meetup-12-pflege-digital",
        title="Digi-Meetup #12: Pflege digital",
        teaser="Digitale Assistenz in der ambulanten Pflege: Tourenplanung, Dokumentation per Sprache, Sturzerkennung.",
        description="Ein Online-Meetup mit Beispielen aus der Praxis.",
        days=-110,
        start=time(17, 30),
        hours=1.5,
        format=F.ONLINE,
        municipality="region-emscher-lippe",
        topics=("gesundheit-pflege", "smart-demography"),
        organiser="Vestische Pflegeassistenz GmbH",
        word="Pflege",
        colour=1,
        confirmed=23,
        extra={"online_url": "https://meet.example/digi-meetup-12"},
    ),
]

PROPOSAL = DemoEvent(
    slug="offene-sprechstunde-web-apps-handwerk",
    title="Offene Sprechstunde: Web-Apps für das Handwerk",
    teaser="Wir beantworten Ihre Fragen zu Auftragsverwaltung und Online-Terminbuchung.",
    description="Bringen Sie Ihre Fragen mit – oder einen Prozess, der Sie heute noch Zeit kostet.",
    days=33,
    start=time(16, 0),
    hours=2,
    format=F.ONSITE,
    municipality="gelsenkirchen",
    topics=("smart-economy",),
    organiser="Zechenblick Software GmbH",
    venue="Zechenblick Software, Besprechungsraum",
    address="Beispielstraße 1\n45879 Gelsenkirchen",
    capacity=10,
    status=E.SUBMITTED,
    word="Web-Apps",
    colour=0,
)

FIRST_NAMES = ["Anna", "Ben", "Clara", "Deniz", "Emil", "Fatma", "Greta", "Hannes", "Ida", "Jonas"]
LAST_NAMES = ["Beispiel", "Muster", "Probe", "Demo", "Vorlage"]


def _font(size: int):
    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:
        return ImageFont.load_default(size=size)


def demo_picture(word: str, colour: int) -> tuple[bytes, str]:
    """A gradient with a calendar sheet and a big word; returns JPEG bytes and the alt text."""
    start_name, start, end_name, end = COLOURS[colour % len(COLOURS)]
    width, height = 1600, 900
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for x in range(width):
        t = x / (width - 1)
        draw.line(
            [(x, 0), (x, height)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(start, end, strict=True)),
        )
    # A calendar sheet: frame, header bar, grid of days.
    draw.rounded_rectangle((110, 170, 590, 730), radius=36, fill=(255, 255, 255))
    draw.rounded_rectangle((110, 170, 590, 300), radius=36, fill=(29, 43, 54))
    draw.rectangle((110, 260, 590, 300), fill=(29, 43, 54))
    for row in range(4):
        for column in range(5):
            x, y = 150 + column * 86, 340 + row * 92
            draw.rounded_rectangle((x, y, x + 60, y + 60), radius=10, fill=(201, 211, 218))
    draw.text(
        (1120, 450), word, font=_font(150 if len(word) < 9 else 110), fill="white", anchor="mm"
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    alt = (
        f"Farbverlauf von {start_name} zu {end_name} mit einem stilisierten Kalenderblatt "
        f"und dem Schriftzug „{word}“"
    )
    return buffer.getvalue(), alt


def _at(day, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _create(demo: DemoEvent, proposer=None) -> Event:
    today = timezone.localdate()
    starts_at = _at(today + timedelta(days=demo.days), demo.start)
    event = Event(
        slug=demo.slug,
        title=demo.title,
        teaser=demo.teaser,
        description=demo.description,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=demo.hours),
        registration_deadline=(
            starts_at - timedelta(days=demo.deadline_days_before)
            if demo.deadline_days_before
            else None
        ),
        capacity=demo.capacity,
        format=demo.format,
        venue_name=demo.venue,
        address=demo.address,
        online_url=demo.extra.get("online_url", ""),
        municipality=Municipality.objects.get(slug=demo.municipality),
        organiser=Organisation.objects.filter(name=demo.organiser).first()
        if demo.organiser
        else None,
        status=demo.status,
        cancellation_note=demo.cancellation_note,
        proposed_by=proposer,
    )
    event.full_clean(exclude=["slug"])
    event.save()
    event.topics.set(Topic.objects.filter(slug__in=demo.topics))
    content, alt = demo_picture(demo.word or demo.title.split()[0], demo.colour)
    event.image_alt = alt
    event.save(update_fields=["image_alt"])
    services.event_set_image(event=event, verified=verify_image(content))
    if event.is_public:
        services.event_render_image(event)
    _registrations(event, demo)
    return event


def _registrations(event: Event, demo: DemoEvent) -> None:
    """Demo participants, written directly (no mails): places 1..n, then the waitlist."""
    now = timezone.now()
    created = min(event.created_at, event.starts_at - timedelta(days=3))
    counter = 0

    def person():
        nonlocal counter
        counter += 1
        first = FIRST_NAMES[counter % len(FIRST_NAMES)]
        last = LAST_NAMES[counter % len(LAST_NAMES)]
        return {
            "name": f"{first} {last}",
            "email": f"{event.slug[:30]}-{counter}@example.org",
            "organisation": "Beispiel GmbH" if counter % 3 == 0 else "",
            "consent_at": created,
            "created_at": created,
        }

    for place in range(1, demo.confirmed + 1):
        Registration.objects.create(
            event=event,
            status=R.CONFIRMED,
            place=place if event.capacity else None,
            confirmed_at=created,
            reminded_at=now if event.has_ended else None,
            **person(),
        )
    for offset in range(demo.waitlisted):
        Registration.objects.create(
            event=event,
            status=R.WAITLISTED,
            confirmed_at=created,
            waitlisted_at=created + timedelta(minutes=offset + 1),
            **person(),
        )
    for _ in range(demo.pending):
        Registration.objects.create(
            event=event, status=R.PENDING, **{**person(), "created_at": now}
        )


def seed(stdout) -> None:
    created = 0
    for demo in EVENTS:
        if Event.objects.filter(slug=demo.slug).exists():
            continue
        _create(demo)
        created += 1
    if not Event.objects.filter(slug=PROPOSAL.slug).exists():
        proposer = get_user_model().objects.filter(email=MEMBER_EMAIL).first()
        _create(PROPOSAL, proposer=proposer)
        created += 1
    upcoming = Event.objects.upcoming().count()
    stdout.write(
        f"  events: {created} added ({Event.objects.count()} in total, {upcoming} upcoming, "
        "one full with a waitlist, one cancelled, one proposal waiting)"
    )
