from django.urls import path

from newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("danke/", views.thanks, name="thanks"),
    path("bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("einstellungen/<str:token>/", views.preferences, name="preferences"),
    path("meine-daten/<str:token>/", views.data, name="data"),
    path("meine-daten/<str:token>/meine-daten.json", views.data_json, name="data_json"),
    path("archiv/", views.archive, name="archive"),
    path("archiv/<int:pk>/", views.archive_detail, name="archive_detail"),
]
