"""Events: /veranstaltungen/ (public) and /mein-bereich/veranstaltungen/ (members).

Included at the site root, before the catch-all page pattern, like members.urls.
"""

from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("veranstaltungen/", views.event_list, name="list"),
    path("veranstaltungen/kalender.ics", views.calendar_feed, name="feed"),
    path("veranstaltungen/anmeldung/<str:token>/bestaetigen/", views.confirm, name="confirm"),
    path("veranstaltungen/anmeldung/<str:token>/abmelden/", views.cancel, name="cancel"),
    path("veranstaltungen/<slug:slug>/", views.event_detail, name="detail"),
    path("veranstaltungen/<slug:slug>/kalender.ics", views.event_ics, name="ics"),
    path("veranstaltungen/<slug:slug>/anmelden/", views.register, name="register"),
    path("veranstaltungen/<slug:slug>/anmelden/danke/", views.registered, name="registered"),
    path("mein-bereich/veranstaltungen/", views.my_events, name="mine"),
    path("mein-bereich/veranstaltungen/vorschlagen/", views.propose, name="propose"),
]
