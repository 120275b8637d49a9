from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from smartregion.core import mail
from smartregion.core.models import ModerationLog, Municipality, Page, Topic, UndeliveredMail


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "position"]
    list_editable = ["name_en", "position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "intro", "body"]}),
        (_("Englisch"), {"fields": ["title_en", "intro_en", "body_en"], "classes": ["collapse"]}),
    ]


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    list_display = ["at", "content_type", "object_id", "from_state", "to_state", "actor", "note"]
    list_filter = ["content_type", "to_state"]
    date_hierarchy = "at"
    search_fields = ["object_id", "note", "actor__email"]
    list_select_related = ["content_type", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UndeliveredMail)
class UndeliveredMailAdmin(admin.ModelAdmin):
    """Mails the worker gave up on. Read-only; "erneut senden" queues a mail again while its
    rendered form is still kept (a week), deleting a report marks it as dealt with."""

    list_display = ["last_attempt_at", "recipient_list", "subject", "reason", "attempts"]
    list_filter = ["reason"]
    date_hierarchy = "last_attempt_at"
    search_fields = ["subject"]
    fields = [
        "recipient_list",
        "subject",
        "reason",
        "error",
        "attempts",
        "first_attempt_at",
        "last_attempt_at",
        "can_resend",
    ]
    readonly_fields = fields
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        """The subject contains the words, or the term is one of the recipients."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results |= queryset.filter(recipients__contains=[search_term.strip().lower()])
        return results, may_have_duplicates

    def has_resend_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.display(description=_("Empfänger"))
    def recipient_list(self, obj):
        return ", ".join(obj.recipients)

    @admin.display(description=_("kann erneut gesendet werden"), boolean=True)
    def can_resend(self, obj):
        return obj.payload is not None

    @admin.action(description=_("Erneut senden"), permissions=["resend"])
    def resend(self, request, queryset):
        sent = missing = 0
        with transaction.atomic():
            for report in queryset.select_related("task_result").select_for_update(of=("self",)):
                payload = report.payload
                if payload is None:
                    missing += 1
                    continue
                mail.send_rendered(mail.RenderedMail.from_payload(payload))
                report.delete()  # a new failure is reported anew
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d E-Mail wird erneut gesendet.",
                    "%(count)d E-Mails werden erneut gesendet.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if missing:
            self.message_user(
                request,
                ngettext(
                    "%(count)d E-Mail ist nicht mehr gespeichert (nach einer Woche gelöscht) "
                    "und kann nicht erneut gesendet werden; bitte lösen Sie sie neu aus.",
                    "%(count)d E-Mails sind nicht mehr gespeichert (nach einer Woche gelöscht) "
                    "und können nicht erneut gesendet werden; bitte lösen Sie sie neu aus.",
                    missing,
                )
                % {"count": missing},
                messages.WARNING,
            )
