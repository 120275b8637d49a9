from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """allauth in the portal's voice: absolute links built from SITE_URL."""

    def build_absolute_uri(self, request, location, protocol=None):
        if request is None:
            return settings.SITE_URL + location
        return super().build_absolute_uri(request, location, protocol)
