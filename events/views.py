import json
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from events import ical, services
from events.forms import EventProposalForm, RegistrationForm
from events.models import Event, Registration
from members.models import Organisation
from smartregion.core.dates import iso8601
from smartregion.core.fragments import reading_page
from smartregion.core.images import refuse_images
from smartregion.core.models import taxonomy
from smartregion.core.ratelimit import Limit, allow, hit
from smartregion.core.signing import BadToken, read_token
from smartregion.core.storage import absolute_media_url

PAGE_SIZE = 20
FEED_PAST = timedelta(days=30)  # the feed keeps recent events, so calendars do not drop them
REGISTER_LIMIT_PER_IP = Limit(attempts=20, seconds=60 * 60)
REGISTER_LIMIT_PER_EMAIL = Limit(attempts=5, seconds=60 * 60)
# Every sending of the form counts (before its image is decoded), a corrected one too.
PROPOSE_LIMIT_PER_USER = (20, 24 * 60 * 60)

# German URL values for the format filter.
FORMAT_SLUGS = {
    "praesenz": Event.Format.ONSITE,
    "online": Event.Format.ONLINE,
    "hybrid": Event.Format.HYBRID,
}
PAST = "vergangen"

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


# Reading ----------------------------------------------------------------------------------------


@require_safe
@reading_page("events")
def event_list(request: HttpRequest) -> HttpResponse:
    topics, municipalities = taxonomy()
    past = request.GET.get("zeitraum") == PAST
    topic = next((t for t in topics if t.slug == request.GET.get("thema")), None)
    municipality = next((m for m in municipalities if m.slug == request.GET.get("ort")), None)
    format_slug = request.GET.get("format", "")
    event_format = FORMAT_SLUGS.get(format_slug)

    events = (Event.objects.past() if past else Event.objects.upcoming()).for_cards()
    if topic:
        events = events.filter(
            Exists(Event.topics.through.objects.filter(event=OuterRef("pk"), topic=topic))
        )
    if municipality:
        events = events.filter(municipality=municipality)
    if event_format:
        events = events.filter(format=event_format)
    paginator = Paginator(events, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "events/event_list.html",
        {
            "page_obj": page_obj,
            "events": page_obj.object_list,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "past": past,
            "topics": topics,
            "municipalities": municipalities,
            "formats": [(slug, Event.Format(value).label) for slug, value in FORMAT_SLUGS.items()],
            "active_topic": topic,
            "active_municipality": municipality,
            "active_format": format_slug if event_format else "",
            "active_format_label": Event.Format(event_format).label if event_format else "",
            "webcal_url": _webcal(request),
        },
    )


def _organiser_is_member(event: Event) -> bool:
    organiser = event.organiser
    membership = getattr(organiser, "membership", None) if organiser else None
    return bool(membership and membership.is_valid)


def _image_url(event: Event) -> str | None:
    fallbacks = [r for r in event.image_renditions if r["format"] != "webp"]
    if not fallbacks:
        return None
    largest = max(fallbacks, key=lambda r: r["width"])
    return absolute_media_url(largest["path"])


ATTENDANCE = {
    Event.Format.ONSITE: "https://schema.org/OfflineEventAttendanceMode",
    Event.Format.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    Event.Format.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


def _json_ld(event: Event, *, organiser_url: str | None) -> str:
    url = settings.SITE_URL + event.get_absolute_url()
    locations = []
    if event.is_onsite:
        lines = [line.strip() for line in event.address.splitlines() if line.strip()]
        locations.append(
            {
                "@type": "Place",
                "name": event.venue_name or (lines[0] if lines else event.municipality.name),
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": ", ".join(lines[:-1]) if len(lines) > 1 else "",
                    "addressLocality": lines[-1] if lines else event.municipality.name,
                    "addressCountry": "DE",
                },
            }
        )
    if event.is_online:
        # The page, never the access link: that one is only for confirmed participants.
        locations.append({"@type": "VirtualLocation", "url": url})
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title_i18n.text,
        "description": event.teaser_i18n.text,
        "url": url,
        "startDate": iso8601(event.starts_at),
        "endDate": iso8601(event.ends_at),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.is_cancelled
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": ATTENDANCE[event.format],
        "location": locations[0] if len(locations) == 1 else locations,
        "inLanguage": "de",
    }
    if event.organiser_id:
        organiser = {"@type": "Organization", "name": event.organiser.name}
        if organiser_url:
            organiser["url"] = settings.SITE_URL + organiser_url
        data["organizer"] = organiser
    else:
        data["organizer"] = {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL + "/",
        }
    image = _image_url(event)
    if image:
        data["image"] = [image]
    # Escaped like json_script: a "</script>" in a title must not end the element.
    return json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)


def _event_for_page(slug: str) -> Event:
    return get_object_or_404(
        Event.objects.select_related("municipality", "organiser", "organiser__membership")
        .with_counts()
        .filter(slug=slug)
    )


@require_safe
@reading_page("events")
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_for_page(slug)
    preview = False
    if not event.is_public:
        # Drafts and proposals: only the Redaktion sees them (a preview, not indexed).
        if not request.user.has_perm("events.change_event"):
            raise Http404
        preview = True
    organiser_url = event.organiser.get_absolute_url() if _organiser_is_member(event) else None
    response = render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "topics": list(event.topics.all()),
            "organiser_url": organiser_url,
            "json_ld": _json_ld(event, organiser_url=organiser_url),
            "og_image": _image_url(event),
            "preview": preview,
            "webcal_url": _webcal(request),
        },
    )
    if preview:
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _webcal(request: HttpRequest) -> str:
    """The subscription address for calendar apps (webcal:// opens them directly)."""
    from django.urls import reverse

    url = settings.SITE_URL + reverse("events:feed")
    return "webcal://" + url.split("://", 1)[1]


def _ics_response(content: bytes, *, filename: str, download: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = content_disposition_header(download, filename)
    return response


@require_safe
@reading_page("events")
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event.objects.public().select_related("organiser"), slug=slug)
    return _ics_response(ical.event_calendar(event), filename=f"{event.slug}.ics", download=True)


@require_safe
@reading_page("events")
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """All upcoming public events, cancelled ones included (so subscribers see the
    cancellation), plus those of the last 30 days."""
    events = (
        Event.objects.public()
        .filter(ends_at__gte=timezone.now() - FEED_PAST)
        .select_related("organiser")
        .order_by("starts_at", "pk")
    )
    return _ics_response(ical.feed_calendar(events), filename="veranstaltungen.ics", download=False)


# Registration -----------------------------------------------------------------------------------


def _initial_for(request: HttpRequest) -> dict:
    if request.user.is_authenticated:
        return {"name": request.user.get_full_name(), "email": request.user.email}
    return {}


def _within_limits(request: HttpRequest, form: RegistrationForm) -> bool:
    ok = allow(
        request,
        "event-register",
        per_ip=REGISTER_LIMIT_PER_IP,
        email=form.cleaned_data["email"],
        per_email=REGISTER_LIMIT_PER_EMAIL,
    )
    if not ok:
        form.add_error(
            None,
            _(
                "Sie haben sich in kurzer Zeit sehr oft angemeldet. Bitte versuchen Sie es in einer Stunde noch einmal."
            ),
        )
    return ok


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(
        Event.objects.public().select_related("municipality", "organiser").with_counts(),
        slug=slug,
    )
    context = {"event": event, "duplicate": False}
    if not event.registration_open:
        return render(request, "events/register.html", context | {"closed": True})
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_spam():
            # Looks like success to a bot; nothing is kept.
            return redirect("events:registered", slug=event.slug)
        if form.is_valid() and _within_limits(request, form):
            try:
                services.registration_create(
                    event=event,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    organisation=form.cleaned_data["organisation"],
                )
            except services.RegistrationError as error:
                if error.code == "closed":
                    return render(request, "events/register.html", context | {"closed": True})
                context["duplicate"] = True
            else:
                return redirect("events:registered", slug=event.slug)
    else:
        form = RegistrationForm(initial=_initial_for(request))
    return render(request, "events/register.html", context | {"form": form})


@require_GET
def registered(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event.objects.public(), slug=slug)
    return render(request, "events/registered.html", {"event": event})


def _registration_from_token(purpose: str, token: str, max_age):
    """The registration a link names, or an error page (tampered, expired or unknown)."""
    try:
        public_id = read_token(purpose, token, max_age=max_age)
    except BadToken:
        return None, 400
    registration = (
        Registration.objects.select_related("event", "event__municipality")
        .filter(public_id=public_id)
        .first()
    )
    if registration is None:
        return None, 404
    return registration, 200


def _invalid_link(request: HttpRequest, status: int, purpose: str) -> HttpResponse:
    return render(request, "events/link_invalid.html", {"purpose": purpose}, status=status)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the mail opens a page with a button: mail scanners that open links
    change nothing. The POST confirms."""
    registration, status = _registration_from_token(
        "event-confirm", token, services.confirm_max_age()
    )
    if registration is None:
        return _invalid_link(request, status, "confirm")
    if request.method == "POST":
        outcome = services.registration_confirm(registration=registration)
        registration, state = outcome.registration, outcome.state
    else:
        state = "ask" if registration.status == Registration.Status.PENDING else "already"
        if registration.status == Registration.Status.CANCELLED:
            state = "cancelled"
        elif state == "ask" and registration.event.is_cancelled:
            state = "event-cancelled"
        elif state == "ask" and not registration.event.registration_open:
            state = "closed"
    return render(
        request,
        "events/confirm.html",
        {
            "registration": registration,
            "event": registration.event,
            "state": state,
            "cancel_path": services.cancel_path(registration),
        },
        status=409 if state in {"closed", "event-cancelled", "cancelled"} else 200,
    )


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link only shows the page; the button (POST) cancels."""
    registration, status = _registration_from_token("event-cancel", token, None)
    if registration is None:
        return _invalid_link(request, status, "cancel")
    if request.method == "POST":
        state = services.registration_cancel(registration=registration).state
        registration.refresh_from_db()
    elif registration.status == Registration.Status.CANCELLED:
        state = "already"
    elif registration.event.has_ended:
        state = "ended"
    else:
        state = "ask"
    return render(
        request,
        "events/cancel.html",
        {"registration": registration, "event": registration.event, "state": state},
        status=409 if state == "ended" else 200,
    )


# Member area ------------------------------------------------------------------------------------


def proposing_organisations(user):
    """Active member organisations the user manages: they may propose events."""
    return Organisation.objects.active_members().filter(managers=user).order_by("name")


def registrations_of(user):
    return Registration.objects.of_user(user).select_related("event").order_by("-event__starts_at")


@login_required
@require_GET
def my_events(request: HttpRequest) -> HttpResponse:
    proposals = (
        Event.objects.filter(proposed_by=request.user)
        .select_related("organiser", "municipality")
        .order_by("-created_at")
    )
    registrations = list(registrations_of(request.user))
    for registration in registrations:
        if (
            registration.status != Registration.Status.CANCELLED
            and not registration.event.has_ended
        ):
            registration.cancel_path = services.cancel_path(registration)
    return render(
        request,
        "events/my_events.html",
        {
            "proposals": proposals,
            "registrations": registrations,
            "can_propose": proposing_organisations(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    organisations = proposing_organisations(request.user)
    if not organisations.exists():
        return render(request, "events/propose_not_allowed.html", status=403)
    form = EventProposalForm(
        request.POST or None, request.FILES or None, organisations=organisations
    )
    if request.method == "POST":
        if not hit(
            "event-propose",
            str(request.user.pk),
            limit=PROPOSE_LIMIT_PER_USER[0],
            period_seconds=PROPOSE_LIMIT_PER_USER[1],
        ):
            refuse_images(
                form,
                _(
                    "Sie haben heute schon viele Veranstaltungen vorgeschlagen. Bitte morgen wieder."
                ),
            )
        elif form.is_valid():
            image = form.cleaned_data.get("image")
            services.event_propose(
                event=form.save(commit=False),
                topics=form.cleaned_data["topics"],
                user=request.user,
                image=image.verified if image else None,
            )
            messages.success(
                request,
                _("Danke für Ihren Vorschlag. Die Redaktion prüft ihn und meldet sich per E-Mail."),
            )
            return redirect("events:mine")
    return render(request, "events/propose.html", {"form": form})
