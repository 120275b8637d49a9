from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartregion.core.i18n import alternates

# Main navigation: (label, URL name, URL kwargs).
MAIN_NAV = [
    (_("Start"), "home", {}),
    (_("Blog"), "blog:list", {}),
    (_("Veranstaltungen"), "events:list", {}),
    (_("Mitglieder"), "members:directory", {}),
    (_("Newsletter"), "newsletter:subscribe", {}),
    (_("Über uns"), "page", {"slug": "ueber-uns"}),
]
ACCOUNT_NAV = [
    (_("Mein Bereich"), "members:area", {}),
    (_("Meine Beiträge"), "blog:mine", {}),
    (_("Mein Konto"), "account_email", {}),
]


def _resolve(entries, path: str) -> list[dict]:
    items = []
    for label, name, kwargs in entries:
        url = reverse(name, kwargs=kwargs)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return items


def site(request):
    path = request.path
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "main_nav": _resolve(MAIN_NAV, path),
        "account_nav": _resolve(ACCOUNT_NAV, path),
        "newsletter_url": reverse("newsletter:subscribe"),
        # This page in each language: the switcher in the header and the hreflang links.
        "language_links": alternates(request),
    }
