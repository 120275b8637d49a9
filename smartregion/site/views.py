from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from smartregion.core.models import Page
from smartregion.site.homepage import home_sections


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "smartregion/home.html", home_sections())


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Page, slug=slug)
    return render(request, "smartregion/page.html", {"page": obj})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /konto/",
        "Disallow: /mein-bereich/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """A standalone 500 page: no context processors, no database."""
    return HttpResponse(render_to_string("500.html"), status=500)
