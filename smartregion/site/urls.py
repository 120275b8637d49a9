from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from smartregion.core.fragments import reading_page
from smartregion.search import views as search_views
from smartregion.site import views
from smartregion.site.sitemaps import sitemaps

# The admin logs in through allauth's login: the same rate limits, MFA and email verification.
admin.site.login = secure_admin_login(admin.site.login)

SITEMAP_AREAS = ("blog", "events", "members", "newsletter", "site")

# Outside the language prefix: machines' URLs and the staff's admin (German only).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # The sitemap index lists each section's pages (sitemap-blog.xml, sitemap-blog.xml?p=2, ...).
    path(
        "sitemap.xml",
        reading_page(*SITEMAP_AREAS)(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        reading_page(*SITEMAP_AREAS)(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:  # in production nginx serves /media/ (from MEDIA_ROOT or the media bucket)
    urlpatterns += [path("media/<path:path>", views.media_file)]

# The pages people read, in German at the URLs they always had and in English under /en/
# (LocaleMiddleware takes the language from the prefix alone: no cookie, no Accept-Language).
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("konto/", include("allauth.urls")),
    path("blog/", include("blog.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("members.urls")),  # /mitglieder/, /mein-bereich/, /siegel/
    path("", include("events.urls")),  # /veranstaltungen/, /mein-bereich/veranstaltungen/
    path("suche/", search_views.results, name="search"),
    path("leichte-sprache/", views.easy_read_list, name="easy_read"),
    path("leichte-sprache/<slug:slug>/", views.easy_read_page, name="easy_read_page"),
    path("gebaerdensprache/", views.sign_language, name="sign_language"),
    path("zahlen/", views.figures, name="figures"),
    path("zahlen/zahlen.json", views.figures_json, name="figures_json"),
    path("zahlen/<slug:dataset>.csv", views.figures_csv, name="figures_csv"),
    # Impressum, Datenschutz, Barrierefreiheit and its feedback form (legal:*).
    path("", include("smartregion.site.legal")),
    # Staff-editable pages (/ueber-uns/, ...) come last: they take any remaining slug.
    path("<slug:slug>/", views.page, name="page"),
    prefix_default_language=False,
)

handler500 = "smartregion.site.views.server_error"
