from django.urls import path

from blog import feeds, views
from smartregion.core.fragments import reading_page

app_name = "blog"
urlpatterns = [
    path("", views.post_list, name="list"),
    path("feed/", reading_page("blog")(feeds.LatestPostsFeed()), name="feed"),
    path("feed/atom/", reading_page("blog")(feeds.LatestPostsAtomFeed()), name="feed_atom"),
    path("einreichen/", views.post_submit, name="submit"),
    path("einreichen/danke/", views.post_submitted, name="submitted"),
    path("bestaetigen/<str:token>/", views.post_confirm, name="confirm"),
    path("ueberarbeiten/<str:token>/", views.post_revise, name="revise"),
    path("meine-beitraege/", views.my_posts, name="mine"),
    path("vorschau/<int:pk>/", views.post_preview, name="preview"),
    path("vorschau/<int:pk>/titelbild/", views.preview_image, name="preview_cover"),
    path("vorschau/<int:pk>/bild/<int:image_id>/", views.preview_image, name="preview_image"),
    path("<slug:slug>/", views.post_detail, name="detail"),
    path("<slug:slug>/melden/", views.post_report, name="report"),
]
