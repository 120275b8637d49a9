"""Reading pages that break the rule "the same for every anonymous visitor", for the tests of
smartregion.core.fragments: the machinery must notice and never share them."""

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from smartregion.core.fragments import reading_page

renderings = []


@reading_page("blog")
def with_csrf_token(request):
    renderings.append("csrf")
    return HttpResponse(
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
    )


@reading_page("blog")
def with_cookie(request):
    renderings.append("cookie")
    response = HttpResponse("Hallo")
    response.set_cookie("besucht", "ja")
    return response


@reading_page("blog")
def with_message(request):
    renderings.append("message")
    messages.info(request, "Nur für Sie")
    return HttpResponse("Hallo")


@reading_page("blog")
def plain(request):
    renderings.append("plain")
    return HttpResponse(f"Seite {len(renderings)}")


urlpatterns = [
    path("csrf/", with_csrf_token),
    path("cookie/", with_cookie),
    path("message/", with_message),
    path("plain/", plain),
]
