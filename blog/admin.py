from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from blog import services
from blog.models import SECTIONS, Post, PostImage, Report
from smartregion.core import moderation
from smartregion.core.admin_decisions import Decision, DecisionAdminMixin

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
class PostAdmin(DecisionAdminMixin, admin.ModelAdmin):
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
    decisions = {
        "publish": Decision(
            action=_("Ausgewählte Beiträge veröffentlichen"),
            title=_("Beiträge veröffentlichen"),
            button=_("Veröffentlichen"),
            done=ngettext_lazy("%d Beitrag veröffentlicht.", "%d Beiträge veröffentlicht."),
            states=[S.SUBMITTED, S.CONFIRMED, S.WITHDRAWN, S.REJECTED],
        ),
        "reject": Decision(
            action=_("Ausgewählte Beiträge ablehnen (mit Begründung)"),
            title=_("Beiträge ablehnen"),
            button=_("Ablehnen und Begründung senden"),
            done=ngettext_lazy("%d Beitrag abgelehnt.", "%d Beiträge abgelehnt."),
            intro=_(
                "Diese Beiträge werden abgelehnt. Die Einreichenden bekommen Ihre Begründung und "
                "einen persönlichen Link, um den Beitrag zu überarbeiten:"
            ),
            text_label=_("Begründung für die Einreichenden"),
            states=[S.SUBMITTED, S.CONFIRMED, S.PUBLISHED],
        ),
        "withdraw": Decision(
            action=_("Veröffentlichte Beiträge zurückziehen"),
            title=_("Beiträge zurückziehen"),
            button=_("Zurückziehen"),
            done=ngettext_lazy("%d Beitrag zurückgezogen.", "%d Beiträge zurückgezogen."),
            states=[S.PUBLISHED],
        ),
    }
    decision_text_field = "reason"
    decision_skipped = ngettext_lazy(
        "%d Beitrag übersprungen: Sein Status lässt das nicht zu.",
        "%d Beiträge übersprungen: Ihr Status lässt das nicht zu.",
    )
    decision_refused = _("Das lässt der Status des Beitrags nicht zu.")
    history_actor = _("System/Einreicher")
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
        (_("Abschnitte"), {"fields": [section.field for section in SECTIONS]}),
        (_("Englisch"), {"fields": ["title_en", "teaser_en"], "classes": ["collapse"]}),
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

    def decide(self, request, post, decision, text):
        if decision == "publish":
            services.post_publish(post=post, actor=request.user)
        elif decision == "reject":
            services.post_reject(post=post, actor=request.user, reason=text)
        elif decision == "withdraw":
            services.post_withdraw(
                post=post, actor=request.user, note="Zurückgezogen durch die Redaktion"
            )

    def decision_object_label(self, post):
        return f"{post.title} ({post.author_email})"


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
