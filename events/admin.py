from defusedcsv import csv
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.http import require_POST

from events import services
from events.models import Event, Registration
from smartregion.core import moderation
from smartregion.core.admin_decisions import Decision, DecisionAdminMixin, moderation_history
from smartregion.core.images import photo_field

E = Event.Status
R = Registration.Status


def participants_csv(events) -> HttpResponse:
    """Registrations of ``events`` as CSV for Excel (UTF-8 with BOM, semicolons).

    defusedcsv neutralises cells that a spreadsheet would run as a formula (=, +, -, @).
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"teilnehmende-{events[0].slug}.csv" if len(events) == 1 else "teilnehmende.csv"
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "Veranstaltung",
            "Beginn",
            "Status",
            "Platz",
            "Wartelistenplatz",
            "Name",
            "E-Mail",
            "Organisation",
            "Angemeldet am",
            "Bestätigt am",
            "Storniert am",
        ]
    )

    def when(value):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""

    order = {R.CONFIRMED: 0, R.WAITLISTED: 1, R.PENDING: 2, R.CANCELLED: 3}
    for event in events:
        registrations = sorted(
            event.registrations.all(),
            key=lambda r: (order[r.status], r.place or 0, r.waitlisted_at or r.created_at, r.pk),
        )
        waiting = 0
        for registration in registrations:
            position = ""
            if registration.status == R.WAITLISTED:
                waiting += 1
                position = waiting
            writer.writerow(
                [
                    event.title,
                    when(event.starts_at),
                    registration.get_status_display(),
                    registration.place or "",
                    position,
                    registration.name,
                    registration.email,
                    registration.organisation,
                    when(registration.created_at),
                    when(registration.confirmed_at),
                    when(registration.cancelled_at),
                ]
            )
    return response


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    can_delete = False
    fields = ["status", "place", "name", "email", "organisation", "created_at", "confirmed_at"]
    readonly_fields = fields
    ordering = ["status", "place", "waitlisted_at", "created_at"]
    verbose_name_plural = _("Anmeldungen (Teilnehmende, Warteliste, Unbestätigte, Stornierte)")
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # registrations come in through the public form


class PeriodFilter(admin.SimpleListFilter):
    title = _("Zeitraum")
    parameter_name = "zeitraum"

    def lookups(self, request, model_admin):
        return [("kommend", _("Kommende")), ("vergangen", _("Vergangene"))]

    def queryset(self, request, queryset):
        if self.value() == "kommend":
            return queryset.filter(ends_at__gte=timezone.now())
        if self.value() == "vergangen":
            return queryset.filter(ends_at__lt=timezone.now())
        return queryset


class EventAdminForm(forms.ModelForm):
    image_upload = photo_field(label=_("Neues Bild"), required=False)

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "teaser",
            "title_en",
            "teaser_en",
            "description",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "capacity",
            "format",
            "venue_name",
            "address",
            "municipality",
            "online_url",
            "organiser",
            "topics",
            "image_alt",
        ]

    def clean(self):
        cleaned = super().clean()
        has_image = cleaned.get("image_upload") or (self.instance and self.instance.image_original)
        if has_image and not (cleaned.get("image_alt") or "").strip():
            self.add_error(
                "image_alt", _("Bitte beschreiben Sie das Bild mit einem Alternativtext.")
            )
        return cleaned


@admin.register(Event)
class EventAdmin(DecisionAdminMixin, admin.ModelAdmin):
    form = EventAdminForm
    list_display = [
        "title",
        "starts_local",
        "status",
        "format",
        "municipality",
        "organiser",
        "places",
        "waitlist",
    ]
    list_filter = ["status", PeriodFilter, "format", "municipality", "topics"]
    search_fields = ["title", "teaser", "venue_name", "organiser__name"]
    list_select_related = ["municipality", "organiser"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organiser"]
    filter_horizontal = ["topics"]
    actions = ["publish", "reject", "cancel_event", "export_participants"]
    decisions = {
        "publish": Decision(
            action=_("Veröffentlichen"),
            title=_("Veranstaltung veröffentlichen"),
            button=_("Veröffentlichen"),
            done=ngettext_lazy(
                "%d Veranstaltung veröffentlicht.", "%d Veranstaltungen veröffentlicht."
            ),
            intro=_("Diese Veranstaltung wird veröffentlicht:"),
            states=[E.DRAFT, E.SUBMITTED, E.REJECTED],
            link=_("Veröffentlichen"),
            done_one=_("Veranstaltung veröffentlicht."),
        ),
        "reject": Decision(
            action=_("Vorschläge ablehnen (mit Begründung)"),
            title=_("Vorschläge ablehnen"),
            button=_("Ablehnen und Begründung senden"),
            done=ngettext_lazy("%d Vorschlag abgelehnt.", "%d Vorschläge abgelehnt."),
            intro=_(
                "Diese Vorschläge werden abgelehnt. Wer sie vorgeschlagen hat, bekommt Ihre "
                "Begründung per E-Mail:"
            ),
            text_label=_("Begründung für die vorschlagende Person"),
            states=[E.SUBMITTED, E.DRAFT],
            link=_("Ablehnen"),
            done_one=_("Vorschlag abgelehnt, die Begründung ist verschickt."),
        ),
        "cancel_event": Decision(
            action=_("Absagen (alle Angemeldeten werden benachrichtigt)"),
            title=_("Veranstaltungen absagen"),
            button=_("Absagen und alle Angemeldeten benachrichtigen"),
            done=ngettext_lazy(
                "%d Veranstaltung abgesagt, die Angemeldeten werden benachrichtigt.",
                "%d Veranstaltungen abgesagt, die Angemeldeten werden benachrichtigt.",
            ),
            intro=_(
                "Diese Veranstaltungen werden abgesagt. Sie bleiben als „abgesagt“ sichtbar, "
                "Kalender-Abos bekommen die Absage, und alle Angemeldeten (auch Warteliste und "
                "Unbestätigte) bekommen eine E-Mail. Das lässt sich nicht rückgängig machen."
            ),
            text_label=_("Hinweis zur Absage (optional, steht auf der Seite und in der E-Mail)"),
            text_required=False,
            states=[E.PUBLISHED],
            link=_("Absagen"),
            done_one=_("Veranstaltung abgesagt, die Angemeldeten werden benachrichtigt."),
        ),
    }
    decision_related = ("proposed_by",)
    decision_skipped = ngettext_lazy(
        "%d Veranstaltung übersprungen: Ihr Status lässt das nicht zu.",
        "%d Veranstaltungen übersprungen: Ihr Status lässt das nicht zu.",
    )
    decision_refused = _("Das lässt der Status der Veranstaltung nicht zu.")
    history_actor = _("System/Mitglied")
    inlines = [RegistrationInline]
    readonly_fields = [
        "status",
        "links",
        "history",
        "rejection_reason",
        "cancellation_note",
        "proposed_by",
        "image_preview",
        "uid",
        "sequence",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            _("Status"),
            {"fields": ["status", "links", "history", "rejection_reason", "cancellation_note"]},
        ),
        (_("Veranstaltung"), {"fields": ["title", "slug", "teaser", "description"]}),
        (_("Englisch"), {"fields": ["title_en", "teaser_en"], "classes": ["collapse"]}),
        (
            _("Termin und Plätze"),
            {"fields": ["starts_at", "ends_at", "registration_deadline", "capacity"]},
        ),
        (_("Ort"), {"fields": ["format", "venue_name", "address", "municipality", "online_url"]}),
        (_("Einordnung"), {"fields": ["organiser", "topics", "proposed_by"]}),
        (_("Bild"), {"fields": ["image_preview", "image_upload", "image_alt"]}),
        (
            _("Kalender"),
            {"fields": ["uid", "sequence", "created_at", "updated_at"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    def get_urls(self):
        def view(func):
            return self.admin_site.admin_view(func)

        return [
            path(
                "<int:pk>/teilnehmende/",
                view(self.participants_view),
                name="events_event_participants",
            ),
            path(
                "<int:pk>/teilnehmende.csv",
                view(self.participants_csv_view),
                name="events_event_participants_csv",
            ),
            path(
                "<int:pk>/nachruecken/<int:registration_pk>/",
                view(self.move_up_view),
                name="events_event_move_up",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("Beginn"), ordering="starts_at")
    def starts_local(self, obj):
        return timezone.localtime(obj.starts_at).strftime("%d.%m.%Y %H:%M")

    @admin.display(description=_("Plätze"))
    def places(self, obj):
        if obj.capacity is None:
            return f"{obj.confirmed_count} / ∞"
        return f"{obj.confirmed_count} / {obj.capacity}"

    @admin.display(description=_("Warteliste"), ordering="waitlist_count")
    def waitlist(self, obj):
        return obj.waitlist_count or ""

    @admin.display(description=_("Bild"))
    def image_preview(self, obj):
        if obj.image_renditions:
            from smartregion.core.images import picture

            data = picture(obj.image_renditions)
            return format_html(
                '<img src="{}" alt="{}" width="240">', data["src"], obj.image_alt or ""
            )
        if obj.image_original:
            return _("Bild vorhanden; öffentliche Fassungen entstehen bei der Veröffentlichung.")
        return "–"

    @admin.display(description=_("Aktionen"))
    def links(self, obj):
        if not obj.pk:
            return "–"
        items = [
            (
                reverse("admin:events_event_participants", args=[obj.pk]),
                _("Teilnehmende und Warteliste"),
            ),
            (reverse("admin:events_event_participants_csv", args=[obj.pk]), _("CSV-Export")),
            (obj.get_absolute_url(), _("Seite ansehen") if obj.is_public else _("Vorschau")),
            *self.decision_link_items(obj),
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', items)

    def save_model(self, request, obj, form, change):
        capacity_before = form.initial.get("capacity") if change else None
        super().save_model(request, obj, form, change)
        upload = form.cleaned_data.get("image_upload")
        if upload:
            services.event_set_image(event=obj, verified=upload.verified)
        raised = change and (
            obj.capacity is None or (capacity_before is not None and obj.capacity > capacity_before)
        )
        if raised and obj.status == E.PUBLISHED:
            promoted = services.event_fill_places(event=obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%d Person ist von der Warteliste nachgerückt und wurde benachrichtigt.",
                        "%d Personen sind von der Warteliste nachgerückt und wurden benachrichtigt.",
                        len(promoted),
                    )
                    % len(promoted),
                    messages.SUCCESS,
                )

    # State changes: always through the services, which log who, when and why.

    def decide(self, request, event, decision, text):
        if decision == "publish":
            services.event_publish(event=event, actor=request.user)
        elif decision == "reject":
            services.event_reject(event=event, actor=request.user, reason=text)
        elif decision == "cancel_event":
            services.event_cancel(event=event, actor=request.user, note=text)

    def decision_object_label(self, event):
        label = (
            f"{event.title} ({timezone.localtime(event.starts_at).strftime('%d.%m.%Y %H:%M')}, "
            f"{event.get_status_display()})"
        )
        if event.proposed_by:
            label += f" – {_('vorgeschlagen von')} {event.proposed_by.email}"
        return label

    @admin.action(description=_("Teilnehmende als CSV exportieren"), permissions=["view"])
    def export_participants(self, request, queryset):
        if not request.user.has_perm("events.view_registration"):
            raise PermissionDenied
        return participants_csv(list(queryset.prefetch_related("registrations")))

    # Per-event pages --------------------------------------------------------------------------

    def _event_or_403(self, request, pk, perm="events.view_registration") -> Event:
        event = get_object_or_404(Event.objects.with_counts(), pk=pk)
        if not request.user.has_perm(perm):
            raise PermissionDenied
        return event

    def participants_view(self, request, pk: int):
        event = self._event_or_403(request, pk)
        registrations = list(event.registrations.all())
        return TemplateResponse(
            request,
            "admin/events/event/participants.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Teilnehmende: %(title)s") % {"title": event.title},
                "event": event,
                "confirmed": sorted(
                    (r for r in registrations if r.status == R.CONFIRMED),
                    key=lambda r: (r.place or 0, r.confirmed_at or r.created_at, r.pk),
                ),
                "waitlist": sorted(
                    (r for r in registrations if r.status == R.WAITLISTED),
                    key=lambda r: (r.waitlisted_at, r.pk),
                ),
                "pending": [r for r in registrations if r.status == R.PENDING],
                "cancelled": [r for r in registrations if r.status == R.CANCELLED],
                "can_move_up": request.user.has_perm("events.change_registration"),
                "opts": self.model._meta,
            },
        )

    def participants_csv_view(self, request, pk: int):
        event = self._event_or_403(request, pk)
        return participants_csv([event])

    def move_up_view(self, request, pk: int, registration_pk: int):
        return require_POST(self._move_up)(request, pk, registration_pk)

    def _move_up(self, request, pk: int, registration_pk: int):
        event = self._event_or_403(request, pk, perm="events.change_registration")
        registration = get_object_or_404(Registration, pk=registration_pk, event=event)
        try:
            raised = services.registration_move_up(registration=registration, actor=request.user)
        except services.RegistrationError:
            self.message_user(
                request, _("Diese Person steht nicht (mehr) auf der Warteliste."), messages.ERROR
            )
        else:
            self.message_user(
                request,
                _("%(name)s ist nachgerückt und wurde benachrichtigt.")
                % {"name": registration.name},
                messages.SUCCESS,
            )
            if raised:
                self.message_user(
                    request,
                    _("Alle Plätze waren vergeben: Die Zahl der Plätze ist jetzt %(capacity)s.")
                    % {"capacity": raised},
                    messages.WARNING,
                )
        return redirect("admin:events_event_participants", event.pk)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "event", "status", "place", "created_at", "confirmed_at"]
    list_filter = ["status", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "email", "organisation", "event__title"]
    list_select_related = ["event"]
    ordering = ["-created_at"]
    actions = ["move_up", "cancel_registrations"]
    readonly_fields = [
        "event",
        "status",
        "place",
        "consent_at",
        "created_at",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
        "reminded_at",
        "history",
    ]
    fields = ["event", "status", "place", "name", "email", "organisation", *readonly_fields[3:]]

    def has_add_permission(self, request):
        return False  # registrations come in through the public form

    @admin.display(description=_("Verlauf"))
    def history(self, obj):
        return moderation_history(obj, system=_("System/Mitglied"))

    @admin.action(description=_("Von der Warteliste nachrücken lassen"), permissions=["change"])
    def move_up(self, request, queryset):
        done = 0
        for registration in queryset.filter(status=R.WAITLISTED).order_by("waitlisted_at", "pk"):
            services.registration_move_up(registration=registration, actor=request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "%d Person nachgerückt und benachrichtigt.",
                "%d Personen nachgerückt und benachrichtigt.",
                done,
            )
            % done,
            messages.SUCCESS if done else messages.WARNING,
        )

    @admin.action(
        description=_("Stornieren (der Platz wird frei, die Warteliste rückt nach)"),
        permissions=["change"],
    )
    def cancel_registrations(self, request, queryset):
        done = 0
        for registration in queryset.exclude(status=R.CANCELLED):
            if services.registration_cancel(registration=registration).state == "cancelled":
                done += 1
        self.message_user(
            request,
            ngettext("%d Anmeldung storniert.", "%d Anmeldungen storniert.", done) % done,
            messages.SUCCESS if done else messages.WARNING,
        )


moderation.register_queue(
    _("Vorgeschlagene Veranstaltungen"),
    url=lambda: reverse("admin:events_event_changelist") + "?status__exact=submitted",
    count=lambda: Event.objects.waiting().count(),
)
