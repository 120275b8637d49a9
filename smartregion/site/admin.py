"""The admin's branding: the Redaktion's view of the whole site."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("SMART REGION Emscher-Lippe · Redaktion")
admin.site.site_title = _("SMART REGION Redaktion")
admin.site.index_title = _("Redaktion")
