from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The composition of the site: home page, pages, sitemaps, healthz, housekeeping and demo
    seeding. It may import every app; no app imports it."""

    name = "smartregion.site"
    label = "site"
    verbose_name = _("Website-Zusammenstellung")
