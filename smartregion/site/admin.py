"""The admin's branding: the Redaktion's view of the whole site."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from smartregion.core import moderation
from smartregion.site.models import AccessibilityFeedback, LegalInformation

admin.site.site_header = _("SMART REGION Emscher-Lippe · Redaktion")
admin.site.site_title = _("SMART REGION Redaktion")
admin.site.index_title = _("Redaktion")


# Legal pages ------------------------------------------------------------------------------------


@admin.register(LegalInformation)
class LegalInformationAdmin(admin.ModelAdmin):
    """One row: the list goes straight to it; it can be neither added nor deleted. The change
    form lists the required fields still empty (admin/site/legalinformation/change_form.html);
    the admin index does too (templates/admin/index.html, ``legal_warnings``)."""

    fieldsets = [
        (
            _("Anbieter (§ 5 DDG)"),
            {
                "fields": [
                    "provider_name",
                    "legal_form",
                    "street",
                    ("postal_code", "city"),
                    "representatives",
                    "email",
                    "phone",
                    "register_court",
                    "register_number",
                    "vat_id",
                    "supervisory_authority",
                ]
            },
        ),
        (
            _("Verantwortlich für den Inhalt (§ 18 Abs. 2 MStV)"),
            {"fields": ["content_responsible", "content_responsible_address"]},
        ),
        (_("Datenschutz"), {"fields": ["privacy_officer"]}),
        (
            _("Erklärung zur Barrierefreiheit"),
            {"fields": ["accessibility_statement_date", "accessibility_review_date"]},
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:site_legalinformation_change", 1)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        LegalInformation.objects.get_or_create(pk=1)  # the row exists before its first edit
        return super().change_view(request, object_id, form_url, extra_context)


@admin.action(description=_("Als beantwortet markieren"))
def mark_answered(modeladmin, request, queryset):
    count = queryset.filter(status=AccessibilityFeedback.Status.OPEN).update(
        status=AccessibilityFeedback.Status.ANSWERED, answered_at=timezone.now()
    )
    modeladmin.message_user(
        request,
        ngettext(
            "%d Rückmeldung als beantwortet markiert.",
            "%d Rückmeldungen als beantwortet markiert.",
            count,
        )
        % count,
    )


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "summary", "page_url", "name", "email", "status"]
    list_filter = ["status"]
    search_fields = ["message", "page_url", "name", "email"]
    date_hierarchy = "created_at"
    readonly_fields = ["message", "page_url", "name", "email", "created_at", "answered_at"]
    fields = ["created_at", "message", "page_url", "name", "email", "status", "answered_at"]
    actions = [mark_answered]

    @admin.display(description=_("Nachricht"))
    def summary(self, obj):
        return obj.message[:80]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        answered = obj.status == AccessibilityFeedback.Status.ANSWERED
        if answered and obj.answered_at is None:
            obj.answered_at = timezone.now()
        elif not answered:
            obj.answered_at = None
        super().save_model(request, obj, form, change)


moderation.register_queue(
    _("Rückmeldungen zur Barrierefreiheit"),
    url=lambda: reverse("admin:site_accessibilityfeedback_changelist") + "?status__exact=open",
    count=lambda: AccessibilityFeedback.objects.filter(
        status=AccessibilityFeedback.Status.OPEN
    ).count(),
)
