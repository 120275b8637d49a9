import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.core.i18n import language_field
from smartregion.core.markup import RendersMarkdown
from smartregion.core.storage import get_private_storage


def private_logo_path(instance, filename: str) -> str:
    return f"logos/{uuid.uuid4().hex}.png"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("The email address must be set")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account; people log in with their email address, there is no username."""

    username = None
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    # The language of the pages the person last logged in on or used their area in: mails sent
    # later (reminders, the Redaktion's decisions, invitations) go out in it (members/services.py).
    language = language_field()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("Konto")
        verbose_name_plural = _("Konten")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="members_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


def _seal_code() -> str:
    # 20 random bytes = 160 bits, URL-safe; unrelated to the member number.
    return secrets.token_urlsafe(20)


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Unternehmen")
    RESEARCH = "research", _("Hochschule/Forschung")
    PUBLIC = "public", _("Kommune/Verwaltung")
    ASSOCIATION = "association", _("Verein/Initiative")
    PROJECT = "project", _("Projekt")


class OrganisationQuerySet(models.QuerySet):
    def active_members(self):
        """Organisations whose membership is active now (founding members never expire)."""
        today = timezone.localdate()
        return self.filter(
            Q(membership__status=Membership.Status.ACTIVE)
            & (Q(membership__valid_until__isnull=True) | Q(membership__valid_until__gte=today))
        )

    def for_cards(self):
        return self.select_related("municipality", "membership").only(
            "name",
            "slug",
            "kind",
            "logo_renditions",
            "is_founding",
            "is_ambassador",
            "municipality__name",
            "municipality__slug",
            "membership__member_since",
            "membership__status",
            "membership__valid_until",
        )


class Organisation(RendersMarkdown, models.Model):
    markdown_fields = {"description": "description_html"}
    """A company or institution of the region; a member once its Membership is active."""

    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Adresse"), max_length=200, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=OrganisationKind)
    municipality = models.ForeignKey(
        "smartregion.Municipality",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("Kommune"),
    )
    address = models.TextField(_("Anschrift"), blank=True)
    website = models.URLField(_("Website"), blank=True, max_length=300)
    description = models.TextField(_("Beschreibung der digitalen Arbeit (Markdown)"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    topics = models.ManyToManyField(
        "smartregion.Topic",
        related_name="organisations",
        blank=True,
        verbose_name=_("Themenfelder"),
    )
    logo_original = models.FileField(
        _("Logo (Original)"), upload_to=private_logo_path, storage=get_private_storage, blank=True
    )
    logo_renditions = models.JSONField(default=list, blank=True, editable=False)
    contact_person = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    is_founding = models.BooleanField(
        _("Gründungsmitglied"),
        default=False,
        help_text=_(
            "Geborene Mitglieder: Kommunen, Kreis, Hochschulen, UMBAU-21-Projekte. Läuft nicht ab."
        ),
    )
    is_ambassador = models.BooleanField(_("Botschafterin/Botschafter"), default=False)
    ambassador_statement = models.TextField(_("Statement als Botschafter/in"), blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="organisations",
        blank=True,
        verbose_name=_("Verwaltet von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="members_organisation_name_ci_unique"),
        ]
        indexes = [
            GinIndex(fields=["name"], name="members_org_name_trgm", opclasses=["gin_trgm_ops"])
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:profile", kwargs={"slug": self.slug})

    @property
    def initials(self) -> str:
        """Up to two initials, shown where an organisation has no logo."""
        words = [word for word in self.name.split() if word[:1].isalnum()]
        return "".join(word[0] for word in words[:2]).upper()


class Membership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("aktiv")
        EXPIRED = "expired", _("abgelaufen")
        REVOKED = "revoked", _("widerrufen")

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("Organisation"),
    )
    number = models.CharField(_("Mitgliedsnummer"), max_length=20, unique=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status, default=Status.ACTIVE)
    member_since = models.DateField(_("Mitglied seit"), default=timezone.localdate)
    valid_from = models.DateField(_("gültig ab"), default=timezone.localdate)
    valid_until = models.DateField(
        _("gültig bis"),
        null=True,
        blank=True,
        help_text=_("Leer bei Gründungsmitgliedern: unbefristet."),
    )
    seal_code = models.CharField(
        _("Siegel-Code"), max_length=40, unique=True, default=_seal_code, editable=False
    )
    seal_version = models.PositiveIntegerField(default=1, editable=False)
    revoked_reason = models.TextField(_("Grund des Widerrufs"), blank=True)
    reminder_sent_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="members_membership_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.organisation}"

    @property
    def state(self) -> str:
        """The state as of today: an active membership past its end date counts as expired."""
        if (
            self.status == self.Status.ACTIVE
            and self.valid_until
            and self.valid_until < timezone.localdate()
        ):
            return self.Status.EXPIRED
        return self.status

    @property
    def is_valid(self) -> bool:
        return self.state == self.Status.ACTIVE

    def get_state_display(self) -> str:
        return dict(self.Status.choices)[self.state]

    def get_verify_url(self) -> str:
        return reverse("members:verify", kwargs={"code": self.seal_code})


class Application(models.Model):
    """An application for membership, reviewed by staff in the admin."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Eingereicht")
        IN_REVIEW = "in_review", _("In Prüfung")
        QUESTION = "question", _("Rückfrage")
        APPROVED = "approved", _("Angenommen")
        REJECTED = "rejected", _("Abgelehnt")

    OPEN_STATES = (Status.SUBMITTED, Status.IN_REVIEW, Status.QUESTION)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("Antragsteller/in"),
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status, default=Status.SUBMITTED, db_index=True
    )
    organisation_name = models.CharField(_("Name der Organisation"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=OrganisationKind)
    municipality = models.ForeignKey(
        "smartregion.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Kommune"),
    )
    address = models.TextField(_("Anschrift"))
    website = models.URLField(_("Website"), max_length=300)
    description = models.TextField(_("Digitale Arbeit"))
    topics = models.ManyToManyField(
        "smartregion.Topic", related_name="+", verbose_name=_("Themenfelder")
    )
    logo_original = models.FileField(
        _("Logo"), upload_to=private_logo_path, storage=get_private_storage, blank=True
    )
    contact_person = models.CharField(_("Ansprechperson"), max_length=150)
    criterion_region = models.BooleanField(_("Sitz oder Niederlassung in der Emscher-Lippe-Region"))
    criterion_digital = models.BooleanField(_("Aktiv in der Digitalisierung"))
    criterion_sharing = models.BooleanField(_("Bereit, Erfahrungen im Netzwerk zu teilen"))
    criterion_terms = models.BooleanField(_("Nutzungsbedingungen des Siegels akzeptiert"))
    wants_ambassador = models.BooleanField(_("Möchte Botschafter/in werden"), default=False)
    ambassador_motivation = models.TextField(_("Motivation als Botschafter/in"), blank=True)

    check_region = models.BooleanField(_("Geprüft: Sitz in der Region"), default=False)
    check_digital = models.BooleanField(_("Geprüft: digitale Aktivität"), default=False)
    check_sharing = models.BooleanField(_("Geprüft: Bereitschaft zum Austausch"), default=False)
    check_terms = models.BooleanField(_("Geprüft: Nutzungsbedingungen"), default=False)
    internal_notes = models.TextField(_("Interne Notizen"), blank=True)
    decision_reason = models.TextField(_("Begründung der Entscheidung"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("Organisation"),
    )
    created_at = models.DateTimeField(_("eingereicht am"), default=timezone.now)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Mitgliedsantrag")
        verbose_name_plural = _("Mitgliedsanträge")
        constraints = [
            # One open application per user.
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status__in=["submitted", "in_review", "question"]),
                name="members_one_open_application_per_user",
            ),
            models.UniqueConstraint(
                Lower("organisation_name"),
                condition=Q(status__in=["submitted", "in_review", "question"]),
                name="members_one_open_application_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation_name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES


class ApplicationMessage(models.Model):
    """A question from staff or an answer from the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_staff = models.BooleanField(default=False)
    text = models.TextField(_("Nachricht"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")

    def __str__(self) -> str:
        return self.text[:60]


class Invitation(models.Model):
    """A manager invites a colleague by email to co-manage the organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")

    def __str__(self) -> str:
        return self.email
