from django.contrib import admin, messages
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog import services
from blog.forms import RejectForm
from blog.models import Post, PostImage, Report
from smartregion import moderation

S = Post.Status


class PostImageInline(admin.TabularInline):
    model = PostImage
    extra = 0
    fields = ["position", "alt_text", "preview"]
    readonly_fields = ["preview"]
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # gallery images come with the submission

    @admin.display(description=_("Bild"))
    def preview(self, obj):
        url = reverse("blog:preview_image", kwargs={"pk": obj.post_id, "image_id": obj.pk})
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Original ansehen")
        )


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    fields = ["created_at", "reason", "email", "resolved_at", "resolved_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status_badge",
        "organisation_name",
        "municipality",
        "created_at",
        "published_at",
        "open_reports",
        "preview_link",
    ]
    list_filter = ["status", "topics", "municipality", ("submitted_by", admin.EmptyFieldListFilter)]
    search_fields = ["title", "teaser", "organisation_name", "author_name", "author_email"]
    list_select_related = ["municipality"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["publish", "reject", "withdraw"]
    inlines = [PostImageInline, ReportInline]
    readonly_fields = [
        "status",
        "preview_link",
        "cover_link",
        "created_at",
        "confirmed_at",
        "published_at",
        "consent_at",
        "submitted_by",
        "rejection_reason",
        "history",
    ]
    fieldsets = [
        (_("Moderation"), {"fields": ["status", "preview_link", "history", "rejection_reason"]}),
        (_("Beitrag"), {"fields": ["title", "slug", "teaser", "body", "video_url", "website"]}),
        (
            _("Einordnung"),
            {"fields": ["organisation_name", "organisation", "municipality", "topics"]},
        ),
        (_("Titelbild"), {"fields": ["cover_link", "cover_alt"]}),
        (
            _("Einreichung"),
            {
                "fields": [
                    "author_name",
                    "author_email",
                    "submitted_by",
                    "consent_at",
                    "created_at",
                    "confirmed_at",
                    "published_at",
                ]
            },
        ),
    ]
    filter_horizontal = ["topics"]
    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_report_count=Count("reports", filter=Q(reports__resolved_at__isnull=True))
            )
        )

    def has_add_permission(self, request):
        return False  # posts come in through the public form

    @admin.display(description=_("Status"), ordering="status")
    def status_badge(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("offene Meldungen"), ordering="open_report_count")
    def open_reports(self, obj):
        return obj.open_report_count or ""

    @admin.display(description=_("Vorschau"))
    def preview_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("blog:preview", args=[obj.pk]),
            _("Vorschau"),
        )

    @admin.display(description=_("Titelbild"))
    def cover_link(self, obj):
        if not obj.cover_original:
            return "–"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("blog:preview_cover", args=[obj.pk]),
            _("Original ansehen"),
        )

    @admin.display(description=_("Verlauf"))
    def history(self, obj):
        entries = moderation.history(obj)
        if not entries:
            return "–"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} · {} → {} · {} {}</li>",
                (
                    (
                        timezone.localtime(e.at).strftime("%d.%m.%Y %H:%M"),
                        _label(e.from_state),
                        _label(e.to_state),
                        e.actor or _("System/Einreicher"),
                        f"· {e.note}" if e.note else "",
                    )
                    for e in entries
                ),
            ),
        )

    @admin.action(description=_("Ausgewählte Beiträge veröffentlichen"), permissions=["change"])
    def publish(self, request, queryset):
        done = 0
        for post in queryset.exclude(status=S.PUBLISHED):
            try:
                services.post_publish(post=post, actor=request.user)
                done += 1
            except moderation.InvalidTransition:
                pass
        self.message_user(
            request,
            ngettext("%d Beitrag veröffentlicht.", "%d Beiträge veröffentlicht.", done) % done,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Ausgewählte Beiträge ablehnen (mit Begründung)"), permissions=["change"]
    )
    def reject(self, request, queryset):
        queryset = queryset.exclude(status__in=[S.REJECTED, S.WITHDRAWN])
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                count = 0
                for post in queryset:
                    services.post_reject(
                        post=post, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    count += 1
                self.message_user(
                    request,
                    ngettext("%d Beitrag abgelehnt.", "%d Beiträge abgelehnt.", count) % count,
                    messages.SUCCESS,
                )
                return None
        else:
            form = RejectForm()
        return TemplateResponse(
            request,
            "admin/blog/post/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Beiträge ablehnen"),
                "posts": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("Veröffentlichte Beiträge zurückziehen"), permissions=["change"])
    def withdraw(self, request, queryset):
        count = 0
        for post in queryset.filter(status=S.PUBLISHED):
            services.post_withdraw(
                post=post, actor=request.user, note="Zurückgezogen durch die Redaktion"
            )
            count += 1
        self.message_user(
            request,
            ngettext("%d Beitrag zurückgezogen.", "%d Beiträge zurückgezogen.", count) % count,
            messages.SUCCESS,
        )


def _label(state: str) -> str:
    return dict(S.choices).get(state, state or "–")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["post", "created_at", "reason", "email", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["reason", "post__title", "email"]
    list_select_related = ["post"]
    readonly_fields = ["post", "reason", "email", "created_at", "resolved_at", "resolved_by"]
    actions = ["resolve"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Als erledigt markieren"), permissions=["change"])
    def resolve(self, request, queryset):
        count = queryset.filter(resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=request.user
        )
        self.message_user(
            request, ngettext("%d Meldung erledigt.", "%d Meldungen erledigt.", count) % count
        )


moderation.register_queue(
    _("Blogbeiträge mit bestätigter E-Mail"),
    url=lambda: reverse("admin:blog_post_changelist") + "?status__exact=confirmed",
    count=lambda: Post.objects.waiting().count(),
)
moderation.register_queue(
    _("Offene Meldungen zu Beiträgen"),
    url=lambda: reverse("admin:blog_report_changelist") + "?resolved_at__isempty=1",
    count=lambda: Report.objects.filter(resolved_at__isnull=True).count(),
)
