from datetime import timedelta

from defusedcsv import csv
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.csp import csp_override

from newsletter import emails, services
from newsletter.forms import SendConfirmForm
from newsletter.models import Campaign, ConsentText, Delivery, Subscriber

C = Campaign.Status
CONTENT_FIELDS = [
    "subject",
    "preheader",
    "body",
    "include_blog",
    "posts",
    "include_events",
    "events",
    "topic",
]
SUGGEST_POSTS_FROM_DAYS = 180
MAX_FAILURES_SHOWN = 20

# The preview is the mail's HTML: inline styles are how mail is styled. Nothing else may load.
PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.SELF],
    "form-action": [CSP.NONE],
    "base-uri": [CSP.NONE],
}


def _local(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "–"


# Who made a campaign and when its sending moved on: shown, never edited.
LOG_FIELDS = ["created_by", "created_at", "started_at", "progress_at", "resume_at", "sent_at"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "status",
        "progress",
        "bounced_count",
        "topic",
        "sent_at",
        "created_by",
    ]
    list_filter = ["status", "topic"]
    search_fields = ["subject", "preheader", "body"]
    list_select_related = ["topic", "created_by"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    filter_horizontal = ["posts", "events"]
    actions = ["retry_failed"]
    fieldsets = [
        (_("Versand"), {"fields": ["status", "tools", "progress", "failures", "bounces"]}),
        (_("Inhalt"), {"fields": ["subject", "preheader", "body"]}),
        (
            _("Abschnitte"),
            {
                "fields": ["include_blog", "posts", "include_events", "events"],
                "description": _(
                    "Vorgeschlagen wird, was seit dem letzten versendeten Newsletter neu im Blog "
                    "ist, und die nächsten Veranstaltungen. Passen Sie die Auswahl an."
                ),
            },
        ),
        (_("Empfänger"), {"fields": ["topic", "recipients"]}),
        (_("Protokoll"), {"fields": LOG_FIELDS}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fixed = [
            "status",
            "tools",
            "progress",
            "failures",
            "bounces",
            "recipients",
            *LOG_FIELDS,
        ]
        if obj is not None and not obj.is_editable:
            return fixed + CONTENT_FIELDS  # what was sent stays as it was sent
        return fixed

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        suggestions = services.campaign_suggestions()
        initial.setdefault("posts", suggestions["posts"])
        initial.setdefault("events", suggestions["events"])
        return initial

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Only what a newsletter can sensibly feature, so the selection lists stay short.
        if db_field.name == "posts":
            from blog.models import Post

            since = timezone.now() - timedelta(days=SUGGEST_POSTS_FROM_DAYS)
            kwargs["queryset"] = (
                Post.objects.published().filter(published_at__gte=since).order_by("-published_at")
            )
        elif db_field.name == "events":
            from events.models import Event

            kwargs["queryset"] = Event.objects.upcoming().filter(status=Event.Status.PUBLISHED)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.status == C.SENT else None

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status in (C.SCHEDULED, C.SENDING):
            return False
        return super().has_delete_permission(request, obj)

    # Columns and read-only fields ---------------------------------------------------------------

    @admin.display(description=_("Fortschritt"))
    def progress(self, obj):
        if obj.status == C.DRAFT:
            return "–"
        text = _("%(sent)s von %(total)s gesendet, %(failed)s fehlgeschlagen") % {
            "sent": obj.sent_count,
            "total": obj.total_count,
            "failed": obj.failed_count,
        }
        if obj.skipped_count:
            text += _(", %(skipped)s übersprungen (abgemeldet)") % {"skipped": obj.skipped_count}
        if obj.pending_count and obj.status != C.DRAFT:
            text += _(", %(pending)s ausstehend") % {"pending": obj.pending_count}
        if obj.bounced_count:
            text += _(", %(bounced)s unzustellbar zurückgekommen (Bounce)") % {
                "bounced": obj.bounced_count
            }
        if obj.deferred_count and obj.status == C.SENDING:
            text += _(" (davon %(deferred)s vom Empfängerserver vorübergehend abgewiesen)") % {
                "deferred": obj.deferred_count
            }
        if obj.resume_at and obj.status == C.SENDING:
            time = date_format(timezone.localtime(obj.resume_at), "SHORT_DATETIME_FORMAT")
            if obj.deferred_count:
                text += _(" – nächster Versuch %(time)s") % {"time": time}
            else:
                text += _(" – Mailserver nicht erreichbar, nächster Versuch %(time)s") % {
                    "time": time
                }
        return text

    @admin.display(description=_("Empfänger"))
    def recipients(self, obj):
        if obj is None or obj.pk is None:
            return _("Wird nach dem Speichern berechnet.")
        if obj.status != C.DRAFT:
            return obj.total_count
        return Subscriber.objects.recipients_for(obj).count()

    @admin.display(description=_("Aktionen"))
    def tools(self, obj):
        if obj is None or obj.pk is None:
            return _("Nach dem Speichern: Vorschau, Testversand und Versand.")
        items = [
            (reverse("admin:newsletter_campaign_preview", args=[obj.pk]), _("Vorschau")),
            (reverse("admin:newsletter_campaign_test", args=[obj.pk]), _("Testversand an mich")),
        ]
        if obj.status == C.DRAFT:
            items.append(
                (reverse("admin:newsletter_campaign_send", args=[obj.pk]), _("Versenden …"))
            )
        if obj.status == C.SENT:
            items.append((obj.get_absolute_url(), _("Im Archiv")))
        if obj.failed_count or obj.status in (C.SCHEDULED, C.SENDING):
            items.append(
                (
                    reverse("admin:newsletter_campaign_retry", args=[obj.pk]),
                    _("Fehlgeschlagene erneut senden / Versand fortsetzen"),
                )
            )
        return format_html_join(" · ", '<a href="{}">{}</a>', items)

    @admin.display(description=_("Fehler"))
    def failures(self, obj):
        if obj is None or not obj.failed_count:
            return "–"
        failed = (
            obj.deliveries.filter(status=Delivery.Status.FAILED)
            .select_related("subscriber")
            .order_by("pk")[:MAX_FAILURES_SHOWN]
        )
        listing = reverse("admin:newsletter_delivery_changelist")
        return format_html(
            "<ul>{}</ul><a href='{}?campaign__id__exact={}&amp;status__exact=failed'>{}</a>",
            format_html_join(
                "", "<li>{}: {}</li>", ((d.subscriber.email, d.error) for d in failed)
            ),
            listing,
            obj.pk,
            _("Alle fehlgeschlagenen Zustellungen"),
        )

    @admin.display(description=_("Bounces"))
    def bounces(self, obj):
        if obj is None or not obj.bounced_count:
            return "–"
        bounced = (
            obj.deliveries.filter(bounced_at__isnull=False)
            .select_related("subscriber")
            .order_by("-bounced_at", "pk")[:MAX_FAILURES_SHOWN]
        )
        listing = reverse("admin:newsletter_delivery_changelist")
        return format_html(
            "<p>{}</p><ul>{}</ul><a href='{}?campaign__id__exact={}&amp;bounced_at__isempty=0'>"
            "{}</a>",
            _(
                "Diese Adressen sind als unzustellbar markiert und bekommen keine weiteren "
                "Newsletter, bis sie sich neu anmelden."
            ),
            format_html_join(
                "", "<li>{}: {}</li>", ((d.subscriber.email, d.error) for d in bounced)
            ),
            listing,
            obj.pk,
            _("Alle Bounces dieser Ausgabe"),
        )

    # Extra pages: preview, test send, send, retry -----------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/vorschau/", view(self.preview_view), name="newsletter_campaign_preview"),
            path("<int:pk>/testversand/", view(self.test_view), name="newsletter_campaign_test"),
            path("<int:pk>/versenden/", view(self.send_view), name="newsletter_campaign_send"),
            path("<int:pk>/erneut/", view(self.retry_view), name="newsletter_campaign_retry"),
            *super().get_urls(),
        ]

    def _campaign(self, request, pk: int, permission: str) -> Campaign:
        if not request.user.has_perm(f"newsletter.{permission}"):
            raise PermissionDenied
        return get_object_or_404(Campaign, pk=pk)

    def _change_url(self, campaign: Campaign) -> str:
        return reverse("admin:newsletter_campaign_change", args=[campaign.pk])

    def _page(self, request, template: str, campaign: Campaign, title: str, **extra):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "campaign": campaign,
            "opts": self.model._meta,
            "change_url": self._change_url(campaign),
            **extra,
        }
        return TemplateResponse(request, f"admin/newsletter/campaign/{template}", context)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The campaign's mail exactly as subscribers will see it (personal links inactive)."""
        campaign = self._campaign(request, pk, "view_campaign")
        rendered = emails.render_campaign(campaign).personalise(
            to=[],
            values={
                "unsubscribe_url": "#abmelden",
                "preferences_url": "#einstellungen",
                "data_url": "#meine-daten",
            },
        )
        response = csp_override(PREVIEW_CSP)(lambda r: HttpResponse(rendered.html))(request)
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    def test_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = self._campaign(request, pk, "change_campaign")
        address = request.user.email
        if request.method == "POST" and address:
            emails.send_test(campaign, to=address)
            self.message_user(
                request,
                _("Die Testmail an %(email)s ist unterwegs.") % {"email": address},
                messages.SUCCESS,
            )
            return redirect(self._change_url(campaign))
        return self._page(request, "test_send.html", campaign, _("Testversand"), address=address)

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = self._campaign(request, pk, "send_campaign")
        if campaign.status != C.DRAFT:
            self.message_user(request, _("Diese Ausgabe ist schon versendet."), messages.WARNING)
            return redirect(self._change_url(campaign))
        form = SendConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if services.campaign_schedule(campaign=campaign):
                self.message_user(
                    request,
                    _("Der Versand hat begonnen. Den Fortschritt sehen Sie auf dieser Seite."),
                    messages.SUCCESS,
                )
            return redirect(self._change_url(campaign))
        return self._page(
            request,
            "send.html",
            campaign,
            _("Newsletter versenden"),
            form=form,
            recipient_count=Subscriber.objects.recipients_for(campaign).count(),
        )

    def retry_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = self._campaign(request, pk, "send_campaign")
        if request.method == "POST":
            count = services.campaign_retry(campaign=campaign)
            self.message_user(
                request,
                ngettext(
                    "%d fehlgeschlagene Zustellung wird erneut gesendet.",
                    "%d fehlgeschlagene Zustellungen werden erneut gesendet.",
                    count,
                )
                % count,
                messages.SUCCESS,
            )
            return redirect(self._change_url(campaign))
        return self._page(request, "retry.html", campaign, _("Erneut senden"))

    @admin.action(
        description=_("Fehlgeschlagene Zustellungen erneut senden / Versand fortsetzen"),
        permissions=["send"],
    )
    def retry_failed(self, request, queryset):
        total = 0
        for campaign in queryset.exclude(status=C.DRAFT):
            total += services.campaign_retry(campaign=campaign)
        self.message_user(
            request,
            ngettext(
                "%d fehlgeschlagene Zustellung wird erneut gesendet.",
                "%d fehlgeschlagene Zustellungen werden erneut gesendet.",
                total,
            )
            % total,
            messages.SUCCESS,
        )

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("newsletter.send_campaign")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: who got which campaign, and why a delivery failed."""

    list_display = [
        "campaign",
        "subscriber",
        "status",
        "attempts",
        "sent_at",
        "bounced_at",
        "error",
    ]
    list_filter = ["status", ("bounced_at", admin.EmptyFieldListFilter), "campaign"]
    search_fields = ["subscriber__email"]
    list_select_related = ["campaign", "subscriber"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "status", "source", "signup_at", "confirmed_at"]
    list_filter = ["status", "source", "topics", "consent_text"]
    search_fields = ["email", "name"]
    list_select_related = ["consent_text"]
    date_hierarchy = "signup_at"
    ordering = ["-signup_at"]
    filter_horizontal = ["topics"]
    actions = ["export_csv", "unsubscribe"]
    readonly_fields = [
        "email",
        "status",
        "source",
        "consent_proof",
        "signup_at",
        "confirmed_at",
        "unsubscribed_at",
        "bounced_at",
        "deliveries_sent",
    ]
    fieldsets = [
        (None, {"fields": ["email", "name", "topics", "status"]}),
        (
            _("Nachweis der Einwilligung"),
            {
                "fields": [
                    "signup_at",
                    "confirmed_at",
                    "consent_proof",
                    "source",
                    "unsubscribed_at",
                ],
                "description": _(
                    "Anmeldung und Bestätigung per Double-Opt-in. IP-Adressen werden bewusst "
                    "nicht gespeichert."
                ),
            },
        ),
        (_("Versand"), {"fields": ["deliveries_sent", "bounced_at"]}),
    ]

    def has_add_permission(self, request):
        return False  # addresses come in through the double opt-in only

    @admin.display(description=_("gezeigter Einwilligungstext"))
    def consent_proof(self, obj):
        return format_html(
            "{} ({})<br><q>{}</q>",
            obj.consent_text,
            _local(obj.consent_text.created_at),
            obj.consent_text.text,
        )

    @admin.display(description=_("erhaltene Ausgaben"))
    def deliveries_sent(self, obj):
        return obj.deliveries.filter(status=Delivery.Status.SENT).count()

    # Erasing: the delete button and the delete action remove everything kept.

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The delivery log is read-only in the admin, but goes with its subscriber.
        perms_needed.discard(Delivery._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        services.subscriber_erase(subscriber=obj)

    def delete_queryset(self, request, queryset):
        for subscriber in queryset:
            services.subscriber_erase(subscriber=subscriber)

    @admin.action(description=_("Abmelden"), permissions=["change"])
    def unsubscribe(self, request, queryset):
        count = sum(services.subscription_cancel(subscriber=s) for s in queryset)
        self.message_user(
            request, ngettext("%d Adresse abgemeldet.", "%d Adressen abgemeldet.", count) % count
        )

    # Export ---------------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="newsletter_subscriber_export",
            ),
            *super().get_urls(),
        ]

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("newsletter.export_subscriber")

    @admin.action(description=_("Bestätigte als CSV exportieren"), permissions=["export"])
    def export_csv(self, request, queryset):
        return _csv_response(queryset.filter(status=Subscriber.Status.CONFIRMED))

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """All confirmed subscribers as CSV (semicolon-separated, UTF-8 with BOM for Excel)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        return _csv_response(Subscriber.objects.confirmed())

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_export": self.has_export_permission(request)}
        return super().changelist_view(request, extra_context)


CSV_HEADER = [
    "E-Mail",
    "Name",
    "Themenfelder",
    "Angemeldet am",
    "Bestätigt am",
    "Herkunft",
    "Einwilligungstext (Version)",
]


def _csv_response(queryset) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="newsletter-abonnenten-{stamp}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(CSV_HEADER)
    rows = (
        queryset.select_related("consent_text")
        .prefetch_related("topics")
        .order_by("email")
        .iterator(chunk_size=2000)
    )
    for subscriber in rows:
        writer.writerow(
            [
                subscriber.email,
                subscriber.name,
                ", ".join(topic.name for topic in subscriber.topics.all()),
                _local(subscriber.signup_at),
                _local(subscriber.confirmed_at),
                subscriber.get_source_display(),
                subscriber.consent_text.version,
            ]
        )
    return response


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["version", "text", "created_at", "subscriber_count"]
    ordering = ["-version"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_subscribers=Count("subscribers"))

    def get_readonly_fields(self, request, obj=None):
        return ["version", "created_at", "text"] if obj else ["version", "created_at"]

    @admin.display(description=_("Abonnenten mit dieser Version"), ordering="n_subscribers")
    def subscriber_count(self, obj):
        return obj.n_subscribers

    def has_delete_permission(self, request, obj=None):
        return False  # proof of consent refers to it
