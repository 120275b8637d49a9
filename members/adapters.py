from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from smartregion.core.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """allauth in the portal's voice: absolute links built from SITE_URL."""

    def build_absolute_uri(self, request, location, protocol=None):
        if request is None:
            return settings.SITE_URL + location
        return super().build_absolute_uri(request, location, protocol)

    def get_client_ip(self, request):
        # The portal's one reading of TRUSTED_PROXY_COUNT, so allauth's limits are per visitor.
        # (allauth's own ALLAUTH_TRUSTED_PROXY_COUNT raises on a short header: a 500.)
        return client_ip(request)
