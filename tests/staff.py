"""Staff logins for tests: staff accounts open the admin only with a TOTP authenticator
(smartregion/core/staff.py), so a test's staff user gets one, through allauth's own API."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt


def give_totp(user) -> str:
    """Activate a TOTP authenticator for ``user`` (once) and return its secret."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator:
        return decrypt(authenticator.data["secret"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, at: float) -> str:
    """The code an authenticator app shows at time ``at`` (seconds since the epoch)."""
    from allauth.mfa import app_settings

    return format_hotp_value(hotp_value(secret, int(at) // app_settings.TOTP_PERIOD))


def login_staff(client, user):
    """Log a staff user in as after a complete two-step login: TOTP set up, session open."""
    give_totp(user)
    client.force_login(user)
    return user
