"""Staff accounts: two-step login (TOTP) before the admin, and sessions with a fixed end.

A staff account is a superuser, an ``is_staff`` user or a member of the Redaktion group. Such an
account opens the admin only once it has a TOTP authenticator (allauth.mfa); until then every
admin request is sent to allauth's activation page, so an account whose authenticator was removed
is locked out again on its next admin request. Its session ends ``STAFF_SESSION_AGE`` seconds
after login, however active it is; visitors keep ``SESSION_COOKIE_AGE``.
"""

from datetime import datetime, timedelta
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.core.permissions import EDITORS_GROUP

# The absolute end of a staff session (ISO 8601), fixed at login.
SESSION_ENDS_KEY = "staff.session_ends"
# The admin page a staff account asked for before it was sent to set up TOTP.
SESSION_NEXT_KEY = "staff.next"


def is_staff_account(user) -> bool:
    """Superuser, ``is_staff`` or member of the Redaktion group (computed once per user object)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    if not hasattr(user, "_in_editors_group"):
        user._in_editors_group = user.groups.filter(name=EDITORS_GROUP).exists()
    return user._in_editors_group


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def pin_session_expiry(session) -> None:
    """Give a staff session its fixed end (now + STAFF_SESSION_AGE, once) and keep it there.

    allauth's login form sets its own expiry after the login signal ("remember me": the cookie
    age or the browser session); the middleware puts the fixed end back on the next request.
    """
    ends = session.get(SESSION_ENDS_KEY)
    if ends is None:
        ends = (timezone.now() + timedelta(seconds=settings.STAFF_SESSION_AGE)).isoformat()
        session[SESSION_ENDS_KEY] = ends
    if session.get("_session_expiry") != ends:
        session.set_expiry(datetime.fromisoformat(ends))


@receiver(user_logged_in, dispatch_uid="smartregion.core.staff.pin_session_expiry")
def _staff_login(sender, request, user, **kwargs) -> None:
    if is_staff_account(user):
        pin_session_expiry(request.session)


def continue_url(request: HttpRequest) -> str:
    """Where „Weiter zur Redaktion“ leads: the admin page asked for, else the admin index."""
    admin_index = reverse("admin:index")
    wanted = request.session.get(SESSION_NEXT_KEY, "")
    # Only ever set by the middleware from an admin path; checked again all the same.
    return wanted if wanted.startswith(admin_index) else admin_index


class StaffAccountMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware: staff sessions get their fixed end,
    and staff accounts without TOTP are sent from the admin to set it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            in_admin = self._needs_totp(request.path)
            # The group query only where it decides something: on admin pages. Elsewhere a
            # Redaktion member's session is known by the end fixed at login.
            if user.is_staff or user.is_superuser or (in_admin and is_staff_account(user)):
                pin_session_expiry(request.session)
                if in_admin and not has_totp(user):
                    return self._to_activation(request)
            elif SESSION_ENDS_KEY in request.session:
                pin_session_expiry(request.session)
        return self.get_response(request)

    @staticmethod
    def _needs_totp(path: str) -> bool:
        if not path.startswith(reverse("admin:index")):
            return False
        return path not in (reverse("admin:login"), reverse("admin:logout"))

    @staticmethod
    def _to_activation(request: HttpRequest) -> HttpResponse:
        next_url = request.get_full_path()
        request.session[SESSION_NEXT_KEY] = next_url
        messages.warning(
            request,
            _(
                "Für die Redaktion ist die Anmeldung in zwei Schritten Pflicht: Richten Sie "
                "bitte eine Authenticator-App ein, bevor Sie den Verwaltungsbereich nutzen."
            ),
        )
        return HttpResponseRedirect(
            reverse("mfa_activate_totp") + "?" + urlencode({"next": next_url})
        )
