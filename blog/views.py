import json
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.csp import CSP
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from blog import services
from blog.forms import PostForm, ReportForm
from blog.models import Post, PostImage
from blog.searchable import POSTS
from blog.similar import similar_posts
from smartregion.core import searchable
from smartregion.core.dates import iso8601
from smartregion.core.fragments import (
    cached,
    cached_fragment,
    clock_minute,
    content_version,
    reading_page,
)
from smartregion.core.images import refuse_images
from smartregion.core.models import taxonomy
from smartregion.core.ratelimit import Limit, allow, client_ip, hit
from smartregion.core.signing import BadToken, read_token
from smartregion.core.storage import absolute_media_url

PAGE_SIZE = 12
# Every sending of the form counts (before any image is decoded), a corrected one too.
SUBMIT_LIMIT_PER_IP = Limit(attempts=20, seconds=60 * 60)
SUBMIT_LIMIT_PER_EMAIL = Limit(attempts=10, seconds=60 * 60)
REPORT_LIMIT_PER_IP = (10, 60 * 60)


@require_safe
@reading_page("blog", "search")
def post_list(request: HttpRequest) -> HttpResponse:
    # The whole listing (filters, cards, pagination) is cached per worker under the blog's
    # content version, which database triggers raise on every write: one query on a hit.
    page = cached(
        ("blog-list", sorted(request.GET.lists()), content_version("blog"), clock_minute()),
        lambda: _render_list(request),
    )
    return render(
        request, "blog/post_list.html", {"title": page["title"], "listing": mark_safe(page["html"])}
    )


def _render_list(request: HttpRequest) -> dict:
    topics, municipalities = taxonomy()
    topic = next((t for t in topics if t.slug == request.GET.get("thema")), None)
    municipality = next((m for m in municipalities if m.slug == request.GET.get("ort")), None)
    # Published posts matching the query within the filters, best first, ranked by the search.
    found = searchable.within(
        POSTS.name,
        request.GET.get("q"),
        municipality_id=municipality.pk if municipality else None,
        topic_id=topic.pk if topic else None,
        page=request.GET.get("page"),
    )
    context = {
        "topics": topics,
        "municipalities": municipalities,
        "active_topic": topic,
        "active_municipality": municipality,
        "query": found.text if found else "",
    }
    if found is not None:
        context.update(
            {
                "page_obj": found.page_obj,
                "posts": found.objects,
                "page_range": found.page_range,
                "capped": found.capped,
                "suggestion": found.suggestion,  # nothing found: perhaps a typo
            }
        )
    else:
        posts = Post.objects.published().for_cards().order_by("-published_at", "-pk")
        if topic:
            posts = posts.filter(topics=topic)
        if municipality:
            posts = posts.filter(municipality=municipality)
        paginator = Paginator(posts, PAGE_SIZE)
        page_obj = paginator.get_page(request.GET.get("page"))
        context.update(
            {
                "page_obj": page_obj,
                "posts": page_obj.object_list,
                "page_range": paginator.get_elided_page_range(page_obj.number),
            }
        )
    title = " · ".join(
        [_("Blog „Ideenreich durch die Krise“")]
        + ([f"„{found.text[:60]}“"] if found else [])
        + ([topic.name_i18n.text] if topic else [])
        + ([municipality.name] if municipality else [])
    )
    html = render_to_string("blog/post_list.html#listing", context, request=request)
    return {"title": title, "html": html}


def _video_csp(response: HttpResponse, post: Post) -> HttpResponse:
    """Allow the privacy-enhanced player as a frame, only on pages that have a video."""
    video = post.video
    if video:
        from django.conf import settings

        config = dict(settings.SECURE_CSP)
        host = (
            "https://www.youtube-nocookie.com"
            if video.provider == "youtube"
            else "https://player.vimeo.com"
        )
        config["frame-src"] = [CSP.SELF, host]
        response._csp_config = config
    return response


def _detail_context(post: Post) -> dict:
    return {
        "post": post,
        "organisation_url": _organisation_url(post),
        # Lazy: evaluated only when the cached article fragment is (re)rendered.
        "topics": post.topics.all(),
        "gallery": post.images.all(),
        # „Ähnliche Beispiele“: one query, run only when the cached fragment is (re)rendered.
        "related_posts": SimpleLazyObject(partial(similar_posts, post)),
        # Escaped like json_script: a "</script>" in a title must not end the element.
        "json_ld": json.dumps(_json_ld(post), ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES),
        "og_image": _og_image(post),
    }


def _organisation_url(post: Post) -> str | None:
    """The member profile of the post's organisation, while its membership is valid."""
    organisation = post.organisation
    membership = getattr(organisation, "membership", None) if organisation else None
    return organisation.get_absolute_url() if membership and membership.is_valid else None


_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _og_image(post: Post) -> str | None:
    """Absolute URL of the largest JPEG/PNG cover rendition (WebP is not shown everywhere)."""
    fallbacks = [r for r in post.cover_renditions if r["format"] != "webp"]
    if not fallbacks:
        return None
    return absolute_media_url(max(fallbacks, key=lambda r: r["width"])["path"])


def _json_ld(post: Post) -> dict:
    from django.conf import settings

    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title_i18n.text,
        "description": post.teaser_i18n.text,
        "url": settings.SITE_URL + post.get_absolute_url(),
        "datePublished": iso8601(post.published_at),
        "dateModified": iso8601(post.updated_at),
        "author": {"@type": "Organization", "name": post.organisation_name},
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "inLanguage": "de",
    }
    if post.cover_renditions:
        largest = max(post.cover_renditions, key=lambda r: r["width"])
        data["image"] = absolute_media_url(largest["path"])
    return data


@require_safe
@reading_page("blog")
def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(
        Post.objects.published().select_related("municipality", "organisation__membership"),
        slug=slug,
    )
    context = _detail_context(post)
    # The article and its related posts, cached under the blog's content version.
    key = ("blog-post", post.pk, content_version("blog"), clock_minute())
    for part in ("article", "related"):
        context[part] = cached_fragment(
            (*key, part),
            lambda part=part: render_to_string(
                f"blog/post_detail.html#{part}", context, request=request
            ),
        )
    response = render(request, "blog/post_detail.html", context)
    return _video_csp(response, post)


@permission_required("blog.change_post")
@require_GET
def post_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The post exactly as it will look, for the Redaktion, whatever its state."""
    post = get_object_or_404(
        Post.objects.select_related("municipality", "organisation__membership"), pk=pk
    )
    context = _detail_context(post) | {"preview": True}
    for part in ("article", "related"):
        context[part] = render_to_string(f"blog/post_detail.html#{part}", context, request=request)
    response = render(request, "blog/post_detail.html", context)
    response.headers["X-Robots-Tag"] = "noindex"
    return _video_csp(response, post)


@permission_required("blog.change_post")
@require_GET
def preview_image(request: HttpRequest, pk: int, image_id: int = 0) -> FileResponse:
    """Private originals for the preview; never reachable without the permission."""
    post = get_object_or_404(Post, pk=pk)
    if image_id:
        field = get_object_or_404(PostImage, post=post, pk=image_id).original
    else:
        field = post.cover_original
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _initial_for(request: HttpRequest) -> dict:
    if request.user.is_authenticated:
        return {"author_name": request.user.get_full_name(), "author_email": request.user.email}
    return {}


@require_http_methods(["GET", "POST"])
def post_submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES, visitor=client_ip(request))
        if form.is_spam():
            # Looks like success to a bot; nothing is kept.
            return redirect("blog:submitted")
        if _within_limits(request, form) and form.is_valid():
            post = services.post_submit(
                data=form.cleaned_data,
                cover=form.cleaned_data["cover"].verified,
                gallery=[(f.verified, alt) for f, alt in form.gallery()],
                user=request.user,
            )
            request.session["blog_submitted"] = post.status
            return redirect("blog:submitted")
    else:
        form = PostForm(initial=_initial_for(request))
    return render(request, "blog/post_form.html", {"form": form})


def _within_limits(request: HttpRequest, form: PostForm) -> bool:
    """Count this sending of the form, before anything in it is decoded: per address and per
    e-mail address as typed. Beyond a limit the form is turned down without decoding images."""
    email = request.POST.get("author_email", "").strip()
    ok = allow(
        request,
        "blog-submit",
        per_ip=SUBMIT_LIMIT_PER_IP,
        email=email or None,
        per_email=SUBMIT_LIMIT_PER_EMAIL,
    )
    if not ok:
        refuse_images(
            form,
            _(
                "Sie haben in kurzer Zeit sehr viele Beiträge eingereicht. Bitte versuchen Sie es in einer Stunde noch einmal."
            ),
        )
    return ok


@require_GET
def post_submitted(request: HttpRequest) -> HttpResponse:
    status = request.session.pop("blog_submitted", None) if request.session.session_key else None
    return render(
        request, "blog/post_submitted.html", {"confirmed": status == Post.Status.CONFIRMED}
    )


@require_GET
def post_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        public_id = read_token("blog-confirm", token, max_age=services.confirm_max_age())
    except BadToken:
        return render(request, "blog/post_confirm.html", {"state": "invalid"}, status=400)
    post = Post.objects.filter(public_id=public_id).first()
    if post is None:
        return render(request, "blog/post_confirm.html", {"state": "invalid"}, status=404)
    confirmed = services.post_confirm(post=post)
    return render(
        request,
        "blog/post_confirm.html",
        {"state": "confirmed" if confirmed else "already", "post": post},
    )


@require_http_methods(["GET", "POST"])
def post_revise(request: HttpRequest, token: str) -> HttpResponse:
    try:
        public_id = read_token("blog-revise", token, max_age=services.REVISE_MAX_AGE)
    except BadToken:
        return render(request, "blog/post_confirm.html", {"state": "invalid"}, status=400)
    post = get_object_or_404(Post, public_id=public_id)
    if post.status != Post.Status.REJECTED:
        return render(
            request, "blog/post_confirm.html", {"state": "not-revisable", "post": post}, status=409
        )
    if request.method == "POST":
        form = PostForm(
            request.POST, request.FILES, require_cover=False, visitor=client_ip(request)
        )
        if form.is_spam():
            return redirect("blog:submitted")
        if _within_limits(request, form) and form.is_valid():
            cover = form.cleaned_data.get("cover")
            revised = services.post_revise(
                post=post,
                data=form.cleaned_data,
                cover=cover.verified if cover else None,
                gallery=[(f.verified, alt) for f, alt in form.gallery()],
            )
            if not revised:  # sent twice at once: the other request took it into the queue
                return render(request, "blog/post_confirm.html", {"state": "revised", "post": post})
            request.session["blog_submitted"] = Post.Status.CONFIRMED
            return redirect("blog:submitted")
    else:
        form = PostForm(initial=PostForm.initial_from_post(post), require_cover=False)
    return render(request, "blog/post_form.html", {"form": form, "revising": post})


@require_http_methods(["GET", "POST"])
def post_report(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(Post.objects.published(), slug=slug)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if hit(
            "blog-report-ip",
            client_ip(request),
            limit=REPORT_LIMIT_PER_IP[0],
            period_seconds=REPORT_LIMIT_PER_IP[1],
        ):
            services.report_create(post=post, **form.cleaned_data)
            messages.success(
                request, _("Danke für Ihren Hinweis. Die Redaktion sieht sich den Beitrag an.")
            )
            return redirect(post)
        form.add_error(
            None, _("Zu viele Meldungen in kurzer Zeit. Bitte versuchen Sie es später noch einmal.")
        )
    return render(request, "blog/post_report.html", {"form": form, "post": post})


@login_required
@require_GET
def my_posts(request: HttpRequest) -> HttpResponse:
    posts = (
        Post.objects.filter(submitted_by=request.user)
        .select_related("municipality")
        .order_by("-created_at")
    )
    return render(request, "blog/my_posts.html", {"posts": posts})
