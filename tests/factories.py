"""factory_boy factories for the tests (and the benchmark)."""

import io
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from smartregion.core.models import Municipality, Topic


def image_bytes(
    width: int = 1200, height: int = 800, fmt: str = "JPEG", color=(11, 95, 133)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


def uploaded_image(name: str = "bild.jpg", **kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fmt = kwargs.setdefault("fmt", "JPEG")
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type=content_type)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "members.User"
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = factory.django.Password("pw-test-123")


class PostFactory(DjangoModelFactory):
    """A published post; pass ``status`` for others. No image files unless ``with_images``."""

    class Meta:
        model = "blog.Post"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Digitale Idee Nummer {n}")
    slug = factory.Sequence(lambda n: f"digitale-idee-{n}")
    teaser = "Wie ein Betrieb aus der Region mit digitalen Werkzeugen durch die Krise kam."
    body = "## Ausgangslage\n\nDie Krise kam plötzlich.\n\n## Lösung\n\nEin **digitaler** Weg."
    organisation_name = "Musterfirma GmbH"
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(slug="gelsenkirchen"))
    cover_alt = "Ein Team am Besprechungstisch"
    author_name = "Erika Mustermann"
    author_email = factory.Sequence(lambda n: f"autorin{n}@example.org")
    consent_at = factory.LazyFunction(timezone.now)
    status = "published"
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() - timedelta(hours=1) if o.status == "published" else None
    )

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create:
            self.topics.set(
                extracted if extracted is not None else [Topic.objects.get(slug="smart-economy")]
            )


class EventFactory(DjangoModelFactory):
    """A published on-site event in a week, two hours long, 20 places; pass fields to vary."""

    class Meta:
        model = "events.Event"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Digi-Meetup Nummer {n}")
    slug = factory.Sequence(lambda n: f"digi-meetup-{n}")
    teaser = "Kurze Vorträge und viel Austausch über digitale Projekte aus der Region."
    description = "## Programm\n\n- Begrüßung\n- Drei Kurzvorträge\n- Austausch bei Getränken"
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 20
    format = "onsite"
    venue_name = "Wissenschaftspark Gelsenkirchen"
    address = "Munscheidstraße 14\n45886 Gelsenkirchen"
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(slug="gelsenkirchen"))
    status = "published"

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create:
            self.topics.set(
                extracted if extracted is not None else [Topic.objects.get(slug="smart-economy")]
            )


class RegistrationFactory(DjangoModelFactory):
    """An unconfirmed registration; tests that need places go through the services."""

    class Meta:
        model = "events.Registration"

    event = factory.SubFactory(EventFactory)
    name = factory.Faker("name", locale="de_DE")
    email = factory.Sequence(lambda n: f"gast{n}@example.org")
    consent_at = factory.LazyFunction(timezone.now)
    status = "pending"


def _current_consent_text():
    from newsletter.models import ConsentText

    return ConsentText.objects.current()


class SubscriberFactory(DjangoModelFactory):
    """A confirmed newsletter subscriber; pass ``status="pending"`` for an unconfirmed one."""

    class Meta:
        model = "newsletter.Subscriber"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"leserin{n}@example.org")
    name = factory.Faker("name", locale="de_DE")
    status = "confirmed"
    source = "form"
    consent_text = factory.LazyFunction(_current_consent_text)
    signup_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    confirmed_at = factory.LazyAttribute(
        lambda o: o.signup_at + timedelta(minutes=5) if o.status == "confirmed" else None
    )

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class CampaignFactory(DjangoModelFactory):
    """A draft newsletter issue without blog or event sections."""

    class Meta:
        model = "newsletter.Campaign"

    subject = factory.Sequence(lambda n: f"Neues aus der Region, Ausgabe {n}")
    preheader = "Ideen, Termine und Menschen aus dem Netzwerk"
    body = "Liebe Leserinnen und Leser,\n\n## Aus dem Netzwerk\n\nEs gibt **viel** Neues."
    include_blog = False
    include_events = False


# Videos and captions (smartregion/core/videos.py checks their structure, not their pictures) --


def _box(kind: bytes, body: bytes) -> bytes:
    return (8 + len(body)).to_bytes(4, "big") + kind + body


def mp4_bytes(brand: bytes = b"isom", compatible: bytes = b"isomiso2mp41", *, moov=True) -> bytes:
    """A tiny MP4: an ``ftyp`` box, a ``moov`` box with an empty movie header and an ``mdat``."""
    boxes = [_box(b"ftyp", brand + b"\x00\x00\x02\x00" + compatible)]
    if moov:
        boxes.append(_box(b"moov", _box(b"mvhd", bytes(100))))
    boxes.append(_box(b"mdat", bytes(64)))
    return b"".join(boxes)


def webm_bytes(doctype: bytes = b"webm") -> bytes:
    """A tiny WebM: the EBML header (DocType ``doctype``) and a Segment of unknown size."""
    elements = (
        b"\x42\x86\x81\x01"  # EBMLVersion 1
        b"\x42\xf7\x81\x01"  # EBMLReadVersion 1
        b"\x42\xf2\x81\x04"  # EBMLMaxIDLength 4
        b"\x42\xf3\x81\x08"  # EBMLMaxSizeLength 8
        + b"\x42\x82"
        + bytes([0x80 | len(doctype)])
        + doctype
        + b"\x42\x87\x81\x04"  # DocTypeVersion 4
        b"\x42\x85\x81\x02"  # DocTypeReadVersion 2
    )
    header = b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(elements)]) + elements
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + bytes(32)
    return header + segment


VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nWillkommen bei SMART REGION Emscher-Lippe.\n"


def uploaded_video(name: str = "video.mp4", data: bytes | None = None, content_type="video/mp4"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, mp4_bytes() if data is None else data, content_type)


def uploaded_captions(name: str = "untertitel.vtt", text: str = VTT):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/vtt")
