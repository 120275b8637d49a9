from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from members import services
from members.forms import LOGO_HELP, LOGO_MAX_BYTES
from members.models import (
    Application,
    ApplicationMessage,
    Invitation,
    Membership,
    Organisation,
    User,
)
from smartregion.core import moderation
from smartregion.core.admin_decisions import Decision, DecisionAdminMixin
from smartregion.core.images import VerifiedImageField

A = Application.Status
M = Membership.Status


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name")}),
        (
            _("Berechtigungen"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Daten"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    # Deleting a person here (staff accounts, or on a request by letter) erases as the person's
    # own deletion does: also what was sent from their addresses, their mails and log entries.
    def delete_model(self, request, obj):
        services.account_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.account_delete(user=user)


# Applications ------------------------------------------------------------------------------------


class ApplicationMessageInline(admin.TabularInline):
    model = ApplicationMessage
    extra = 0
    fields = ["created_at", "from_staff", "author", "text"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("Nachrichten (Rückfragen und Antworten)")

    def has_add_permission(self, request, obj=None):
        return False  # questions go out through the "Rückfrage stellen" action

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(DecisionAdminMixin, admin.ModelAdmin):
    list_display = [
        "organisation_name",
        "status",
        "kind",
        "municipality",
        "applicant",
        "wants_ambassador",
        "created_at",
        "checklist_done",
    ]
    list_filter = ["status", "kind", "municipality", "wants_ambassador"]
    search_fields = ["organisation_name", "applicant__email", "contact_person", "website"]
    list_select_related = ["municipality", "applicant"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["start_review", "approve", "ask", "reject"]
    decisions = {
        "start_review": Decision(
            action=_("Prüfung beginnen"),
            title=_("Prüfung beginnen"),
            button=_("Prüfung beginnen"),
            done=ngettext_lazy("%d Antrag in Prüfung.", "%d Anträge in Prüfung."),
            intro=_("Die Prüfung dieser Anträge beginnt:"),
            states=[A.SUBMITTED, A.QUESTION],
            link=_("Prüfung beginnen"),
        ),
        "approve": Decision(
            action=_("Annehmen (Organisation und Mitgliedschaft anlegen)"),
            title=_("Antrag annehmen"),
            button=_("Annehmen und Mitgliedschaft anlegen"),
            done=ngettext_lazy(
                "%d Antrag angenommen, Mitgliedschaft angelegt.",
                "%d Anträge angenommen, Mitgliedschaften angelegt.",
            ),
            intro=_(
                "Diese Anträge werden angenommen: Organisation und Mitgliedschaft werden angelegt, "
                "die antragstellende Person verwaltet die Organisation und bekommt eine E-Mail."
            ),
            states=Application.OPEN_STATES,
            link=_("Antrag annehmen"),
        ),
        "ask": Decision(
            action=_("Rückfrage stellen (mit Text)"),
            title=_("Rückfrage stellen"),
            button=_("Rückfrage senden"),
            done=ngettext_lazy("%d Rückfrage gesendet.", "%d Rückfragen gesendet."),
            intro=_(
                "Die antragstellende Person bekommt Ihre Frage per E-Mail und antwortet in ihrem "
                "Bereich:"
            ),
            text_label=_("Ihre Frage an die antragstellende Person"),
            states=Application.OPEN_STATES,
            link=_("Rückfrage stellen"),
        ),
        "reject": Decision(
            action=_("Ablehnen (mit Begründung)"),
            title=_("Antrag ablehnen"),
            button=_("Ablehnen und Begründung senden"),
            done=ngettext_lazy("%d Antrag abgelehnt.", "%d Anträge abgelehnt."),
            intro=_(
                "Diese Anträge werden abgelehnt. Die antragstellende Person bekommt Ihre "
                "Begründung per E-Mail:"
            ),
            text_label=_("Begründung für die antragstellende Person"),
            states=Application.OPEN_STATES,
            link=_("Antrag ablehnen"),
        ),
    }
    decision_related = ("applicant",)
    decision_skipped = ngettext_lazy(
        "%d Antrag übersprungen: Sein Status lässt das nicht zu.",
        "%d Anträge übersprungen: Ihr Status lässt das nicht zu.",
    )
    decision_refused = _("Das lässt der Status des Antrags nicht zu.")
    history_actor = _("System/Antragsteller")
    inlines = [ApplicationMessageInline]
    declared = ["criterion_region", "criterion_digital", "criterion_sharing", "criterion_terms"]
    readonly_fields = [
        "status",
        "decision_links",
        "history",
        "decision_reason",
        "decided_at",
        "organisation_link",
        "existing_organisation",
        "applicant",
        "created_at",
        "organisation_name",
        "kind",
        "municipality",
        "address",
        "website",
        "description",
        "topic_list",
        "logo_link",
        "contact_person",
        *declared,
        "wants_ambassador",
        "ambassador_motivation",
    ]
    fieldsets = [
        (
            _("Entscheidung"),
            {
                "fields": [
                    "status",
                    "decision_links",
                    "history",
                    "decision_reason",
                    "decided_at",
                    "organisation_link",
                ]
            },
        ),
        (
            _("Prüfliste der Redaktion"),
            {
                "fields": [
                    "check_region",
                    "check_digital",
                    "check_sharing",
                    "check_terms",
                    "internal_notes",
                ]
            },
        ),
        (_("Selbsterklärung der antragstellenden Person"), {"fields": declared}),
        (
            _("Angaben zur Organisation"),
            {
                "fields": [
                    "organisation_name",
                    "existing_organisation",
                    "kind",
                    "municipality",
                    "address",
                    "website",
                    "description",
                    "topic_list",
                    "logo_link",
                    "contact_person",
                ]
            },
        ),
        (_("Botschafter/in"), {"fields": ["wants_ambassador", "ambassador_motivation"]}),
        (_("Eingang"), {"fields": ["applicant", "created_at"]}),
    ]

    def has_add_permission(self, request):
        return False  # applications come in through /mitglieder/bewerben/

    @admin.display(description=_("Prüfliste"), boolean=True)
    def checklist_done(self, obj):
        return obj.check_region and obj.check_digital and obj.check_sharing and obj.check_terms

    @admin.display(description=_("Themenfelder"))
    def topic_list(self, obj):
        return ", ".join(topic.name for topic in obj.topics.all()) or "–"

    @admin.display(description=_("Logo"))
    def logo_link(self, obj):
        if not obj.logo_original:
            return "–"
        url = reverse("members:application_logo", args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Logo ansehen")
        )

    @admin.display(description=_("Organisation"))
    def organisation_link(self, obj):
        if not obj.organisation_id:
            return "–"
        url = reverse("admin:members_organisation_change", args=[obj.organisation_id])
        return format_html('<a href="{}">{}</a>', url, obj.organisation)

    @admin.display(description=_("Vorhandene Organisation"))
    def existing_organisation(self, obj):
        existing = Organisation.objects.filter(name__iexact=obj.organisation_name).first()
        if existing is None:
            return _("Keine Organisation mit diesem Namen – beim Annehmen wird sie angelegt.")
        url = reverse("admin:members_organisation_change", args=[existing.pk])
        return format_html(
            '{} <a href="{}">{}</a>',
            _(
                "Achtung: Beim Annehmen wird die antragstellende Person Verwalter/in dieser vorhandenen Organisation:"
            ),
            url,
            existing,
        )

    @admin.display(description=_("Aktionen"))
    def decision_links(self, obj):
        if not obj.is_open:
            return _("Entschieden.")
        return format_html_join(" · ", '<a href="{}">{}</a>', self.decision_link_items(obj))

    # The decisions: one service call per application; state changes never happen elsewhere.

    def decide(self, request, application, decision, text):
        if decision == "start_review":
            services.application_start_review(application=application, actor=request.user)
        elif decision == "approve":
            services.application_approve(application=application, actor=request.user)
        elif decision == "ask":
            services.application_ask(application=application, actor=request.user, question=text)
        elif decision == "reject":
            services.application_reject(application=application, actor=request.user, reason=text)

    def decision_object_label(self, application):
        return (
            f"{application.organisation_name} "
            f"({application.applicant.email}, {application.get_status_display()})"
        )


moderation.register_queue(
    _("Mitgliedsanträge zur Prüfung"),
    url=lambda: reverse("admin:members_application_changelist") + "?status__in=submitted,in_review",
    count=lambda: Application.objects.filter(status__in=[A.SUBMITTED, A.IN_REVIEW]).count(),
)


# Organisations -----------------------------------------------------------------------------------


class OrganisationAdminForm(forms.ModelForm):
    logo = VerifiedImageField(
        label=_("Neues Logo"), required=False, max_bytes=LOGO_MAX_BYTES, help_text=LOGO_HELP
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "slug",
            "kind",
            "municipality",
            "description",
            "topics",
            "website",
            "address",
            "contact_person",
            "is_founding",
            "is_ambassador",
            "ambassador_statement",
            "managers",
        ]


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0
    max_num = 1
    can_delete = False
    fields = ["number", "state_label", "member_since", "valid_from", "valid_until", "link"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # created by approval or by marking a founding member

    @admin.display(description=_("Status"))
    def state_label(self, obj):
        return obj.get_state_display()

    @admin.display(description=_("Bearbeiten"))
    def link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:members_membership_change", args=[obj.pk]),
            _("Mitgliedschaft öffnen"),
        )


class MembershipStateFilter(admin.SimpleListFilter):
    title = _("Mitgliedschaft")
    parameter_name = "mitgliedschaft"

    def lookups(self, request, model_admin):
        return [("aktiv", _("aktiv")), ("keine", _("keine oder nicht aktiv"))]

    def queryset(self, request, queryset):
        active = Organisation.objects.active_members().values("pk")
        if self.value() == "aktiv":
            return queryset.filter(pk__in=active)
        if self.value() == "keine":
            return queryset.exclude(pk__in=active)
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = [
        "name",
        "kind",
        "municipality",
        "membership_state",
        "is_founding",
        "is_ambassador",
    ]
    list_editable = ["is_ambassador"]
    list_filter = [
        MembershipStateFilter,
        "kind",
        "municipality",
        "is_founding",
        "is_ambassador",
        "topics",
    ]
    search_fields = ["name", "website", "managers__email"]
    list_select_related = ["municipality", "membership"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["managers"]
    filter_horizontal = ["topics"]
    readonly_fields = ["logo_preview", "created_at", "updated_at"]
    inlines = [MembershipInline]
    actions = ["make_founding", "make_ambassador", "remove_ambassador"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "municipality"]}),
        (
            _("Profil"),
            {
                "fields": [
                    "description",
                    "topics",
                    "website",
                    "address",
                    "contact_person",
                    "logo_preview",
                    "logo",
                ]
            },
        ),
        (
            _("Status im Netzwerk"),
            {
                "fields": ["is_founding", "is_ambassador", "ambassador_statement"],
                "description": _(
                    "Gründungsmitglied ankreuzen und speichern legt eine unbefristete Mitgliedschaft an."
                ),
            },
        ),
        (_("Verwaltung"), {"fields": ["managers", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("Mitgliedschaft"))
    def membership_state(self, obj):
        membership = getattr(obj, "membership", None)
        return membership.get_state_display() if membership else "–"

    @admin.display(description=_("Aktuelles Logo"))
    def logo_preview(self, obj):
        from smartregion.core.images import picture

        data = picture(obj.logo_renditions)
        if not data:
            return "–"
        return format_html('<img src="{}" alt="" width="160">', data["src"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        organisation = form.instance
        logo = form.cleaned_data.get("logo")
        if logo:
            services.organisation_set_logo(organisation=organisation, verified=logo.verified)
        if organisation.is_founding:
            self._ensure_founding(request, organisation)

    def _ensure_founding(self, request, organisation) -> None:
        membership = getattr(organisation, "membership", None)
        if (
            membership is not None
            and membership.valid_until is None
            and membership.status == M.ACTIVE
        ):
            return
        if (
            services.organisation_make_founding(organisation=organisation, actor=request.user)
            is None
        ):
            self.message_user(
                request,
                _("%(name)s: Die Mitgliedschaft ist widerrufen und bleibt es.")
                % {"name": organisation},
                messages.WARNING,
            )

    @admin.action(
        description=_("Als Gründungsmitglied eintragen (unbefristete Mitgliedschaft)"),
        permissions=["change"],
    )
    def make_founding(self, request, queryset):
        count = 0
        for organisation in queryset:
            if services.organisation_make_founding(organisation=organisation, actor=request.user):
                count += 1
        self.message_user(
            request,
            ngettext(
                "%d Gründungsmitglied eingetragen.", "%d Gründungsmitglieder eingetragen.", count
            )
            % count,
        )

    @admin.action(description=_("Als Botschafter/in markieren"), permissions=["change"])
    def make_ambassador(self, request, queryset):
        count = queryset.update(is_ambassador=True, updated_at=timezone.now())
        self.message_user(
            request,
            ngettext(
                "%d Organisation ist Botschafter/in.",
                "%d Organisationen sind Botschafter/innen.",
                count,
            )
            % count,
        )

    @admin.action(description=_("Botschafter-Markierung entfernen"), permissions=["change"])
    def remove_ambassador(self, request, queryset):
        count = queryset.update(is_ambassador=False, updated_at=timezone.now())
        self.message_user(
            request, ngettext("%d Markierung entfernt.", "%d Markierungen entfernt.", count) % count
        )


# Memberships -------------------------------------------------------------------------------------


class FoundingFilter(admin.SimpleListFilter):
    title = _("Befristung")
    parameter_name = "befristung"

    def lookups(self, request, model_admin):
        return [
            ("unbefristet", _("unbefristet (Gründungsmitglied)")),
            ("befristet", _("befristet")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "unbefristet":
            return queryset.filter(valid_until__isnull=True)
        if self.value() == "befristet":
            return queryset.filter(valid_until__isnull=False)
        return queryset


@admin.register(Membership)
class MembershipAdmin(DecisionAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "organisation",
        "state_label",
        "member_since",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["status", FoundingFilter]
    search_fields = ["number", "organisation__name"]
    list_select_related = ["organisation"]
    ordering = ["-member_since", "-number"]
    actions = ["revoke"]
    decisions = {
        "revoke": Decision(
            action=_("Widerrufen (mit Begründung)"),
            title=_("Mitgliedschaften widerrufen"),
            button=_("Widerrufen und Begründung senden"),
            done=ngettext_lazy("%d Mitgliedschaft widerrufen.", "%d Mitgliedschaften widerrufen."),
            intro=_(
                "Diese Mitgliedschaften werden widerrufen. Ihre Siegel werden sofort ungültig, die "
                "Prüfseite zeigt „widerrufen“ und die Verwaltenden bekommen Ihre Begründung per "
                "E-Mail:"
            ),
            text_label=_("Begründung für die Organisation"),
            states=[M.ACTIVE, M.EXPIRED],
        ),
    }
    decision_related = ("organisation",)
    decision_skipped = ngettext_lazy(
        "%d Mitgliedschaft übersprungen: Ihr Status lässt das nicht zu.",
        "%d Mitgliedschaften übersprungen: Ihr Status lässt das nicht zu.",
    )
    decision_refused = _("Das lässt der Status der Mitgliedschaft nicht zu.")
    history_actor = _("System/Antragsteller")
    fields = [
        "organisation",
        "number",
        "status",
        "state_label",
        "member_since",
        "valid_from",
        "valid_until",
        "revoked_reason",
        "verify_link",
        "downloads",
        "history",
    ]
    readonly_fields = [
        "organisation",
        "number",
        "status",
        "state_label",
        "revoked_reason",
        "verify_link",
        "downloads",
        "history",
    ]

    def has_add_permission(self, request):
        return False  # created by approving an application or by marking a founding member

    @admin.display(description=_("Stand heute"))
    def state_label(self, obj):
        return obj.get_state_display()

    @admin.display(description=_("Prüfseite"))
    def verify_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_verify_url(),
            _("Siegel prüfen"),
        )

    @admin.display(description=_("Siegel herunterladen"))
    def downloads(self, obj):
        links = [(reverse("members:seal_pdf", args=[obj.pk]), _("Urkunde (PDF)"))]
        for variant, label in (("hell", _("hell")), ("dunkel", _("dunkel"))):
            links.append((reverse("members:seal_svg", args=[obj.pk, variant]), f"SVG {label}"))
            links.append(
                (reverse("members:seal_png", args=[obj.pk, variant, 512]), f"PNG {label} 512")
            )
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def save_model(self, request, obj, form, change):
        """Staff may change the validity; the seal is regenerated and an expired membership whose
        new end lies ahead becomes active again (recorded in the history)."""
        super().save_model(request, obj, form, change)
        if change and {"valid_from", "valid_until", "member_since"} & set(form.changed_data):
            Membership.objects.filter(pk=obj.pk).update(seal_version=obj.seal_version + 1)
            obj.seal_version += 1
            still_open = obj.valid_until is None or obj.valid_until >= timezone.localdate()
            moderation.transition(
                obj,
                M.ACTIVE if obj.status == M.EXPIRED and still_open else obj.status,
                actor=request.user,
                note="Gültigkeit durch die Redaktion geändert",
            )

    def decide(self, request, membership, decision, text):
        if decision == "revoke":
            services.membership_revoke(membership=membership, actor=request.user, reason=text)

    def decision_object_label(self, membership):
        return f"{membership.number} · {membership.organisation.name}"


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "invited_by", "created_at", "accepted_at"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation", "invited_by"]
    readonly_fields = ["organisation", "email", "invited_by", "created_at", "accepted_at"]

    def has_add_permission(self, request):
        return False
