"""Members: /mitglieder/ (public), /mein-bereich/ (logged in) and /siegel/ (verification).

Included at the site root, before the catch-all page pattern, so that one namespace serves
all three prefixes.
"""

from django.urls import path, register_converter

from members import views


class SealCodeConverter:
    """A seal code: URL-safe base64 only, so no other input ever reaches the database."""

    regex = r"[A-Za-z0-9_-]{16,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SealCodeConverter, "sealcode")

app_name = "members"
urlpatterns = [
    path("mitglieder/", views.directory, name="directory"),
    path("mitglieder/botschafter/", views.ambassadors, name="ambassadors"),
    path("mitglieder/bewerben/", views.apply, name="apply"),
    path("mitglieder/<slug:slug>/", views.profile, name="profile"),
    path("mein-bereich/", views.area, name="area"),
    path("mein-bereich/daten/", views.data, name="data"),
    path("mein-bereich/daten/meine-daten.json", views.data_json, name="data_json"),
    path("mein-bereich/konto-loeschen/", views.delete_account, name="delete_account"),
    path("mein-bereich/antraege/<int:pk>/", views.application, name="application"),
    path("mein-bereich/antraege/<int:pk>/logo/", views.application_logo, name="application_logo"),
    path("mein-bereich/einladung/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("mein-bereich/verlaengern/<int:pk>/", views.renew, name="renew"),
    path("mein-bereich/siegel/<int:pk>/siegel-<str:variant>.svg", views.seal_svg, name="seal_svg"),
    path(
        "mein-bereich/siegel/<int:pk>/siegel-<str:variant>-<int:size>.png",
        views.seal_png,
        name="seal_png",
    ),
    path("mein-bereich/siegel/<int:pk>/urkunde.pdf", views.seal_pdf, name="seal_pdf"),
    path("mein-bereich/organisation/<slug:slug>/profil/", views.profile_edit, name="profile_edit"),
    path("mein-bereich/organisation/<slug:slug>/einladen/", views.invite, name="invite"),
    path("siegel/<sealcode:code>/", views.verify, name="verify"),
    path("siegel/<sealcode:code>/siegel-<str:variant>.svg", views.seal_image, name="seal_image"),
]
