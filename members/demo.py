"""Demo content for members: founding members from the facts we have, invented companies, one
pending application. Idempotent: organisations that exist already are left alone.

Real names only as listed in shared/REGION.md, with descriptions that say no more than that;
the companies are invented (names, places and texts), and their websites use ``.example``.
Logos are drawn here with Pillow (a shape and the initials), nothing is downloaded.
"""

import io
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from members import services
from members.models import Application, Membership, Organisation, OrganisationKind
from smartregion.core.images import verify_image
from smartregion.core.models import Municipality, Topic

K = OrganisationKind
DEMO_PASSWORD = "smartregion-demo"
MEMBER_EMAIL = "mitglied@example.org"
APPLICANT_EMAIL = "bewerbung@example.org"

CITY_TEXT = "Geborenes Mitglied der SMART REGION Emscher-Lippe."
CITIES = [
    (
        "Stadt Gelsenkirchen",
        "gelsenkirchen",
        "Leitkommune der SMART REGION Emscher-Lippe und geborenes Mitglied.",
    ),
    ("Stadt Bottrop", "bottrop", CITY_TEXT),
    (
        "Kreis Recklinghausen",
        "kreis-recklinghausen",
        "Der Kreis mit seinen zehn Städten ist geborenes Mitglied der SMART REGION Emscher-Lippe.",
    ),
    ("Stadt Castrop-Rauxel", "castrop-rauxel", CITY_TEXT),
    ("Stadt Datteln", "datteln", CITY_TEXT),
    ("Stadt Dorsten", "dorsten", CITY_TEXT),
    ("Stadt Gladbeck", "gladbeck", CITY_TEXT),
    ("Stadt Haltern am See", "haltern-am-see", CITY_TEXT),
    ("Stadt Herten", "herten", CITY_TEXT),
    ("Stadt Marl", "marl", CITY_TEXT),
    ("Stadt Oer-Erkenschwick", "oer-erkenschwick", CITY_TEXT),
    ("Stadt Recklinghausen", "recklinghausen", CITY_TEXT),
    ("Stadt Waltrop", "waltrop", CITY_TEXT),
]
UNIVERSITIES = [
    (
        "Westfälische Hochschule",
        "gelsenkirchen",
        "Hochschule mit Standorten in Gelsenkirchen, Bocholt und Recklinghausen; geborenes Mitglied. Projekt im Programm „UMBAU 21 – Smart Region“: connect.emscherlippe/smart.",
    ),
    (
        "Hochschule Ruhr West",
        "bottrop",
        "Hochschule mit Campus in Bottrop; geborenes Mitglied. Mit Partnern, darunter die Stadt Bottrop, verantwortet sie das Projekt Emscher-Lippe⁴.",
    ),
]
PROJECT_TEXT = (
    "Projekt aus dem NRW-Förderaufruf „UMBAU 21 – Smart Region“ und damit geborenes Mitglied."
)
PROJECTS = [
    (
        "Smart Networks",
        "herten",
        "Projekt der WiN Emscher-Lippe GmbH: Es hat die digitalen Akteure der Region erfasst und vernetzt; aus ihm ist die Marke SMART REGION Emscher-Lippe entstanden. "
        + PROJECT_TEXT,
    ),
    (
        "connect.emscherlippe/smart",
        "gelsenkirchen",
        "Projekt der Westfälischen Hochschule. " + PROJECT_TEXT,
    ),
    (
        "Emscher-Lippe⁴",
        "bottrop",
        "„Emscher-Lippe hoch vier“: ein Lern- und Demonstrationslabor für die Digitalisierung, getragen von der Hochschule Ruhr West mit Partnern, darunter die Stadt Bottrop. "
        + PROJECT_TEXT,
    ),
    (
        "Emscher-Lippe-Thingsnet",
        "region-emscher-lippe",
        "Ein Internet-der-Dinge-Netz (LoRaWAN) für die Region. " + PROJECT_TEXT,
    ),
    (
        "RegHUB – Smart Social Solutions",
        "region-emscher-lippe",
        "Digitale Lern- und Assistenzsysteme für Menschen mit Behinderungen. " + PROJECT_TEXT,
    ),
    ("Serviceportal Wirtschaft Emscher-Lippe", "region-emscher-lippe", PROJECT_TEXT),
    (
        "Digitalisierung in der Pflege als Chance für eine alters- und behindertengerechte Quartiersentwicklung",
        "region-emscher-lippe",
        PROJECT_TEXT,
    ),
    ("SmartDemography", "region-emscher-lippe", PROJECT_TEXT),
]

# Invented companies and initiatives: (name, kind, city, topics, member since, ambassador statement, text)
COMPANIES = [
    (
        "Zechenblick Software GmbH",
        K.COMPANY,
        "gelsenkirchen",
        ["smart-economy", "kuenstliche-intelligenz"],
        date(2023, 3, 1),
        "Wir zeigen Betrieben in der Region, dass Digitalisierung klein anfangen darf – mit einem Prozess, nicht mit einem Großprojekt.",
        "Wir entwickeln Web-Anwendungen für Handwerk und Mittelstand: Auftragsverwaltung, Online-Terminbuchung und Auswertungen mit **maschinellem Lernen**.",
    ),
    (
        "Lippeauen Robotik GmbH",
        K.COMPANY,
        "dorsten",
        ["smart-economy", "kuenstliche-intelligenz"],
        date(2022, 9, 15),
        "",
        "Kollaborative Roboter für kleine Serien: Wir planen, programmieren und schulen – vom ersten Test bis zur laufenden Linie.",
    ),
    (
        "Halde Digital UG",
        K.COMPANY,
        "herten",
        ["egovernment", "smart-economy"],
        date(2024, 1, 10),
        "Gute Verwaltungsdigitalisierung beginnt bei den Menschen, die sie nutzen. Das teilen wir gern mit dem Netzwerk.",
        "Beratung und Umsetzung barrierefreier Online-Dienste für Verwaltungen und Vereine.",
    ),
    (
        "Kanalhafen Datenwerk GmbH",
        K.COMPANY,
        "datteln",
        ["smart-mobility", "smart-economy"],
        date(2023, 6, 1),
        "",
        "Sendungsverfolgung und Auslastungsprognosen für die Binnenschiff- und Lkw-Logistik.",
    ),
    (
        "Förderturm Energiedaten GmbH",
        K.COMPANY,
        "bottrop",
        ["smart-energy", "smart-building"],
        date(2021, 11, 1),
        "Energiedaten machen Einsparungen sichtbar. Wir möchten, dass jedes Quartier der Region davon profitiert.",
        "Messen, visualisieren, steuern: Energiemonitoring für Gewerbe, Wohnungswirtschaft und Kommunen.",
    ),
    (
        "Vestische Pflegeassistenz GmbH",
        K.COMPANY,
        "recklinghausen",
        ["gesundheit-pflege", "smart-demography"],
        date(2024, 4, 1),
        "",
        "Digitale Assistenz für die ambulante Pflege: Tourenplanung, Dokumentation per Sprache und Sturzerkennung.",
    ),
    (
        "Seeufer Smart Building GmbH",
        K.COMPANY,
        "haltern-am-see",
        ["smart-building", "smart-energy"],
        date(2022, 5, 1),
        "",
        "Gebäudeautomation für Bestandsbauten, nachrüstbar und herstellerunabhängig.",
    ),
    (
        "Kohlenpott KI-Labor GmbH",
        K.COMPANY,
        "marl",
        ["kuenstliche-intelligenz", "bildung"],
        date(2023, 10, 1),
        "Künstliche Intelligenz ist kein Hexenwerk. In unseren offenen Laborabenden probieren Unternehmen sie selbst aus.",
        "Prototypen mit künstlicher Intelligenz für Industrie und Handel, dazu Schulungen für Fachkräfte.",
    ),
    (
        "Werkbank 4.0 e. V.",
        K.ASSOCIATION,
        "gladbeck",
        ["bildung", "smart-economy"],
        date(2024, 2, 1),
        "",
        "Ein offener Makerspace: 3D-Druck, Elektronik und Programmieren für Schulen, Auszubildende und Interessierte.",
    ),
    (
        "Rauxeler Raumwerk VR GmbH",
        K.COMPANY,
        "castrop-rauxel",
        ["virtual-augmented-reality", "smart-economy"],
        date(2023, 8, 1),
        "",
        "Virtual und Augmented Reality für Handel und Handwerk: virtuelle Showrooms und Montageanleitungen per Datenbrille.",
    ),
]
PALETTE = [(11, 61, 92), (15, 110, 79), (11, 95, 133), (138, 90, 0), (90, 60, 130), (160, 45, 40)]


def _font(size: int):
    try:
        return ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def demo_logo(name: str, index: int) -> bytes:
    """A simple, clearly generated logo: a shape in a brand colour and the initials."""
    colour = PALETTE[index % len(PALETTE)]
    image = Image.new("RGBA", (640, 360), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    shape = index % 3
    if shape == 0:
        draw.ellipse((40, 30, 340, 330), fill=colour)
    elif shape == 1:
        draw.rounded_rectangle((40, 30, 340, 330), radius=48, fill=colour)
    else:
        draw.polygon([(190, 20), (350, 330), (30, 330)], fill=colour)
    initials = "".join(word[0] for word in name.split() if word[:1].isalnum())[:2].upper()
    if shape == 2:  # lower and smaller, where the triangle is wide enough
        draw.text((190, 250), initials, font=_font(84), fill="white", anchor="mm")
    else:
        draw.text((190, 180), initials, font=_font(120), fill="white", anchor="mm")
    draw.rectangle((380, 150, 600, 170), fill=colour)
    draw.rectangle((380, 195, 540, 215), fill=(120, 130, 140))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _organisation(
    name, kind, city, *, description, topics=(), founding=False, logo_index=0, website=""
):
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing:
        return existing, False
    organisation = Organisation.objects.create(
        name=name,
        slug=services.organisation_slug(name),
        kind=kind,
        municipality=Municipality.objects.get(slug=city),
        description=description,
        website=website,
        is_founding=founding,
    )
    organisation.topics.set(Topic.objects.filter(slug__in=topics))
    services.organisation_set_logo(
        organisation=organisation, verified=verify_image(demo_logo(name, logo_index))
    )
    return organisation, True


def _demo_user(email: str, first_name: str, last_name: str):
    from allauth.account.models import EmailAddress

    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(stdout) -> None:
    created = 0
    index = 0
    founding = [(n, K.PUBLIC, c, t) for n, c, t in CITIES] + [
        (n, K.RESEARCH, c, t) for n, c, t in UNIVERSITIES
    ]
    founding += [(n, K.PROJECT, c, t) for n, c, t in PROJECTS]
    for name, kind, city, text in founding:
        organisation, new = _organisation(
            name, kind, city, description=text, founding=True, logo_index=index
        )
        index += 1
        if new:
            services.membership_create(organisation=organisation, founding=True)
            created += 1

    for name, kind, city, topics, since, statement, text in COMPANIES:
        slug = services.organisation_slug(name)
        organisation, new = _organisation(
            name,
            kind,
            city,
            description=text,
            topics=topics,
            logo_index=index,
            website=f"https://{slug}.example",
        )
        index += 1
        if not new:
            continue
        created += 1
        if statement:
            organisation.is_ambassador = True
            organisation.ambassador_statement = statement
            organisation.save(update_fields=["is_ambassador", "ambassador_statement", "updated_at"])
        membership = services.membership_create(organisation=organisation)
        # Members since the date above, valid until the end of the current period.
        Membership.objects.filter(pk=membership.pk).update(
            member_since=since, valid_from=date(timezone.localdate().year, 1, 1)
        )
    stdout.write(
        f"  members: {created} organisations added ({Organisation.objects.count()} in total)"
    )

    if not settings.DEBUG:
        stdout.write("  member accounts: skipped (DEBUG is off, no demo passwords in production)")
        return
    manager = _demo_user(MEMBER_EMAIL, "Mia", "Mitglied")
    Organisation.objects.get(name="Zechenblick Software GmbH").managers.add(manager)
    applicant = _demo_user(APPLICANT_EMAIL, "Ben", "Bewerber")
    if not Application.objects.filter(applicant=applicant).exists():
        with transaction.atomic():
            services.application_create(
                user=applicant,
                data={
                    "organisation_name": "Emscherbogen Analytics GmbH",
                    "kind": K.COMPANY,
                    "municipality": Municipality.objects.get(slug="gladbeck"),
                    "address": "Beispielstraße 1\n45964 Gladbeck",
                    "website": "https://emscherbogen-analytics.example",
                    "description": "Wir werten Sensordaten für Kommunen aus: Parkraum, Luftqualität und Besucherströme – datensparsam und offen dokumentiert.",
                    "contact_person": "Ben Bewerber",
                    "topics": list(
                        Topic.objects.filter(slug__in=["smart-mobility", "egovernment"])
                    ),
                    "criterion_region": True,
                    "criterion_digital": True,
                    "criterion_sharing": True,
                    "criterion_terms": True,
                    "wants_ambassador": False,
                },
                logo=verify_image(demo_logo("Emscherbogen Analytics", 4)),
            )
    stdout.write(
        f"  member accounts: {MEMBER_EMAIL} (manages Zechenblick Software GmbH) and {APPLICANT_EMAIL} "
        f"(one pending application), password {DEMO_PASSWORD!r}"
    )
