"""The project's URLs behind a bare view that measures the framework's floor."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from smartregion.site import urls as project_urls

FLOOR_PATH = "/bench/floor/"


def floor(request: HttpRequest) -> HttpResponse:
    """A short response through the whole middleware stack: no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor, name="bench_floor")]
urlpatterns += project_urls.urlpatterns
handler500 = project_urls.handler500
