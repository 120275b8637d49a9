"""The legal pages' data: the provider's particulars for the Impressum and the dates of the
accessibility statement (one row, edited by the Redaktion), and feedback on accessibility."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalInformation(models.Model):
    """The provider's particulars (§ 5 DDG, § 18 Abs. 2 MStV) and the dates of the accessibility
    statement: one row (``load()``), edited in the admin. An empty required field is a warning
    for staff (``missing()``) and is left out of the public pages, never shown as a placeholder.
    """

    # § 5 Abs. 1 Nr. 1 DDG: name, legal form, address, the people authorised to represent it.
    provider_name = models.CharField(
        _("Anbieter (Name)"), max_length=200, blank=True, default="WiN Emscher-Lippe GmbH"
    )
    legal_form = models.CharField(
        _("Rechtsform"),
        max_length=200,
        blank=True,
        default="Gesellschaft mit beschränkter Haftung (GmbH)",
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True, default="Herten")
    representatives = models.CharField(
        _("Vertretungsberechtigt (Geschäftsführung)"),
        max_length=300,
        blank=True,
        help_text=_("Namen der Geschäftsführerinnen und Geschäftsführer, durch Komma getrennt."),
    )
    # § 5 Abs. 1 Nr. 2 DDG: fast electronic contact and direct communication.
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    # § 5 Abs. 1 Nr. 4 and 6 DDG.
    register_court = models.CharField(
        _("Registergericht"), max_length=200, blank=True, help_text=_("z. B. Amtsgericht …")
    )
    register_number = models.CharField(
        _("Registernummer"), max_length=50, blank=True, help_text=_("z. B. HRB …")
    )
    vat_id = models.CharField(_("Umsatzsteuer-Identifikationsnummer"), max_length=20, blank=True)
    # § 5 Abs. 1 Nr. 3 DDG: only for activities that need an official approval.
    supervisory_authority = models.CharField(
        _("Zuständige Aufsichtsbehörde (falls vorhanden)"), max_length=300, blank=True
    )
    # § 18 Abs. 2 MStV.
    content_responsible = models.CharField(
        _("Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV (Name)"),
        max_length=200,
        blank=True,
    )
    content_responsible_address = models.TextField(
        _("Anschrift der verantwortlichen Person"), blank=True
    )
    # Art. 13 Abs. 1 lit. b DSGVO, where one is designated.
    privacy_officer = models.TextField(
        _("Datenschutzbeauftragte Person (Name und Kontakt, falls benannt)"), blank=True
    )
    # The accessibility statement (BITV 2.0, model of Implementing Decision (EU) 2018/1523).
    accessibility_statement_date = models.DateField(
        _("Erklärung zur Barrierefreiheit erstellt am"), null=True, blank=True
    )
    accessibility_review_date = models.DateField(
        _("Erklärung zuletzt überprüft am"),
        null=True,
        blank=True,
        help_text=_("Datum der letzten Selbstbewertung der Website."),
    )
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    # What the pages need; an empty one is listed to staff (supervisory_authority is optional).
    REQUIRED = (
        "provider_name",
        "legal_form",
        "street",
        "postal_code",
        "city",
        "representatives",
        "email",
        "phone",
        "register_court",
        "register_number",
        "vat_id",
        "content_responsible",
        "content_responsible_address",
        "accessibility_statement_date",
        "accessibility_review_date",
    )

    class Meta:
        verbose_name = _("Rechtliche Angaben")
        verbose_name_plural = _("Rechtliche Angaben")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="legal_single_row")]

    def __str__(self) -> str:
        return str(_("Angaben für Impressum und Barrierefreiheit"))

    def get_absolute_url(self) -> str:
        return reverse("legal:impressum")

    @classmethod
    def load(cls) -> "LegalInformation":
        """The one row; until staff first save it, an unsaved one with the defaults (reading
        pages never write)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def missing(self) -> list[str]:
        """The labels of the required fields that are empty."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.REQUIRED
            if getattr(self, name) in ("", None)
        ]


class AccessibilityFeedback(models.Model):
    """A barrier reported through the feedback form of the accessibility statement."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        ANSWERED = "answered", _("beantwortet")

    message = models.TextField(_("Nachricht"))
    page_url = models.CharField(_("Betroffene Seite"), max_length=500, blank=True)
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("eingegangen"), default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        indexes = [models.Index(fields=["status", "answered_at"])]

    def __str__(self) -> str:
        return self.message[:60]
