import json
from functools import wraps

from allauth.account.decorators import verified_email_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from members import services
from members.area import area_sections, bind, bind_links, profile_sections
from members.forms import AccountDeleteForm, AnswerForm, ApplicationForm, InviteForm, ProfileForm
from members.models import Application, Invitation, Membership, Organisation, OrganisationKind
from smartregion.core import personal_data
from smartregion.core.fragments import reading_page
from smartregion.core.i18n import current_language
from smartregion.core.models import taxonomy
from smartregion.core.moderation import InvalidTransition
from smartregion.core.ratelimit import Limit, allow, hit
from smartregion.core.signing import BadToken, read_token
from smartregion.core.staff import is_staff_account
from smartregion.core.storage import absolute_media_url

PAGE_SIZE = 24
SEARCH_MAX_LENGTH = 100
INVITE_LIMIT = (10, 60 * 60)  # invitations per user and hour

# German URL values for the kind filter and the seal variants.
KIND_SLUGS = {
    "unternehmen": OrganisationKind.COMPANY,
    "hochschule-forschung": OrganisationKind.RESEARCH,
    "kommune-verwaltung": OrganisationKind.PUBLIC,
    "verein-initiative": OrganisationKind.ASSOCIATION,
    "projekt": OrganisationKind.PROJECT,
}
VARIANTS = {"hell": "light", "dunkel": "dark"}
VERIFY_LABELS = {
    Membership.Status.ACTIVE: gettext_lazy("gültig"),
    Membership.Status.EXPIRED: gettext_lazy("abgelaufen"),
    Membership.Status.REVOKED: gettext_lazy("widerrufen"),
}
VARIANT_LABELS = {"light": gettext_lazy("hell"), "dark": gettext_lazy("dunkel")}


def _records_language(view):
    """The account area: mails sent to the person later follow the language they use it in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            services.user_record_language(user=request.user, language=current_language())
        return view(request, *args, **kwargs)

    return wrapper


def _clean_query(value: str) -> str:
    """Search input as PostgreSQL can take it: no NUL or control characters, bounded length."""
    value = "".join(ch for ch in value if ch.isprintable())
    return " ".join(value.split())[:SEARCH_MAX_LENGTH]


# Public pages ------------------------------------------------------------------------------------


@require_safe
@reading_page("members")
def directory(request: HttpRequest) -> HttpResponse:
    topics, municipalities = taxonomy()
    kind_slug = request.GET.get("art", "")
    kind = KIND_SLUGS.get(kind_slug)
    topic = next((t for t in topics if t.slug == request.GET.get("thema")), None)
    municipality = next((m for m in municipalities if m.slug == request.GET.get("ort")), None)
    query = _clean_query(request.GET.get("q", ""))

    organisations = Organisation.objects.active_members().for_cards().order_by(Lower("name"), "pk")
    if kind:
        organisations = organisations.filter(kind=kind)
    if municipality:
        organisations = organisations.filter(municipality=municipality)
    if topic:
        organisations = organisations.filter(topics=topic)
    if query:
        organisations = organisations.filter(name__icontains=query)
    paginator = Paginator(organisations, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "members/directory.html",
        {
            "page_obj": page_obj,
            "organisations": page_obj.object_list,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "kinds": [(slug, OrganisationKind(value).label) for slug, value in KIND_SLUGS.items()],
            "topics": topics,
            "municipalities": municipalities,
            "active_kind": kind_slug if kind else "",
            "active_kind_label": OrganisationKind(kind).label if kind else "",
            "active_topic": topic,
            "active_municipality": municipality,
            "query": query,
        },
    )


def _json_ld(organisation: Organisation) -> str:
    profile_url = settings.SITE_URL + organisation.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": profile_url,
        "name": organisation.name,
        "url": organisation.website or profile_url,
        "mainEntityOfPage": profile_url,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": organisation.municipality.name,
            "addressCountry": "DE",
        },
        "memberOf": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL + "/",
        },
    }
    description = " ".join(strip_tags(organisation.description_html).split())
    if description:
        data["description"] = description[:500]
    if organisation.website:
        data["sameAs"] = [organisation.website]
    topics = [topic.name for topic in organisation.topics.all()]
    if topics:
        data["knowsAbout"] = topics
    if organisation.logo_renditions:
        fallbacks = [
            r for r in organisation.logo_renditions if r["format"] != "webp"
        ] or organisation.logo_renditions
        largest = max(fallbacks, key=lambda r: r["width"])
        data["logo"] = absolute_media_url(largest["path"])
    # Inside <script>: "</script>" and HTML comments in a name must not end the element.
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


@require_safe
@reading_page("members", "blog", "events")
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.active_members()
        .select_related("municipality", "membership")
        .prefetch_related("topics"),
        slug=slug,
    )
    context = {
        "organisation": organisation,
        "membership": organisation.membership,
        "topics": list(organisation.topics.all()),
        "json_ld": _json_ld(organisation),
        # What other apps show on the profile, such as its posts and events (members/area.py).
        "sections": bind(profile_sections, request, organisation=organisation),
    }
    return render(request, "members/profile.html", context)


@require_safe
@reading_page("members")
def ambassadors(request: HttpRequest) -> HttpResponse:
    organisations = (
        Organisation.objects.active_members()
        .filter(is_ambassador=True)
        .select_related("municipality")
        .order_by(Lower("name"), "pk")
    )
    return render(request, "members/ambassadors.html", {"organisations": organisations})


def _membership_by_code(code: str) -> Membership | None:
    return Membership.objects.select_related("organisation").filter(seal_code=code).first()


@require_safe
@reading_page("members")
def verify(request: HttpRequest, code: str) -> HttpResponse:
    membership = _membership_by_code(code)
    if membership is None:
        return render(request, "members/verify_unknown.html", status=404)
    response = render(
        request,
        "members/verify.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "state": membership.state,
            "state_label": VERIFY_LABELS[membership.state],
            "is_valid": membership.is_valid,
        },
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def seal_image(request: HttpRequest, code: str, variant: str) -> HttpResponse:
    """The seal for the embed snippet on members' websites.

    A valid membership gets its seal; an expired or revoked one an "ungültig" badge (200, so the
    member's page shows the truth instead of a broken image); an unknown code a 404.
    """
    membership = _membership_by_code(code)
    if membership is None or variant not in VARIANTS:
        raise Http404
    if membership.is_valid:
        content = services.seal_file(membership, fmt="svg", variant=VARIANTS[variant])
    else:
        from django.template.loader import render_to_string

        content = render_to_string(
            "members/seal_invalid.svg",
            {"state_label": VERIFY_LABELS[membership.state], "dark": variant == "dunkel"},
        ).encode()
    response = HttpResponse(content, content_type="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=600"  # a revocation shows within minutes
    response.headers["Content-Disposition"] = content_disposition_header(False, "siegel.svg")
    return response


# Applying ----------------------------------------------------------------------------------------


def _open_application_of(user) -> Application | None:
    return Application.objects.filter(applicant=user, status__in=Application.OPEN_STATES).first()


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('account_login')}?next={reverse('members:apply')}")
        return render(request, "members/apply_start.html", {"next": reverse("members:apply")})
    return _apply_form(request)


@verified_email_required
@_records_language
def _apply_form(request: HttpRequest) -> HttpResponse:
    existing = _open_application_of(request.user)
    if existing:
        messages.info(
            request, _("Sie haben bereits einen offenen Antrag. Hier sehen Sie seinen Stand.")
        )
        return redirect("members:application", pk=existing.pk)
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            application, created = services.application_create(
                user=request.user, data=form.cleaned_data, logo=form.cleaned_data["logo"].verified
            )
            if created:
                messages.success(
                    request,
                    _(
                        "Danke für Ihren Antrag. Wir haben Ihnen eine Bestätigung geschickt und melden uns nach der Prüfung."
                    ),
                )
            else:
                messages.info(
                    request, _("Es gibt bereits einen offenen Antrag. Hier sehen Sie seinen Stand.")
                )
            if application.applicant_id == request.user.pk:
                return redirect("members:application", pk=application.pk)
            form.add_error(
                "organisation_name",
                _("Für diese Organisation liegt bereits ein offener Antrag vor."),
            )
    else:
        form = ApplicationForm(
            user=request.user, initial={"contact_person": request.user.get_full_name()}
        )
    return render(request, "members/apply.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@_records_language
def application(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.select_related("municipality").prefetch_related("topics", "messages"),
        pk=pk,
        applicant=request.user,
    )
    form = None
    if application.status == Application.Status.QUESTION:
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.application_answer(
                    application=application, user=request.user, text=form.cleaned_data["text"]
                )
            except InvalidTransition:
                messages.error(request, _("Dieser Antrag wartet nicht mehr auf eine Antwort."))
            else:
                messages.success(request, _("Danke, Ihre Antwort ist bei der Redaktion."))
            return redirect("members:application", pk=application.pk)
    elif request.method == "POST":
        messages.error(request, _("Dieser Antrag wartet nicht auf eine Antwort."))
        return redirect("members:application", pk=application.pk)
    return render(
        request,
        "members/application.html",
        {"application": application, "thread": list(application.messages.all()), "form": form},
    )


@login_required
@require_GET
def application_logo(request: HttpRequest, pk: int) -> FileResponse:
    """The private logo of an application, for its applicant and for staff reviewing it."""
    application = get_object_or_404(Application, pk=pk)
    if application.applicant_id != request.user.pk and not request.user.has_perm(
        "members.view_application"
    ):
        raise PermissionDenied
    if not application.logo_original:
        raise Http404
    response = FileResponse(application.logo_original.open("rb"), content_type="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Member area -------------------------------------------------------------------------------------


def _managed(user):
    return services.organisations_managed_by(user).prefetch_related(
        "managers",
        Prefetch(
            "invitations",
            queryset=Invitation.objects.filter(accepted_at=None),
            to_attr="pending_invitations",
        ),
    )


def _managed_organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("municipality"), slug=slug)
    if not organisation.managers.filter(pk=request.user.pk).exists():
        raise PermissionDenied
    return organisation


@login_required
@require_GET
@_records_language
def area(request: HttpRequest) -> HttpResponse:
    entries = []
    for organisation in _managed(request.user):
        membership = getattr(organisation, "membership", None)
        entry = {"organisation": organisation, "membership": membership}
        if membership is not None:
            entry["can_renew"] = services.can_renew(membership)
            if membership.is_valid:
                entry["seal_links"] = _seal_links(membership)
                entry["snippets"] = [
                    (VARIANT_LABELS[v], services.seal_embed_snippet(membership, variant=v))
                    for v in ("light", "dark")
                ]
        entries.append(entry)
    applications = Application.objects.filter(applicant=request.user).order_by("-created_at")
    return render(
        request,
        "members/area.html",
        {
            "entries": entries,
            "applications": applications,
            "open_application": _open_application_of(request.user),
            # What other apps add, such as event registrations and links (members/area.py).
            "sections": bind(area_sections, request, user=request.user),
            "links": bind_links(),
        },
    )


def _seal_links(membership: Membership) -> dict:
    from members.seal import PNG_SIZES

    links = {"svg": [], "png": [], "pdf": reverse("members:seal_pdf", kwargs={"pk": membership.pk})}
    for slug, variant in VARIANTS.items():
        label = VARIANT_LABELS[variant]
        links["svg"].append(
            (label, reverse("members:seal_svg", kwargs={"pk": membership.pk, "variant": slug}))
        )
        links["png"].append(
            (
                label,
                [
                    (
                        size,
                        reverse(
                            "members:seal_png",
                            kwargs={"pk": membership.pk, "variant": slug, "size": size},
                        ),
                    )
                    for size in PNG_SIZES
                ],
            )
        )
    return links


@login_required
@require_http_methods(["GET", "POST"])
@_records_language
def profile_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        logo = form.cleaned_data.get("logo")
        if logo:
            services.organisation_set_logo(organisation=organisation, verified=logo.verified)
        messages.success(request, _("Das Profil ist gespeichert."))
        return redirect("members:area")
    return render(
        request, "members/profile_edit.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_http_methods(["GET", "POST"])
@_records_language
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        if hit(
            "members-invite",
            str(request.user.pk),
            limit=INVITE_LIMIT[0],
            period_seconds=INVITE_LIMIT[1],
        ):
            services.invitation_create(
                organisation=organisation, email=form.cleaned_data["email"], invited_by=request.user
            )
            messages.success(
                request,
                _("Die Einladung an %(email)s ist unterwegs.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("members:area")
        form.add_error(
            None,
            _(
                "Sie haben in kurzer Zeit sehr viele Einladungen verschickt. Bitte versuchen Sie es in einer Stunde noch einmal."
            ),
        )
    return render(
        request,
        "members/invite.html",
        {
            "form": form,
            "organisation": organisation,
            "managers": organisation.managers.order_by("email"),
            "pending": organisation.invitations.filter(accepted_at=None),
        },
    )


def _invitation_used(request: HttpRequest, invitation: Invitation) -> HttpResponse | None:
    """The page for an invitation that needs nothing more: the user manages the organisation
    already, or someone accepted it; None while it is open."""
    organisation = invitation.organisation
    if organisation.managers.filter(pk=request.user.pk).exists():
        messages.info(request, _("Sie verwalten %(name)s bereits.") % {"name": organisation.name})
        return redirect("members:area")
    if invitation.accepted_at is not None:
        return render(
            request,
            "members/invitation.html",
            {"state": "used", "invitation": invitation},
            status=409,
        )
    return None


@login_required
@require_http_methods(["GET", "POST"])
@_records_language
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation_id = read_token("member-invite", token, max_age=services.INVITE_MAX_AGE)
        invitation = Invitation.objects.select_related("organisation").get(pk=int(invitation_id))
    except (BadToken, ValueError, Invitation.DoesNotExist):
        return render(request, "members/invitation.html", {"state": "invalid"}, status=400)
    organisation = invitation.organisation
    used = _invitation_used(request, invitation)
    if used:
        return used
    if request.method == "POST":
        if services.invitation_accept(invitation=invitation, user=request.user):
            messages.success(
                request,
                _("Willkommen! Sie verwalten jetzt %(name)s mit.") % {"name": organisation.name},
            )
            return redirect("members:area")
        # Accepted meanwhile (the same link clicked twice at once), or not for this address.
        return _invitation_used(request, invitation) or render(
            request,
            "members/invitation.html",
            {"state": "mismatch", "invitation": invitation},
            status=403,
        )
    return render(request, "members/invitation.html", {"state": "open", "invitation": invitation})


@login_required
@require_POST
@_records_language
def renew(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organisation"), pk=pk)
    if not membership.organisation.managers.filter(pk=request.user.pk).exists():
        raise PermissionDenied
    try:
        services.membership_renew(membership=membership, user=request.user)
    except InvalidTransition:
        messages.error(request, _("Diese Mitgliedschaft kann zurzeit nicht verlängert werden."))
    else:
        messages.success(
            request,
            _(
                "Die Mitgliedschaft ist verlängert bis zum %(date)s. Bitte laden Sie Ihre Siegel neu herunter."
            )
            % {"date": date_format(membership.valid_until, "SHORT_DATE_FORMAT")},
        )
    return redirect("members:area")


# Seal downloads ----------------------------------------------------------------------------------


def _downloadable(request: HttpRequest, pk: int) -> Membership:
    """Managers of a currently valid membership and staff with the members permission."""
    membership = get_object_or_404(Membership.objects.select_related("organisation"), pk=pk)
    user = request.user
    if user.is_staff and user.has_perm("members.view_membership"):
        return membership
    if membership.is_valid and membership.organisation.managers.filter(pk=user.pk).exists():
        return membership
    raise PermissionDenied


def _download(
    membership: Membership, *, fmt: str, variant: str = "light", size: int | None = None
) -> HttpResponse:
    content = services.seal_file(membership, fmt=fmt, variant=variant, size=size)
    response = HttpResponse(content, content_type=services.SEAL_FORMATS[fmt])
    filename = services.seal_filename(membership, fmt=fmt, variant=variant, size=size)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def seal_svg(request: HttpRequest, pk: int, variant: str) -> HttpResponse:
    if variant not in VARIANTS:
        raise Http404
    return _download(_downloadable(request, pk), fmt="svg", variant=VARIANTS[variant])


@login_required
@require_GET
def seal_png(request: HttpRequest, pk: int, variant: str, size: int) -> HttpResponse:
    from members.seal import PNG_SIZES

    if variant not in VARIANTS or size not in PNG_SIZES:
        raise Http404
    return _download(_downloadable(request, pk), fmt="png", variant=VARIANTS[variant], size=size)


@login_required
@require_GET
def seal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(_downloadable(request, pk), fmt="pdf")


# People's own data (DSGVO Art. 15, 17, 20) -------------------------------------------------------

DELETE_LIMIT_PER_IP = Limit(20, 60 * 60)
DELETE_LIMIT_PER_ACCOUNT = Limit(5, 15 * 60)


@login_required
@require_GET
@_records_language
def data(request: HttpRequest) -> HttpResponse:
    """Everything the portal holds about the person, readable; the same as data_json."""
    sections = personal_data.sections(personal_data.Person.of(request.user))
    return personal_data.private(render(request, "members/data.html", {"sections": sections}))


@login_required
@require_GET
def data_json(request: HttpRequest) -> HttpResponse:
    data = personal_data.export(personal_data.sections(personal_data.Person.of(request.user)))
    filename = f"meine-daten-{timezone.localdate():%Y-%m-%d}.json"
    return personal_data.download(data, filename=filename)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    if is_staff_account(request.user):
        # Staff accounts are removed by another administrator (docs/privacy.md): their
        # decisions in the moderation log and the admin's history must stay attributable
        # until then, and a stolen staff session must not erase an account it cannot see.
        return render(request, "members/delete_account.html", {"staff": True})
    limited = request.method == "POST" and not allow(
        request,
        "account-delete",
        per_ip=DELETE_LIMIT_PER_IP,
        email=str(request.user.pk),  # the per-address counter, keyed by the account instead
        per_email=DELETE_LIMIT_PER_ACCOUNT,
    )
    form = AccountDeleteForm(
        request.POST if request.method == "POST" else None, user=request.user, limited=limited
    )
    if request.method == "POST" and form.is_valid():
        user = request.user
        notes = services.account_delete(user=user)
        logout(request)
        return render(request, "members/account_deleted.html", {"notes": notes})
    return render(request, "members/delete_account.html", {"form": form})
