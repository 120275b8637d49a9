"""Events of the network: network evenings, talks, workshops; and the registrations for them.

Times are stored in UTC (``USE_TZ``) and shown in Europe/Berlin. Places are numbered: a confirmed
registration of an event with a capacity holds one place number between 1 and the capacity, and
the database refuses two registrations with the same number (a unique constraint) and a number
above the capacity (a trigger, events/sql/capacity.sql). That is what makes "exactly one gets the
last place" a guarantee of the database rather than of Python code.
"""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from smartregion.core import images
from smartregion.core.i18n import EnglishTitleAndTeaser, language_field
from smartregion.core.markup import markdown_to_text, render_markdown
from smartregion.core.storage import get_private_storage

# Changes to these fields change what a calendar shows: they raise the iCalendar SEQUENCE.
CALENDAR_FIELDS = (
    "title",
    "teaser",
    "title_en",
    "teaser_en",
    "description",
    "starts_at",
    "ends_at",
    "format",
    "venue_name",
    "address",
    "status",
)


def new_uid() -> str:
    """A globally unique, stable iCalendar UID: fixed at creation, never derived from the slug."""
    host = urlsplit(settings.SITE_URL).hostname or "smartregion.invalid"
    return f"{uuid.uuid4()}@{host}"


def private_image_path(instance, filename: str) -> str:
    # On the private storage, which no URL serves.
    return images.original_name("events", filename)


class EventQuerySet(models.QuerySet):
    def public(self):
        """Events with a public page: published, and cancelled ones (marked „abgesagt“)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def upcoming(self):
        """Public events that have not ended yet, soonest first."""
        return self.public().filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")

    def past(self):
        return self.public().filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-pk")

    def waiting(self):
        """Proposals from members waiting for the Redaktion."""
        return self.filter(status=Event.Status.SUBMITTED)

    def with_counts(self):
        R = Registration.Status
        return self.annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status=R.CONFIRMED)),
            waitlist_count=Count("registrations", filter=Q(registrations__status=R.WAITLISTED)),
        )

    def for_cards(self):
        return (
            self.select_related("municipality", "organiser")
            .prefetch_related("topics")
            .with_counts()
            .only(
                "title",
                "slug",
                "teaser",
                "title_en",
                "teaser_en",
                "starts_at",
                "ends_at",
                "format",
                "venue_name",
                "status",
                "capacity",
                "registration_deadline",
                "image_alt",
                "image_renditions",
                "municipality__name",
                "municipality__slug",
                "organiser__name",
                "organiser__slug",
            )
        )


class Event(EnglishTitleAndTeaser, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("Eingereicht")
        PUBLISHED = "published", _("Veröffentlicht")
        CANCELLED = "cancelled", _("Abgesagt")
        REJECTED = "rejected", _("Abgelehnt")

    class Format(models.TextChoices):
        ONSITE = "onsite", _("Präsenz")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    uid = models.CharField(
        _("Kalender-UID"), max_length=255, unique=True, default=new_uid, editable=False
    )
    title = models.CharField(_("Titel"), max_length=150)
    slug = models.SlugField(_("Adresse"), max_length=160, unique=True)
    teaser = models.CharField(
        _("Kurzbeschreibung"),
        max_length=300,
        help_text=_("Höchstens 300 Zeichen. Erscheint in der Übersicht und in Kalendern."),
    )
    description = models.TextField(_("Beschreibung (Markdown)"))
    description_html = models.TextField(editable=False, blank=True)

    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    registration_deadline = models.DateTimeField(
        _("Anmeldeschluss"),
        null=True,
        blank=True,
        help_text=_("Leer: Anmeldung bis zum Beginn."),
    )
    capacity = models.PositiveIntegerField(
        _("Plätze"), null=True, blank=True, help_text=_("Leer: unbegrenzt.")
    )

    format = models.CharField(_("Format"), max_length=10, choices=Format, default=Format.ONSITE)
    venue_name = models.CharField(_("Veranstaltungsort"), max_length=200, blank=True)
    address = models.TextField(
        _("Anschrift"), blank=True, help_text=_("Straße und Hausnummer, PLZ und Ort.")
    )
    online_url = models.URLField(
        _("Zugangslink für die Online-Teilnahme"),
        max_length=500,
        blank=True,
        help_text=_(
            "Wird nie öffentlich angezeigt: nur bestätigte Teilnehmende bekommen ihn per E-Mail."
        ),
    )

    organiser = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("Veranstalter"),
        help_text=_("Leer: Veranstaltung des Netzwerks selbst."),
    )
    topics = models.ManyToManyField(
        "smartregion.Topic", related_name="events", verbose_name=_("Themenfelder")
    )
    municipality = models.ForeignKey(
        "smartregion.Municipality",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("Kommune"),
    )

    image_original = models.FileField(
        _("Bild (Original)"),
        upload_to=private_image_path,
        storage=get_private_storage,
        blank=True,
        editable=False,
    )
    image_alt = models.CharField(_("Alternativtext des Bilds"), max_length=250, blank=True)
    image_renditions = models.JSONField(default=list, blank=True, editable=False)

    status = models.CharField(
        _("Status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    rejection_reason = models.TextField(_("Ablehnungsgrund"), blank=True)
    cancellation_note = models.TextField(_("Hinweis zur Absage"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_events",
        verbose_name=_("vorgeschlagen von"),
    )
    # The proposer's language: the Redaktion's answer (published, rejected) is sent in it.
    proposer_language = language_field()
    sequence = models.PositiveIntegerField(
        _("Kalender-Version (SEQUENCE)"), default=0, editable=False
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        indexes = [
            models.Index(fields=["status", "starts_at"], name="events_event_status_start_idx"),
            models.Index(fields=["status", "ends_at"], name="events_event_status_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="events_event_ends_after_start",
                violation_error_message=_("Das Ende muss nach dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__isnull=True)
                | Q(registration_deadline__lte=F("starts_at")),
                name="events_event_deadline_before_start",
                violation_error_message=_("Der Anmeldeschluss darf nicht nach dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="events_event_capacity_positive",
                violation_error_message=_("Eine Veranstaltung braucht mindestens einen Platz."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        extra = (
            {"description_html"} if "description" in (kwargs.get("update_fields") or ()) else set()
        )
        bump = self.calendar_changed()
        if bump:
            # Raised in the database: two edits at once still give two new numbers.
            self.sequence = F("sequence") + 1
            extra |= {"sequence", "updated_at"}
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *extra}
        super().save(*args, **kwargs)
        if bump:
            self.sequence = (
                type(self)
                ._default_manager.filter(pk=self.pk)
                .values_list("sequence", flat=True)
                .get()
            )
        self._calendar_snapshot = self._calendar_values()

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    # A snapshot of the calendar fields as loaded, so save() can tell whether they changed.
    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._calendar_snapshot = instance._calendar_values()
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        fields = kwargs.get("fields") or (args[1] if len(args) > 1 else None)
        fresh = self._calendar_values()
        if fields is None:
            self._calendar_snapshot = fresh
        else:
            snapshot = getattr(self, "_calendar_snapshot", None)
            if snapshot is not None:
                snapshot.update({name: fresh[name] for name in fields if name in fresh})

    def _calendar_values(self) -> dict:
        return {name: self.__dict__[name] for name in CALENDAR_FIELDS if name in self.__dict__}

    def calendar_changed(self) -> bool:
        snapshot = getattr(self, "_calendar_snapshot", None)
        if snapshot is None:
            return False  # a new event starts at SEQUENCE 0
        current = self._calendar_values()
        return any(current.get(name) != value for name, value in snapshot.items())

    def clean(self):
        """Field-level German messages; the check constraints above guard the database too."""
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Das Ende muss nach dem Beginn liegen.")
        if (
            self.starts_at
            and self.registration_deadline
            and self.registration_deadline > self.starts_at
        ):
            errors["registration_deadline"] = _(
                "Der Anmeldeschluss darf nicht nach dem Beginn liegen."
            )
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _(
                "Eine Veranstaltung braucht mindestens einen Platz. Für unbegrenzt lassen Sie das Feld leer."
            )
        elif self.capacity is not None and self.pk:
            if transaction.get_connection().in_atomic_block:
                # The admin validates and saves in one transaction: holding the event's lock, as
                # the registration services do, no place can be taken between check and save
                # (the database would refuse the save, which would be an error page).
                list(Event.objects.select_for_update().filter(pk=self.pk).values_list("pk"))
            taken = (
                self.registrations.filter(place__isnull=False).aggregate(m=models.Max("place"))["m"]
                or 0
            )
            if self.capacity < taken:
                errors["capacity"] = _(
                    "Es sind bereits Plätze bis Nummer %(taken)s vergeben. Weniger Plätze gehen "
                    "erst, wenn Teilnehmende sich abmelden."
                ) % {"taken": taken}
        if self.format in (self.Format.ONSITE, self.Format.HYBRID) and not self.address.strip():
            errors["address"] = _("Bitte geben Sie die Anschrift des Veranstaltungsorts an.")
        if self.format in (self.Format.ONLINE, self.Format.HYBRID) and not self.online_url:
            errors["online_url"] = _(
                "Bitte geben Sie den Zugangslink für die Online-Teilnahme an. Nur bestätigte "
                "Teilnehmende bekommen ihn."
            )
        if errors:
            raise ValidationError(errors)

    # Display helpers (Europe/Berlin, the active time zone) --------------------------------------

    @property
    def starts_local(self):
        return timezone.localtime(self.starts_at)

    @property
    def ends_local(self):
        return timezone.localtime(self.ends_at)

    @property
    def month(self):
        """The first day of the month the event starts in (local time), to group lists by."""
        return self.starts_local.date().replace(day=1)

    @property
    def when(self) -> str:
        """„Sonntag, 25. Oktober 2026, 02:00 – 04:00 Uhr“, or both dates for multi-day events."""
        start, end = self.starts_local, self.ends_local
        day = pgettext("date format", "l, j. F Y")
        if start.date() == end.date():
            return gettext("%(day)s, %(start)s – %(end)s Uhr") % {
                "day": dateformat.format(start, day),
                "start": dateformat.format(start, "H:i"),
                "end": dateformat.format(end, "H:i"),
            }
        return gettext("%(start_day)s, %(start)s Uhr – %(end_day)s, %(end)s Uhr") % {
            "start_day": dateformat.format(start, day),
            "start": dateformat.format(start, "H:i"),
            "end_day": dateformat.format(end, day),
            "end": dateformat.format(end, "H:i"),
        }

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.CANCELLED)

    @property
    def is_online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    @property
    def is_onsite(self) -> bool:
        return self.format in (self.Format.ONSITE, self.Format.HYBRID)

    @property
    def has_ended(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def registration_closes_at(self):
        return self.registration_deadline or self.starts_at

    @property
    def registration_open(self) -> bool:
        return self.status == self.Status.PUBLISHED and timezone.now() < self.registration_closes_at

    @property
    def places_left(self) -> int | None:
        """Free places (None: unlimited). Needs ``confirmed_count`` from ``with_counts()``."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_full(self) -> bool:
        return self.places_left == 0

    @property
    def address_line(self) -> str:
        return ", ".join(line.strip() for line in self.address.splitlines() if line.strip())

    @property
    def location_text(self) -> str:
        """Venue and address on one line (for calendars and mails); „Online“ for online events."""
        parts = [self.venue_name.strip()] if self.venue_name.strip() else []
        parts += [line.strip() for line in self.address.splitlines() if line.strip()]
        if self.format == self.Format.ONLINE:
            return gettext("Online")
        text = ", ".join(parts)
        if self.format == self.Format.HYBRID:
            text = gettext("%(place)s und online") % {"place": text}
        return text

    @property
    def map_url(self) -> str:
        """A link to the address on OpenStreetMap (a link only: no embedded map, no tiles)."""
        from urllib.parse import quote_plus

        query = " ".join(line.strip() for line in self.address.splitlines() if line.strip())
        return f"https://www.openstreetmap.org/search?query={quote_plus(query)}" if query else ""

    @property
    def plain_description(self) -> str:
        return markdown_to_text(self.description)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Registrations that count: not cancelled (pending ones hold no place yet)."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def waitlist(self):
        return self.filter(status=Registration.Status.WAITLISTED).order_by("waitlisted_at", "pk")

    def of_user(self, user):
        """A user's registrations, matched by the account's verified addresses."""
        from allauth.account.models import EmailAddress

        addresses = EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
        return self.filter(email__in={address.lower() for address in addresses})


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Unbestätigt")
        CONFIRMED = "confirmed", _("Bestätigt")
        WAITLISTED = "waitlisted", _("Warteliste")
        CANCELLED = "cancelled", _("Storniert")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("Veranstaltung"),
    )
    name = models.CharField(_("Name"), max_length=150)
    email = models.EmailField(_("E-Mail-Adresse"))
    organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    consent_at = models.DateTimeField(_("Einwilligung erteilt am"))
    # The language the person registered in: every mail about the registration is sent in it.
    language = language_field()

    status = models.CharField(
        _("Status"), max_length=12, choices=Status, default=Status.PENDING, db_index=True
    )
    place = models.PositiveIntegerField(
        _("Platz"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Nummer des Platzes (1 bis Kapazität); nur bei bestätigten Anmeldungen."),
    )
    created_at = models.DateTimeField(_("angemeldet am"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True, editable=False)
    waitlisted_at = models.DateTimeField(
        _("auf der Warteliste seit"), null=True, blank=True, editable=False
    )
    cancelled_at = models.DateTimeField(_("storniert am"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        constraints = [
            # One registration per address and event; a cancelled one may register again.
            models.UniqueConstraint(
                F("event"),
                Lower("email"),
                condition=~Q(status="cancelled"),
                name="events_registration_one_per_email",
                violation_error_message=_(
                    "Mit dieser E-Mail-Adresse gibt es schon eine Anmeldung für diese Veranstaltung."
                ),
            ),
            # Each place is taken at most once (the upper bound is checked by a trigger).
            models.UniqueConstraint(
                fields=["event", "place"],
                condition=Q(place__isnull=False),
                name="events_registration_one_per_place",
            ),
            models.CheckConstraint(
                condition=Q(place__isnull=True) | Q(place__gte=1),
                name="events_registration_place_positive",
            ),
            # Only confirmed registrations hold a place.
            models.CheckConstraint(
                condition=Q(status="confirmed") | Q(place__isnull=True),
                name="events_registration_place_only_when_confirmed",
            ),
        ]
        indexes = [
            models.Index(
                fields=["event", "waitlisted_at"],
                name="events_reg_waitlist_idx",
                condition=Q(status="waitlisted"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def waitlist_position(self) -> int | None:
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = Registration.objects.filter(
            event_id=self.event_id, status=self.Status.WAITLISTED
        ).filter(
            Q(waitlisted_at__lt=self.waitlisted_at)
            | Q(waitlisted_at=self.waitlisted_at, pk__lt=self.pk)
        )
        return ahead.count() + 1
