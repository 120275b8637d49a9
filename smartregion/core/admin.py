from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from smartregion.core import files, mail, signlanguage, videos
from smartregion.core.images import VerifiedImageField
from smartregion.core.markup import markdown_to_text
from smartregion.core.models import (
    EasyReadPage,
    ModerationLog,
    Municipality,
    Page,
    SignLanguageVideo,
    Topic,
    UndeliveredMail,
)
from smartregion.core.text import EASY_READ_MAX_WORDS, long_sentences


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    filter_horizontal = ["neighbours"]


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


@admin.register(EasyReadPage)
class EasyReadPageAdmin(admin.ModelAdmin):
    """Pages in Leichte Sprache. A sentence of more than 15 words is saved, with a warning."""

    list_display = ["title", "slug", "position", "is_published", "updated_at"]
    list_editable = ["position", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "body", "position", "is_published"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        text = "\n".join([obj.title, obj.summary, markdown_to_text(obj.body)])
        too_long = long_sentences(text)
        if too_long:
            self.message_user(
                request,
                ngettext(
                    "Ein Satz hat mehr als %(max)d Wörter. Leichte Sprache braucht kurze "
                    "Sätze. Bitte teilen Sie ihn: %(sentences)s",
                    "%(count)d Sätze haben mehr als %(max)d Wörter. Leichte Sprache braucht "
                    "kurze Sätze. Bitte teilen Sie sie: %(sentences)s",
                    len(too_long),
                )
                % {
                    "count": len(too_long),
                    "max": EASY_READ_MAX_WORDS,
                    "sentences": " · ".join(f"„{sentence}“" for sentence in too_long),
                },
                messages.WARNING,
            )


class SignLanguageVideoForm(forms.ModelForm):
    poster = VerifiedImageField(
        label=_("Neues Vorschaubild"),
        required=False,
        help_text=_(
            "Optional. JPEG, PNG oder WebP, höchstens 10 MB. Wird vor dem Abspielen gezeigt."
        ),
    )
    remove_poster = forms.BooleanField(label=_("Vorschaubild entfernen"), required=False)

    class Meta:
        model = SignLanguageVideo
        fields = ["title", "description", "video", "captions", "position", "is_published"]
        widgets = {
            "video": forms.ClearableFileInput(attrs={"accept": videos.ACCEPT_VIDEO}),
            "captions": forms.ClearableFileInput(attrs={"accept": videos.ACCEPT_CAPTIONS}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["video"].help_text = _(
            "MP4 (H.264) oder WebM, höchstens %(mb)s MB. Geprüft wird der Inhalt der Datei."
        ) % {"mb": videos.max_video_mb()}


@admin.register(SignLanguageVideo)
class SignLanguageVideoAdmin(admin.ModelAdmin):
    """Videos in Deutscher Gebärdensprache: uploaded here, shown on /gebaerdensprache/."""

    form = SignLanguageVideoForm
    list_display = ["title", "position", "is_published", "has_captions", "updated_at"]
    list_editable = ["position", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "description"]
    readonly_fields = ["poster_preview"]
    fields = [
        "title",
        "description",
        "video",
        "captions",
        "poster_preview",
        "poster",
        "remove_poster",
        "position",
        "is_published",
    ]

    @admin.display(description=_("Untertitel"), boolean=True)
    def has_captions(self, obj):
        return bool(obj.captions)

    @admin.display(description=_("Aktuelles Vorschaubild"))
    def poster_preview(self, obj):
        if not obj.poster_url:
            return "–"
        return format_html('<img src="{}" alt="" width="240">', obj.poster_url)

    def save_model(self, request, obj, form, change):
        before = (
            SignLanguageVideo.objects.filter(pk=obj.pk).values("video", "captions").first()
            if change
            else None
        )
        with files.atomic():
            super().save_model(request, obj, form, change)
            signlanguage.video_files_replaced(video=obj, before=before)
            poster = form.cleaned_data.get("poster")
            if poster:
                signlanguage.video_set_poster(video=obj, verified=poster.verified)
            elif form.cleaned_data.get("remove_poster"):
                signlanguage.video_set_poster(video=obj, verified=None)

    def delete_model(self, request, obj):
        with transaction.atomic():
            signlanguage.video_delete_files(video=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for video in queryset:
                signlanguage.video_delete_files(video=video)
            super().delete_queryset(request, queryset)


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
