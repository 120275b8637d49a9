from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from newsletter import emails, links, services
from newsletter.forms import BOX_SOURCES, PreferencesForm, SubscribeForm
from newsletter.models import Campaign, ConsentText, Subscriber
from newsletter.personal_data import subscriber_sections
from smartregion.core import personal_data
from smartregion.core.fragments import reading_page
from smartregion.core.i18n import current_language
from smartregion.core.ratelimit import client_ip, hit

ARCHIVE_PAGE_SIZE = 20
SIGNUP_LIMIT_PER_IP = (10, 60 * 60)  # attempts, seconds
SIGNUP_LIMIT_PER_EMAIL = (3, 60 * 60)


def _personal(response: HttpResponse) -> HttpResponse:
    """Pages behind a personal link: never indexed, never cached by a shared cache."""
    return personal_data.private(response)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    consent_text = ConsentText.objects.current()
    if request.method == "POST":
        form = SubscribeForm(request.POST, consent_text=consent_text)
        if form.is_spam():
            return redirect("newsletter:thanks")  # looks like success; nothing is kept
        if form.is_valid() and _within_ip_limit(request, form):
            data = form.cleaned_data
            # Too many signups for one address are answered like any other, without a mail:
            # the page must not tell whether the address is known, nor flood its mailbox.
            if hit(
                "newsletter-signup-email",
                data["email"].lower(),
                limit=SIGNUP_LIMIT_PER_EMAIL[0],
                period_seconds=SIGNUP_LIMIT_PER_EMAIL[1],
            ):
                services.subscription_request(
                    email=data["email"],
                    name=data["name"],
                    topics=data["topics"],
                    consent_text=data["consent_version"],
                    source=data["source"],
                    language=current_language(),
                )
            return redirect("newsletter:thanks")
    else:
        source = request.GET.get("source", "")
        form = SubscribeForm(
            initial={
                "email": request.GET.get("email", "")[:254],
                "source": source if source in BOX_SOURCES else Subscriber.Source.FORM,
            },
            consent_text=consent_text,
        )
    return render(request, "newsletter/subscribe.html", {"form": form})


def _within_ip_limit(request: HttpRequest, form: SubscribeForm) -> bool:
    if hit(
        "newsletter-signup-ip",
        client_ip(request),
        limit=SIGNUP_LIMIT_PER_IP[0],
        period_seconds=SIGNUP_LIMIT_PER_IP[1],
    ):
        return True
    form.add_error(
        None,
        _(
            "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Anmeldungen. Bitte versuchen "
            "Sie es in einer Stunde noch einmal."
        ),
    )
    return False


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/thanks.html")


@require_GET
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    result, subscriber = services.subscription_confirm(token=token)
    ok = result in (services.Confirmation.CONFIRMED, services.Confirmation.ALREADY)
    context = {"state": result.value, "subscriber": subscriber}
    if ok:
        context["preferences_url"] = links.personal_links(subscriber)["preferences_url"]
    response = render(request, "newsletter/confirm.html", context, status=200 if ok else 400)
    return _personal(response)


def _is_one_click(request: HttpRequest) -> bool:
    """An RFC 8058 one-click unsubscribe: a POST with List-Unsubscribe=One-Click in its body."""
    return request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"


@csrf_exempt  # only for the one-click POST; the page's own form is CSRF-protected below
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if _is_one_click(request):
        # Mail programs send this POST without cookies or a CSRF token (RFC 8058). The personal
        # token in the URL is what authorises it, as it does the link itself.
        subscriber = services.subscriber_from_token(token)
        if subscriber is None:
            return _personal(HttpResponse(status=400))
        services.subscription_cancel(subscriber=subscriber)
        return _personal(
            HttpResponse(
                _("Sie sind vom Newsletter abgemeldet."), content_type="text/plain; charset=utf-8"
            )
        )
    return _unsubscribe_page(request, token)


@csrf_protect
def _unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_from_token(token)
    if subscriber is None:
        return _personal(
            render(request, "newsletter/unsubscribe.html", {"state": "invalid"}, status=400)
        )
    state = "ask"
    if request.method == "POST":
        services.subscription_cancel(subscriber=subscriber)
        state = "done"
    elif subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        state = "already"
    context = {"state": state, "subscriber": subscriber, "token": token}
    return _personal(render(request, "newsletter/unsubscribe.html", context))


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_from_token(token)
    if subscriber is None:
        return _personal(
            render(request, "newsletter/preferences.html", {"invalid": True}, status=400)
        )
    saved = False
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.subscriber_update_preferences(
                subscriber=subscriber, language=current_language(), **form.cleaned_data
            )
            saved = True
    else:
        form = PreferencesForm(
            initial={"name": subscriber.name, "topics": list(subscriber.topics.all())}
        )
    context = {"form": form, "subscriber": subscriber, "token": token, "saved": saved}
    return _personal(render(request, "newsletter/preferences.html", context))


@require_http_methods(["GET", "POST"])
def data(request: HttpRequest, token: str) -> HttpResponse:
    """„Meine Daten“ from the link in every newsletter mail: what is stored about the address,
    with its consent proof, as a page and a JSON file; a POST deletes it all (DSGVO Art. 17),
    which ends the subscription as well (docs/privacy.md)."""
    subscriber = services.subscriber_from_token(token)
    if subscriber is None:
        # A forged link, or one whose data were deleted already: nothing to show either way.
        return _personal(render(request, "newsletter/data.html", {"state": "gone"}, status=404))
    if request.method == "POST":
        services.subscriber_erase(subscriber=subscriber)
        return _personal(render(request, "newsletter/data.html", {"state": "erased"}))
    context = {"state": "show", "sections": subscriber_sections(subscriber), "token": token}
    return _personal(render(request, "newsletter/data.html", context))


@require_GET
def data_json(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_from_token(token)
    if subscriber is None:
        return _personal(render(request, "newsletter/data.html", {"state": "gone"}, status=404))
    data = personal_data.export(subscriber_sections(subscriber))
    return personal_data.download(data, filename="newsletter-meine-daten.json")


@require_safe
@reading_page("newsletter")
def archive(request: HttpRequest) -> HttpResponse:
    campaigns = (
        Campaign.objects.sent().order_by("-sent_at", "-pk").only("subject", "preheader", "sent_at")
    )
    page_obj = Paginator(campaigns, ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "newsletter/archive.html",
        {
            "page_obj": page_obj,
            "page_range": page_obj.paginator.get_elided_page_range(page_obj.number),
        },
    )


@require_safe
@reading_page("newsletter", "blog", "events")
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.sent(), pk=pk)
    context = {"campaign": campaign, **emails.campaign_sections(campaign, archive=True)}
    return render(request, "newsletter/archive_detail.html", context)
