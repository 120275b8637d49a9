"""factory_boy factories for the tests (and the benchmark)."""

import io
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from smartregion.models import Municipality, Topic


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
