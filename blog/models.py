import uuid

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
    markdown_fields = {"body": "body_html"}

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
    body = models.TextField(_("Text (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)
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
