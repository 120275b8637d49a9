"""The legal pages: Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit and its
feedback form (URL names ``legal:*``; docs/legal.md).

The Impressum and the dates of the accessibility statement come from ``LegalInformation`` (the
admin); what is empty there is left out. The privacy statement's retention periods are the
settings the purges use (``retention()``), so the page and the code cannot disagree.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from smartregion.core.fragments import reading_page
from smartregion.core.ratelimit import Limit, allow
from smartregion.site import services
from smartregion.site.forms import FeedbackForm
from smartregion.site.models import LegalInformation

app_name = "legal"

FEEDBACK_LIMIT_PER_IP = Limit(attempts=5, seconds=60 * 60)

# The periodic jobs that delete what the privacy statement promises to delete.
PURGE_TASKS = (
    "blog.tasks.purge_unconfirmed_posts",
    "events.tasks.purge_unconfirmed_registrations",
    "events.tasks.anonymise_past_registrations",
    "newsletter.tasks.purge_pending",
    "smartregion.core.tasks.prune_task_results",
    "smartregion.core.tasks.purge_stashed_images",
    "smartregion.core.tasks.clear_expired_sessions",
    "smartregion.site.tasks.purge_answered_feedback",
)


def retention() -> dict:
    """The retention periods as the code applies them, for the privacy statement."""
    periodic = settings.PERIODIC_TASKS
    purge_interval = max(periodic[name] for name in PURGE_TASKS if name in periodic)
    return {
        "unconfirmed_posts_days": settings.RETENTION_UNCONFIRMED_POSTS_DAYS,
        "unconfirmed_registrations_days": settings.RETENTION_UNCONFIRMED_REGISTRATIONS_DAYS,
        "past_registrations_days": settings.RETENTION_PAST_REGISTRATIONS_DAYS,
        "pending_subscribers_days": settings.RETENTION_PENDING_SUBSCRIBERS_DAYS,
        "task_results_days": settings.RETENTION_TASK_RESULTS_DAYS,
        "undelivered_mail_days": settings.RETENTION_UNDELIVERED_MAIL_DAYS,
        "stashed_images_hours": settings.RETENTION_STASHED_IMAGES_HOURS,
        "answered_feedback_days": settings.RETENTION_ANSWERED_FEEDBACK_DAYS,
        "session_days": round(settings.SESSION_COOKIE_AGE / 86400, 1),
        "staff_session_hours": round(settings.STAFF_SESSION_AGE / 3600, 1),
        "rate_limit_hours": round(settings.RATE_LIMIT_MAX_WINDOW_SECONDS / 3600, 1),
        "log_days": settings.LOG_RETENTION_DAYS,
        # Whole hours, rounded up: an upper bound of the delay.
        "purge_interval_hours": math.ceil(purge_interval / timedelta(hours=1)),
    }


@require_safe
@reading_page("site", timed=False)
def impressum(request: HttpRequest) -> HttpResponse:
    return render(request, "legal/impressum.html", {"legal": LegalInformation.load()})


@require_safe
@reading_page("site", timed=False)
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "legal/datenschutz.html",
        {"legal": LegalInformation.load(), "retention": retention()},
    )


@require_safe
@reading_page("site", timed=False)
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "legal/barrierefreiheit.html", {"legal": LegalInformation.load()})


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_spam():
            return redirect("legal:feedback_thanks")  # looks like success; nothing is kept
        if form.is_valid():
            if allow(request, "accessibility-feedback", per_ip=FEEDBACK_LIMIT_PER_IP):
                data = form.cleaned_data
                services.feedback_create(
                    message=data["message"],
                    page_url=data["page_url"],
                    name=data["name"],
                    email=data["email"],
                )
                return redirect("legal:feedback_thanks")
            form.add_error(
                None,
                _(
                    "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Rückmeldungen. Ihre "
                    "Nachricht ist unten erhalten: Bitte senden Sie sie in einer Stunde noch "
                    "einmal ab."
                ),
            )
    else:
        # "Barriere melden" links on other pages may name the page concerned.
        form = FeedbackForm(initial={"page_url": request.GET.get("seite", "")[:500]})
    return render(
        request,
        "legal/feedback.html",
        {"form": form, "retention_days": settings.RETENTION_ANSWERED_FEEDBACK_DAYS},
    )


@require_GET
def feedback_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "legal/feedback_thanks.html")


urlpatterns = [
    path("impressum/", impressum, name="impressum"),
    path("datenschutz/", privacy, name="privacy"),
    path("barrierefreiheit/", accessibility, name="accessibility"),
    path("barrierefreiheit/rueckmeldung/", feedback, name="feedback"),
    path("barrierefreiheit/rueckmeldung/danke/", feedback_thanks, name="feedback_thanks"),
]
