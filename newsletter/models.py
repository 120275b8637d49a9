"""The regional newsletter: subscribers with proof of consent, campaigns and their deliveries.

Proof of consent (Art. 7 (1) GDPR, double opt-in as German courts expect it) is kept on the
subscriber: when the signup and the confirmation happened, which version of the consent text the
form showed, and how the address was collected. No IP address is kept, not even a shortened one:
the confirmation click on a link that only the address owner received is the proof, and an IP
address would add personal data without adding evidence. Rate limits count hashed IP addresses in
the cache for an hour and keep nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartregion.core.i18n import LocalizedText, Translated, language_field
from smartregion.core.markup import RendersMarkdown

DEFAULT_CONSENT_TEXT = (
    "Ja, ich möchte den Newsletter der SMART REGION Emscher-Lippe per E-Mail erhalten: "
    "Neuigkeiten aus dem Netzwerk, neue Blogbeiträge und Veranstaltungen, etwa einmal im Monat. "
    "Meine Einwilligung kann ich jederzeit über den Abmeldelink in jeder Ausgabe widerrufen. "
    "Meine Angaben werden nur für den Newsletter verwendet und nicht weitergegeben."
)
DEFAULT_CONSENT_TEXT_EN = (
    "Yes, I would like to receive the SMART REGION Emscher-Lippe newsletter by email: news from "
    "the network, new blog posts and events, about once a month. I can withdraw my consent at "
    "any time using the unsubscribe link in every issue. My details are used only for the "
    "newsletter and are not passed on."
)


class ConsentTextQuerySet(models.QuerySet):
    def current(self) -> ConsentText:
        """The newest version; the first one is created with the default wording."""
        latest = self.order_by("-version").first()
        if latest is None:
            latest, _created = self.get_or_create(
                version=1,
                defaults={"text": DEFAULT_CONSENT_TEXT, "text_en": DEFAULT_CONSENT_TEXT_EN},
            )
        return latest


class ConsentText(models.Model):
    """One version of the consent text shown beside the signup form. Versions are never changed:
    a new wording is a new version, and each subscriber keeps the version they were shown.

    A version has a German wording and may have an English one (``text_en``). The English form
    shows the English wording, or the German one (marked ``lang="de"``) when the version has
    none; the subscriber keeps which of the two they saw (``Subscriber.consent_language``)."""

    version = models.PositiveIntegerField(_("Version"), unique=True, editable=False)
    text = models.TextField(
        _("Einwilligungstext"),
        help_text=_(
            "Steht neben dem Kontrollkästchen im Anmeldeformular. Eine gespeicherte Version "
            "lässt sich nicht mehr ändern: Legen Sie für eine neue Formulierung eine neue "
            "Version an."
        ),
    )
    text_en = models.TextField(
        _("Einwilligungstext (Englisch)"),
        blank=True,
        help_text=_(
            "Steht im englischen Anmeldeformular (/en/newsletter/). Leer gelassen, zeigt es den "
            "deutschen Text, und die Einwilligung gilt für den deutschen Text."
        ),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, editable=False)

    # The wording for the active language: ``text_i18n.lang`` says which one it is.
    text_i18n = Translated("text")

    objects = ConsentTextQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("Einwilligungstext")
        verbose_name_plural = _("Einwilligungstexte")

    def __str__(self) -> str:
        return _("Version %(version)s") % {"version": self.version}

    def save(self, *args, **kwargs):
        if self.version is None:
            last = ConsentText.objects.aggregate(models.Max("version"))["version__max"]
            self.version = (last or 0) + 1
        super().save(*args, **kwargs)

    def wording(self, language: str) -> LocalizedText:
        """The wording a form in ``language`` shows, and so the one a person consented to who
        signed up in it: ``.lang`` says which wording that is."""
        with translation.override(language):
            return self.text_i18n


def normalise_email(email: str) -> str:
    """Addresses are kept in lower case: nobody's mailbox depends on the case of its name."""
    return email.strip().lower()


class SubscriberQuerySet(models.QuerySet):
    def with_email(self, email: str):
        # The same expression as the unique index, so the lookup uses it.
        return self.alias(email_lower=Lower("email")).filter(email_lower=normalise_email(email))

    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def recipients_for(self, campaign: Campaign):
        """The confirmed subscribers a campaign goes to (only one Themenfeld, if it has one).
        An address that bounced permanently is no longer confirmed ("bouncing")."""
        subscribers = self.confirmed()
        if campaign.topic_id:
            subscribers = subscribers.filter(topics=campaign.topic_id)
        return subscribers


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Unbestätigt")
        CONFIRMED = "confirmed", _("Bestätigt")
        UNSUBSCRIBED = "unsubscribed", _("Abgemeldet")
        # A newsletter to the address bounced permanently (SMTP 5.x.x): no more mail goes to it
        # until it signs up and confirms again.
        BOUNCING = "bouncing", _("Unzustellbar (Bounce)")

    class Source(models.TextChoices):
        FORM = "form", _("Anmeldeformular")
        HOME_BOX = "home-box", _("Kasten auf der Startseite")
        FOOTER_BOX = "footer-box", _("Kasten im Seitenfuß")
        IMPORT = "import", _("Import (Einwilligung anderweitig belegt)")

    email = models.EmailField(_("E-Mail-Adresse"), max_length=254)
    name = models.CharField(_("Name"), max_length=100, blank=True)
    topics = models.ManyToManyField(
        "smartregion.Topic",
        blank=True,
        related_name="newsletter_subscribers",
        verbose_name=_("Themenfelder"),
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    source = models.CharField(
        _("Herkunft der Adresse"),
        max_length=20,
        choices=Source,
        default=Source.FORM,
        help_text=_("Wo die Anmeldung abgeschickt wurde."),
    )
    consent_text = models.ForeignKey(
        ConsentText,
        on_delete=models.PROTECT,
        related_name="subscribers",
        verbose_name=_("gezeigter Einwilligungstext"),
    )
    consent_language = models.CharField(
        _("Sprache des gezeigten Einwilligungstexts"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        editable=False,
        help_text=_(
            "Welche Fassung der Version die Person gesehen hat: die englische, oder die deutsche "
            "(auch auf der englischen Seite, wenn die Version keine englische Fassung hatte)."
        ),
    )
    # The language of the page the person signed up on: their mails (confirmation, "already
    # subscribed") and personal links are in it. Campaigns are written in German by the Redaktion.
    language = language_field()
    signup_at = models.DateTimeField(
        pgettext_lazy("Newsletter", "angemeldet am"),
        default=timezone.now,
        help_text=_("Zeitpunkt der (letzten) Anmeldung über das Formular."),
    )
    confirmed_at = models.DateTimeField(
        _("bestätigt am"),
        null=True,
        blank=True,
        help_text=_(
            "Zeitpunkt des Klicks auf den Bestätigungslink (Double-Opt-in). IP-Adressen "
            "speichern wir bewusst nicht, auch nicht gekürzt: Der Klick auf den Link, den nur "
            "die Inhaberin oder der Inhaber der Adresse bekommen hat, ist der Nachweis."
        ),
    )
    unsubscribed_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)
    bounced_at = models.DateTimeField(
        _("unzustellbar seit"),
        null=True,
        blank=True,
        help_text=_("Wann ein Newsletter an die Adresse dauerhaft unzustellbar zurückkam."),
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-signup_at", "-pk"]
        verbose_name = _("Abonnent/in")
        verbose_name_plural = _("Abonnentinnen und Abonnenten")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="newsletter_subscriber_unique_email",
                violation_error_message=_("Diese E-Mail-Adresse ist schon eingetragen."),
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="newsletter_subscriber_confirmed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "signup_at"], name="newsletter_sub_status_idx"),
        ]
        permissions = [("export_subscriber", _("Kann bestätigte Abonnenten exportieren"))]

    def __str__(self) -> str:
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class CampaignQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(status=Campaign.Status.SENT, sent_at__isnull=False)

    def last_sent(self) -> Campaign | None:
        return self.sent().order_by("-sent_at").first()


class Campaign(RendersMarkdown, models.Model):
    markdown_fields = {"body": "body_html"}

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SCHEDULED = "scheduled", _("Versand eingeplant")
        SENDING = "sending", _("Wird versendet")
        SENT = "sent", _("Versendet")

    subject = models.CharField(_("Betreff"), max_length=150)
    preheader = models.CharField(
        _("Vorschautext"),
        max_length=150,
        blank=True,
        help_text=_("Erscheint in vielen Postfächern als graue Zeile hinter dem Betreff."),
    )
    body = models.TextField(
        _("Text (Markdown)"),
        help_text=_(
            "Markdown: **fett**, *kursiv*, [Linktext](https://beispiel.de), "
            "Zwischenüberschrift mit ## am Zeilenanfang, Aufzählung mit - am Zeilenanfang."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    include_blog = models.BooleanField(_("Abschnitt „Neu im Blog“"), default=True)
    posts = models.ManyToManyField(
        "blog.Post",
        blank=True,
        related_name="+",
        verbose_name=_("Blogbeiträge"),
        help_text=_(
            "Vorgeschlagen: was seit dem letzten Newsletter im Blog erschienen ist. "
            "Sie können Beiträge ab- oder hinzuwählen."
        ),
    )
    include_events = models.BooleanField(_("Abschnitt „Nächste Veranstaltungen“"), default=True)
    events = models.ManyToManyField(
        "events.Event",
        blank=True,
        related_name="+",
        verbose_name=_("Veranstaltungen"),
        help_text=_(
            "Vorgeschlagen: die nächsten veröffentlichten Veranstaltungen. Sie können "
            "Veranstaltungen ab- oder hinzuwählen."
        ),
    )
    topic = models.ForeignKey(
        "smartregion.Topic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Nur für Themenfeld"),
        help_text=_(
            "Leer lassen, um an alle bestätigten Abonnenten zu senden. Sonst geht der "
            "Newsletter nur an die, die dieses Themenfeld gewählt haben."
        ),
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    total_count = models.PositiveIntegerField(_("Empfänger"), default=0, editable=False)
    sent_count = models.PositiveIntegerField(_("gesendet"), default=0, editable=False)
    failed_count = models.PositiveIntegerField(_("fehlgeschlagen"), default=0, editable=False)
    skipped_count = models.PositiveIntegerField(_("übersprungen"), default=0, editable=False)
    # Pending deliveries the recipient's server refused temporarily, waiting for their retry.
    deferred_count = models.PositiveIntegerField(
        _("vorübergehend abgewiesen"), default=0, editable=False
    )
    # Deliveries that came back as a permanent bounce (counted by services.bounce_record).
    bounced_count = models.PositiveIntegerField(_("Bounces"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
        editable=False,
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("Versand begonnen"), null=True, blank=True, editable=False)
    progress_at = models.DateTimeField(
        _("letzter Versandfortschritt"), null=True, blank=True, editable=False
    )
    # Set while the mail server is unavailable, or while the only deliveries left wait for their
    # retry: when the next batch will be tried.
    resume_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("versendet am"), null=True, blank=True, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Newsletter-Ausgabe")
        verbose_name_plural = _("Newsletter-Ausgaben")
        indexes = [
            models.Index(
                fields=["-sent_at"], name="newsletter_campaign_sent_idx", condition=Q(status="sent")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="newsletter_campaign_sent_has_date",
            ),
        ]
        permissions = [("send_campaign", _("Kann Newsletter versenden"))]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletter:archive_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def pending_count(self) -> int:
        return max(0, self.total_count - self.sent_count - self.failed_count - self.skipped_count)


class Delivery(models.Model):
    """One campaign mail to one subscriber. The unique constraint is what makes a send
    resumable without duplicates: a re-run finds the row and its state instead of adding one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Wartet")
        SENT = "sent", _("Gesendet")
        FAILED = "failed", _("Fehlgeschlagen")
        SKIPPED = "skipped", _("Übersprungen (inzwischen abgemeldet oder unzustellbar)")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("Ausgabe")
    )
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("Abonnent/in"),
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    error = models.TextField(_("Fehler"), blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    # A pending delivery the recipient's server refused temporarily (SMTP 4xx at RCPT TO): when
    # it is tried next, and since when it is refused (it fails after MAIL_RETRY_HOURS).
    retry_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    deferred_since = models.DateTimeField(_("vorübergehend abgewiesen seit"), null=True, blank=True)
    # A sent delivery that bounced permanently later; ``error`` then holds the bounce's reason.
    bounced_at = models.DateTimeField(_("Bounce am"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Zustellung")
        verbose_name_plural = _("Zustellungen")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subscriber"], name="newsletter_delivery_once"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="newsletter_delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.subscriber_id} ({self.status})"
