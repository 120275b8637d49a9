import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.core.i18n import Translated
from smartregion.core.images import picture
from smartregion.core.markup import render_markdown
from smartregion.core.videos import validate_captions, validate_video, video_name


class Municipality(models.Model):
    """A city of the region (or the region as a whole), editable by staff."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    # Symmetric: Bottrop is Gladbeck's neighbour as Gladbeck is Bottrop's.
    neighbours = models.ManyToManyField(
        "self",
        blank=True,
        verbose_name=_("Nachbarkommunen"),
        help_text=_(
            "Kommunen, die aneinandergrenzen, und die Kreise und Regionen mit ihren Städten. "
            "„Ähnliche Beispiele“ unter einem Blogbeitrag ziehen Beiträge aus der eigenen und "
            "aus Nachbarkommunen vor."
        ),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A Themenfeld such as Smart Economy or eGovernment."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=100, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    name_en = models.CharField(_("Name (Englisch)"), max_length=100, blank=True)

    name_i18n = Translated("name")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("Themenfeld")
        verbose_name_plural = _("Themenfelder")

    def __str__(self) -> str:
        # In the page's language: choice labels of every form and {{ topic }} show the English
        # name on English pages (the German one, marked lang="de" in HTML, where there is none).
        return self.name_i18n


def taxonomy() -> tuple[list[Topic], list[Municipality]]:
    """Every Themenfeld and Kommune, kept in this worker's memory until one of them changes (their
    content version; within a reading page without a query). For the lists' filters."""
    from smartregion.core.fragments import EVERYWHERE, cached, content_version

    return cached(
        ("taxonomy", content_version(EVERYWHERE)),
        lambda: (list(Topic.objects.all()), list(Municipality.objects.all())),
    )


class Page(models.Model):
    """A staff-editable page such as Über uns, Impressum, Datenschutz, Barrierefreiheit."""

    slug = models.SlugField(_("Adresse"), max_length=100, unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    intro = models.CharField(_("Einleitung"), max_length=300, blank=True)
    body = models.TextField(_("Inhalt (Markdown)"))
    title_en = models.CharField(_("Titel (Englisch)"), max_length=200, blank=True)
    intro_en = models.CharField(_("Einleitung (Englisch)"), max_length=300, blank=True)
    body_en = models.TextField(
        _("Inhalt (Englisch, Markdown)"),
        blank=True,
        help_text=_("Leer lassen: Auf der englischen Seite erscheint der deutsche Text."),
    )
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    title_i18n = Translated("title")
    intro_i18n = Translated("intro")
    body_i18n = Translated("body")

    class Meta:
        ordering = ["title"]
        verbose_name = _("Seite")
        verbose_name_plural = _("Seiten")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("page", kwargs={"slug": self.slug})

    @property
    def body_html(self):
        """The body in the active language (see ``body_i18n.lang``), rendered."""
        return render_markdown(self.body_i18n.text)


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class EasyReadPage(models.Model):
    """A page in Leichte Sprache (/leichte-sprache/<slug>/), written and ordered by the Redaktion.

    The body is Markdown with one sentence per line; each line is shown on a line of its own."""

    slug = models.SlugField(_("Adresse"), max_length=100, unique=True)
    title = models.CharField(_("Überschrift"), max_length=120)
    summary = models.CharField(
        _("Kurz-Beschreibung"),
        max_length=200,
        help_text=_("Ein kurzer Satz für die Übersicht."),
    )
    body = models.TextField(
        _("Text (Markdown)"),
        help_text=_(
            "Ein Satz pro Zeile. Kurze Sätze mit höchstens 15 Wörtern. "
            "Schwere Wörter gleich im Text erklären."
        ),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_published = models.BooleanField(_("veröffentlicht"), default=True)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("Seite in Leichter Sprache")
        verbose_name_plural = _("Seiten in Leichter Sprache")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("easy_read_page", kwargs={"slug": self.slug})

    @property
    def body_html(self):
        return render_markdown(self.body)


SIGN_LANGUAGE_FOLDER = "gebaerdensprache"


def sign_language_video_path(instance, filename: str) -> str:
    """A fresh name whose extension comes from the upload's content (a form's upload, saved
    with the row); a file that code saves directly keeps the suffix its caller chose."""
    pending = instance.video
    if pending and not pending._committed:
        return video_name(SIGN_LANGUAGE_FOLDER, pending.file)
    suffix = "webm" if filename.lower().endswith(".webm") else "mp4"
    return f"{SIGN_LANGUAGE_FOLDER}/{uuid.uuid4().hex}.{suffix}"


def sign_language_captions_path(instance, filename: str) -> str:
    return f"{SIGN_LANGUAGE_FOLDER}/{uuid.uuid4().hex}.vtt"


class SignLanguageVideo(models.Model):
    """A video in Deutscher Gebärdensprache (DGS) on /gebaerdensprache/, uploaded by the
    Redaktion to the site's own public storage and played by the browser's own player."""

    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(
        _("Beschreibung"),
        max_length=1000,
        help_text=_("Ein kurzer Text auf Deutsch: Worum geht es im Video?"),
    )
    video = models.FileField(
        _("Video-Datei"),
        upload_to=sign_language_video_path,
        validators=[validate_video],
        max_length=200,
        help_text=_("MP4 (H.264) oder WebM."),
    )
    captions = models.FileField(
        _("Untertitel (WebVTT)"),
        upload_to=sign_language_captions_path,
        validators=[validate_captions],
        max_length=200,
        blank=True,
        help_text=_("Eine Textdatei im Format WebVTT (.vtt) mit deutschen Untertiteln."),
    )
    poster_renditions = models.JSONField(default=list, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_published = models.BooleanField(_("veröffentlicht"), default=False)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("Video in Gebärdensprache")
        verbose_name_plural = _("Videos in Gebärdensprache")

    def __str__(self) -> str:
        return self.title

    @property
    def content_type(self) -> str:
        return "video/webm" if self.video.name.endswith(".webm") else "video/mp4"

    @property
    def poster_url(self) -> str:
        poster = picture(self.poster_renditions)
        return poster["src"] if poster else ""


class ModerationLog(models.Model):
    """Who changed the state of what, when and why: posts, applications, events alike."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=_("Art")
    )
    object_id = models.CharField(_("Objekt"), max_length=64)
    from_state = models.CharField(_("vorher"), max_length=30, blank=True)
    to_state = models.CharField(_("nachher"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("durch"),
        related_name="+",
    )
    note = models.TextField(_("Begründung / Notiz"), blank=True)
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Moderationsprotokoll")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.from_state or '–'} → {self.to_state}"


class ContentVersion(models.Model):
    """A counter per content area, raised by database triggers on every write to its tables.

    Cached fragments carry the version in their key (smartregion/fragments.py), so they are
    never stale, whichever way the data changed: admin, services, bulk updates or raw SQL.
    """

    key = models.CharField(max_length=40, primary_key=True)
    version = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Inhaltsversion")
        verbose_name_plural = _("Inhaltsversionen")

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class UndeliveredMail(models.Model):
    """A mail the worker gave up on: refused for good (SMTP 5xx, a bad address) or still failing
    temporarily when MAIL_RETRY_HOURS had passed. Only what staff need to act on it: recipient,
    subject and the last error. The body is not copied here; it stays in the linked task
    result (pruned after a week) so that "erneut senden" can deliver it again."""

    class Reason(models.TextChoices):
        REFUSED = "refused", _("dauerhaft abgelehnt")
        EXPIRED = "expired", _("Mailserver zu lange nicht erreichbar")
        WORKER_LOST = "lost", _("Versand mehrfach abgebrochen")

    recipients = ArrayField(models.CharField(max_length=320), verbose_name=_("Empfänger"))
    subject = models.CharField(_("Betreff"), max_length=300)
    reason = models.CharField(_("Grund"), max_length=10, choices=Reason.choices)
    error = models.TextField(_("letzter Fehler"))
    attempts = models.PositiveIntegerField(_("Versuche"))
    first_attempt_at = models.DateTimeField(_("erster Versuch"))
    last_attempt_at = models.DateTimeField(_("letzter Versuch"), db_index=True)
    task_result = models.ForeignKey(
        "django_tasks_database.DBTaskResult",
        verbose_name=_("Aufgabe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-last_attempt_at"]
        verbose_name = _("Nicht zugestellte E-Mail")
        verbose_name_plural = _("Nicht zugestellte E-Mails")

    def __str__(self) -> str:
        return f"{', '.join(self.recipients)}: {self.subject}"

    @property
    def payload(self) -> dict | None:
        """The rendered mail, while its task result is still kept."""
        if self.task_result is None:
            return None
        args_kwargs = self.task_result.args_kwargs
        return args_kwargs["kwargs"].get("payload") or (args_kwargs["args"] or [None])[0]


class PeriodicRun(models.Model):
    """The claim of one run of a periodic job (settings.PERIODIC_TASKS) for one time slot.

    ``manage.py housekeeping`` may run on several hosts at the same moment (a timer on each);
    whoever inserts the row for (job, slot) first enqueues the job, the others skip it
    (``smartregion.core.periodic.claim``). Rows older than a week are pruned."""

    job = models.CharField(_("Aufgabe"), max_length=200)
    slot = models.DateTimeField(_("Zeitfenster ab"))
    claimed_at = models.DateTimeField(_("übernommen am"), default=timezone.now, db_index=True)
    host = models.CharField(_("Rechner"), max_length=255, blank=True)

    class Meta:
        ordering = ["-slot", "job"]
        verbose_name = _("Lauf einer periodischen Aufgabe")
        verbose_name_plural = _("Läufe periodischer Aufgaben")
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"
