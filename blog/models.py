import uuid
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.core import images
from smartregion.core.i18n import EnglishTitleAndTeaser, language_field, translated_expression
from smartregion.core.markup import RendersMarkdown
from smartregion.core.storage import get_private_storage

MAX_TOPICS = 3
MAX_GALLERY_IMAGES = 6
SECTION_MAX_LENGTH = 5000


class Section(NamedTuple):
    """An optional part of a post's story, in the order the post page shows them."""

    field: str
    label: str
    help_text: str


# The structured sections of a post (each a Markdown field with its rendered ``<field>_html``).
# The search index weights them (blog/sql/search_index_sections.sql): Lösung and Tipps as the
# teaser, Ausgangslage and Ergebnis as the free text, the Ansprechpartner as the organisation.
SECTIONS = (
    Section(
        "situation",
        _("Ausgangslage"),
        _("Was hat die Krise für Ihre Organisation bedeutet? Wo standen Sie?"),
    ),
    Section("solution", _("Lösung"), _("Was haben Sie gebaut, eingeführt oder verändert?")),
    Section(
        "outcome",
        _("Ergebnis"),
        _("Was hat sich verändert? Nennen Sie gern Zahlen, zum Beispiel gesparte Zeit."),
    ),
    Section(
        "tips",
        _("Tipps zum Nachmachen"),
        _("Was sollten andere wissen, die es ausprobieren wollen?"),
    ),
    Section(
        "contact",
        _("Ansprechpartner"),
        _(
            "Wer beantwortet Fragen zum Beispiel? Name, Funktion und wie man die Person "
            "erreicht. Wird veröffentlicht."
        ),
    ),
)


def private_upload_path(instance, filename: str) -> str:
    # On the private storage, which no URL serves.
    return images.original_name("blog", filename)


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_cards(self):
        """What a card shows, in one query: the topic names come as an array per post."""
        from smartregion.core.models import Topic

        topic_names = Topic.objects.filter(posts=models.OuterRef("pk")).order_by("position", "name")
        return (
            self.select_related("municipality")
            .annotate(
                topic_names=ArraySubquery(topic_names.values(label=translated_expression("name")))
            )
            .only(
                "title",
                "slug",
                "teaser",
                "title_en",
                "teaser_en",
                "organisation_name",
                "published_at",
                "cover_alt",
                "cover_renditions",
                "municipality__name",
                "municipality__slug",
            )
        )

    def waiting(self):
        return self.filter(status=Post.Status.CONFIRMED)


class Post(RendersMarkdown, EnglishTitleAndTeaser, models.Model):
    markdown_fields = {"body": "body_html"} | {
        section.field: f"{section.field}_html" for section in SECTIONS
    }

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Eingereicht")
        CONFIRMED = "confirmed", _("E-Mail bestätigt")
        PUBLISHED = "published", _("Veröffentlicht")
        REJECTED = "rejected", _("Abgelehnt")
        WITHDRAWN = "withdrawn", _("Zurückgezogen")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("Titel"), max_length=150)
    slug = models.SlugField(_("Adresse"), max_length=160, unique=True)
    teaser = models.CharField(_("Kurzbeschreibung"), max_length=300)
    # Free text: all a post had before the sections; a new one may tell its story in either.
    body = models.TextField(_("Text (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    situation = models.TextField(_("Ausgangslage (Markdown)"), blank=True)
    situation_html = models.TextField(editable=False, blank=True)
    solution = models.TextField(_("Lösung (Markdown)"), blank=True)
    solution_html = models.TextField(editable=False, blank=True)
    outcome = models.TextField(_("Ergebnis (Markdown)"), blank=True)
    outcome_html = models.TextField(editable=False, blank=True)
    tips = models.TextField(_("Tipps zum Nachmachen (Markdown)"), blank=True)
    tips_html = models.TextField(editable=False, blank=True)
    contact = models.TextField(_("Ansprechpartner (Markdown)"), blank=True)
    contact_html = models.TextField(editable=False, blank=True)
    organisation_name = models.CharField(_("Organisation"), max_length=200)
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("Mitgliedsprofil"),
        help_text=_("Verknüpft den Beitrag mit dem Profil eines Mitglieds."),
    )
    municipality = models.ForeignKey(
        "smartregion.Municipality",
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("Kommune"),
    )
    topics = models.ManyToManyField(
        "smartregion.Topic", related_name="posts", verbose_name=_("Themenfelder")
    )
    website = models.URLField(_("Website"), blank=True, max_length=300)
    video_url = models.URLField(_("Video (YouTube oder Vimeo)"), blank=True, max_length=300)

    cover_original = models.FileField(
        _("Titelbild (Original)"),
        upload_to=private_upload_path,
        storage=get_private_storage,
        blank=True,
    )
    cover_alt = models.CharField(_("Alternativtext des Titelbilds"), max_length=250)
    cover_renditions = models.JSONField(default=list, blank=True, editable=False)

    # Empty only on a post kept after its author deleted the account (blog/personal_data.py).
    author_name = models.CharField(_("Name der einreichenden Person"), max_length=150, blank=True)
    author_email = models.EmailField(_("E-Mail der einreichenden Person"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="blog_posts",
        verbose_name=_("Konto"),
    )
    consent_at = models.DateTimeField(_("Einwilligung erteilt am"))
    # The submitter's language: the mails about the post (published, rejected) are sent in it.
    language = language_field()

    status = models.CharField(
        _("Status"), max_length=20, choices=Status, default=Status.SUBMITTED, db_index=True
    )
    rejection_reason = models.TextField(_("Ablehnungsgrund"), blank=True)
    created_at = models.DateTimeField(_("eingereicht am"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("E-Mail bestätigt am"), null=True, blank=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("Blogbeitrag")
        verbose_name_plural = _("Blogbeiträge")
        indexes = [
            models.Index(
                fields=["-published_at"],
                name="blog_post_published_idx",
                condition=Q(status="published"),
            ),
            models.Index(fields=["status", "created_at"], name="blog_post_status_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="blog_post_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("blog:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at is not None

    @property
    def sections(self) -> list[tuple[Section, str]]:
        """The sections this post fills, in order, each with its sanitised HTML."""
        return [
            (section, getattr(self, f"{section.field}_html"))
            for section in SECTIONS
            if getattr(self, section.field).strip()
        ]

    @property
    def video(self):
        from blog.video import parse_video_url

        return parse_video_url(self.video_url) if self.video_url else None


class PostImage(models.Model):
    """A gallery image of a post, with its alternative text."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    original = models.FileField(upload_to=private_upload_path, storage=get_private_storage)
    alt_text = models.CharField(_("Alternativtext"), max_length=250)
    renditions = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("Galeriebild")
        verbose_name_plural = _("Galeriebilder")

    def __str__(self) -> str:
        return self.alt_text


class Report(models.Model):
    """A reader's "Beitrag melden": lands in the Redaktion's queue."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="reports", verbose_name=_("Beitrag")
    )
    reason = models.TextField(_("Grund"), max_length=2000)
    email = models.EmailField(_("E-Mail für Rückfragen"), blank=True)
    created_at = models.DateTimeField(_("gemeldet am"), default=timezone.now)
    resolved_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erledigt durch"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")

    def __str__(self) -> str:
        return f"{self.post} ({self.created_at:%d.%m.%Y})"
