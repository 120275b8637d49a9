"""Every page type is valid HTML: the Nu Html Checker (vnu.jar, the W3C's validator) reads what
the portal serves and finds no error and no warning, except the warnings ``KEPT_WARNINGS`` keeps
with a written reason.

The pages show the demo content (``manage.py seed_demo``, what ``make run`` shows) in every state
a visitor meets: each form also with an error, the member area, the Redaktion's previews, the
account pages, the error pages, and English beside German. The test holds its list to the URL
configuration: a page the portal adds must be checked here, or ``NOT_HTML`` says what it serves.

All pages go to one run of the checker (one Java start). Without Java the test is skipped and
says what to install; CI installs Java (.ci/run sets REQUIRE_NU_CHECKER, which turns the skip
into a failure).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from tests import nu_checker
from tests.members.helpers import verified_user
from tests.staff import login_staff

# URL names whose answer is not an HTML page, and what it is instead.
NOT_HTML = {
    "healthz": "plain text for the load balancer",
    "robots_txt": "plain text",
    "sitemap": "XML (sitemap index)",
    "sitemap_section": "XML (sitemap)",
    "blog:feed": "RSS",
    "blog:feed_atom": "Atom",
    "blog:preview_cover": "an image",
    "blog:preview_image": "an image",
    "newsletter:data_json": "JSON",
    "members:data_json": "JSON",
    "members:application_logo": "an image",
    "members:renew": "POST only, answered with a redirect to the member area",
    "members:seal_svg": "an SVG file",
    "members:seal_png": "a PNG file",
    "members:seal_pdf": "a PDF file",
    "members:seal_image": "an SVG file",
    "events:feed": "iCalendar",
    "events:ics": "iCalendar",
    "figures_json": "JSON",
    "figures_csv": "CSV",
    "mfa_download_recovery_codes": "a text file",
    "account_confirm_login_code": "login by code is switched off: redirects to the login",
}
# Warnings the portal keeps, each with its reason: (pages, warning) as patterns: reason.
KEPT_WARNINGS = {
    (r"^admin-", r"^A table row was 2 columns wide, which is less than the column count"): (
        "Django's admin navigation (admin/app_list.html): a model the Redaktion may change but "
        "not add has no add link, so its row has one cell less than the header"
    ),
}


def url_names() -> set[str]:
    """Every named URL of the site outside the admin (Django's own pages)."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def kept_warning(label: str, text: str) -> bool:
    return any(
        re.search(pages, label) and re.search(warning, text) for pages, warning in KEPT_WARNINGS
    )


class Pages:
    """The pages to check, each written to ``folder`` as it was served."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.labels: dict[Path, str] = {}
        self.names: set[str] = set()

    def keep(self, label: str, response, *, status: int = 200) -> None:
        assert response.status_code == status, (
            f"{label}: {response.status_code}, expected {status} ({response.get('Location', '')})"
        )
        assert response["Content-Type"].startswith("text/html"), (label, response["Content-Type"])
        path = (self.folder / f"{label}.html").resolve()
        assert path not in self.labels, f"two pages are called {label}"
        path.write_bytes(response.content)
        self.labels[path] = label
        if response.resolver_match is not None:
            self.names.add(response.resolver_match.view_name)
        # An /en/ page leaves English active in this thread: reverse() gives German URLs again.
        translation.activate(settings.LANGUAGE_CODE)

    def get(self, label: str, client: Client, url: str, *, status: int = 200, **extra) -> None:
        self.keep(label, client.get(url, **extra), status=status)

    def post(self, label: str, client: Client, url: str, data: dict, **extra) -> None:
        """A form sent with a mistake: the page shows it beside the field (status 200)."""
        response = client.post(url, data, **extra)
        self.keep(label, response)
        assert re.search(rb'aria-invalid="true"|class="[^"]*errorlist', response.content), (
            f"{label}: the form shows no error"
        )


@pytest.fixture
def checker():
    try:
        nu_checker.ready()
    except nu_checker.JavaMissing as missing:
        if os.environ.get("REQUIRE_NU_CHECKER"):
            pytest.fail(f"REQUIRE_NU_CHECKER is set, but {missing}")
        pytest.skip(str(missing))
    except nu_checker.Unavailable as broken:  # Java is here: the checker must run
        pytest.fail(str(broken))
    return nu_checker.check


@pytest.mark.django_db
def test_every_page_type_is_valid_html(checker, settings, tmp_path):
    settings.DEBUG = True  # the demo's accounts (member, applicant, Redaktion) come only with it
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    pages = Pages(tmp_path)
    visit_everything(pages)

    unchecked = url_names() - pages.names - NOT_HTML.keys()
    assert not unchecked, f"pages the test does not check (add them, or to NOT_HTML): {unchecked}"
    assert not pages.names & NOT_HTML.keys(), "NOT_HTML names an HTML page"

    # A page with a mistake goes along: the checker must find it, or it checked nothing.
    control = tmp_path / "control.html"
    control.write_text(
        '<!DOCTYPE html><html lang="de"><head><title>Probe</title></head><body><p>'
        '<time datetime="2026-12-03T08:53:43.669541+01:00">3. Dezember</time></p></body></html>'
    )
    found = checker([control, *sorted(pages.labels)])
    assert [m.text for m in found.pop(control.resolve())] == [
        "Bad value “2026-12-03T08:53:43.669541+01:00” for attribute “datetime” on element “time”: "
        "A fraction of a second must be one, two, or three digits."
    ]
    report = []
    for path, messages in found.items():
        kept = [
            message
            for message in messages
            if not (
                message.kind == "warning" and kept_warning(pages.labels.get(path, ""), message.text)
            )
        ]
        if kept:
            report.append(f"{pages.labels.get(path, path)}:\n    " + "\n    ".join(map(str, kept)))
    assert not report, f"the Nu Html Checker found {len(report)} invalid page(s):\n" + "\n".join(
        report
    )


def visit_everything(pages: Pages) -> None:
    from members.models import User

    anonymous = Client()
    member = Client()
    member.force_login(User.objects.get(email="mitglied@example.org"))
    applicant = Client()
    applicant.force_login(User.objects.get(email="bewerbung@example.org"))
    staff = Client()
    login_staff(staff, User.objects.get(email="redaktion@example.org"))

    site(pages, anonymous)
    blog(pages, anonymous, member, staff)
    events(pages, anonymous, member, applicant, staff)
    members(pages, anonymous, member, applicant)
    newsletter(pages, anonymous)
    accounts(pages, anonymous, member)
    admin(pages, staff)


def site(pages: Pages, anonymous: Client) -> None:
    from smartregion.core.models import EasyReadPage, Page
    from tests.blog.helpers import started_token

    pages.get("home", anonymous, "/")
    pages.get("home-en", anonymous, "/en/")
    pages.get("search", anonymous, reverse("search") + "?q=Digitalisierung")
    pages.get("search-nothing-found", anonymous, reverse("search") + "?q=Xylophonwerkstatt")
    pages.get("search-empty", anonymous, reverse("search"))
    pages.get("search-en", anonymous, "/en" + reverse("search") + "?q=digital")
    pages.get("easy-read", anonymous, reverse("easy_read"))
    easy = EasyReadPage.objects.published().first()
    pages.get("easy-read-page", anonymous, reverse("easy_read_page", args=[easy.slug]))
    pages.get("sign-language", anonymous, reverse("sign_language"))
    pages.get("figures", anonymous, reverse("figures"))
    pages.get("figures-en", anonymous, "/en" + reverse("figures"))
    page = Page.objects.order_by("slug").first()
    pages.get("page", anonymous, reverse("page", args=[page.slug]))
    pages.get("impressum", anonymous, reverse("legal:impressum"))
    pages.get("privacy", anonymous, reverse("legal:privacy"))
    pages.get("accessibility", anonymous, reverse("legal:accessibility"))
    pages.get("accessibility-en", anonymous, "/en" + reverse("legal:accessibility"))
    feedback = reverse("legal:feedback")
    pages.get("feedback", anonymous, feedback + "?seite=/blog/")
    pages.post(
        "feedback-errors",
        anonymous,
        feedback,
        {
            "message": "",
            "page_url": "/blog/",
            "name": "Anna",
            "email": "kein-at",
            "homepage": "",
            "started": started_token(),
        },
    )
    pages.get("feedback-thanks", anonymous, reverse("legal:feedback_thanks"))
    pages.get("not-found", anonymous, "/gibt-es-nicht/", status=404)
    pages.get("not-found-en", anonymous, "/en/gibt-es-nicht/", status=404)
    csrf = Client(enforce_csrf_checks=True)
    pages.keep("csrf-failure", csrf.post(feedback, {"message": "Hallo"}), status=403)
    server_error(pages)


def server_error(pages: Pages) -> None:
    from django.test import RequestFactory

    from smartregion.site.views import server_error as view

    response = view(RequestFactory().get("/blog/"))
    response.resolver_match = None
    pages.keep("server-error", response, status=500)


def blog(pages: Pages, anonymous: Client, member: Client, staff: Client) -> None:
    from blog import services
    from blog.models import Post
    from tests.blog.helpers import form_data

    post = (
        Post.objects.published()
        .exclude(cover_renditions=[])
        .filter(images__isnull=False)
        .order_by("-published_at")
        .first()
    )
    pages.get("blog-list", anonymous, reverse("blog:list"))
    pages.get("blog-list-page-2", anonymous, reverse("blog:list") + "?page=2")
    pages.get("blog-list-filtered", anonymous, reverse("blog:list") + "?thema=smart-economy&q=App")
    pages.get("blog-list-en", anonymous, "/en" + reverse("blog:list"))
    pages.get("blog-post", anonymous, post.get_absolute_url())
    pages.get("blog-post-en", anonymous, "/en" + post.get_absolute_url())
    in_sections = Post.objects.published().exclude(solution="").exclude(contact="").first()
    pages.get("blog-post-sections", anonymous, in_sections.get_absolute_url())
    pages.get("blog-post-sections-en", anonymous, "/en" + in_sections.get_absolute_url())
    with_video = Post.objects.published().exclude(video_url="").first()
    pages.get("blog-post-video", anonymous, with_video.get_absolute_url())
    report = reverse("blog:report", args=[post.slug])
    pages.get("blog-report", anonymous, report)
    pages.post("blog-report-errors", anonymous, report, {"reason": "", "email": "kein-at"})
    response = anonymous.post(report, {"reason": "Der Link führt ins Leere."}, follow=True)
    pages.keep("blog-post-with-message", response)

    submit = reverse("blog:submit")
    pages.get("blog-submit", anonymous, submit)
    wrong = {"website": "kein Link", "video_url": "auch kein Link"}
    pages.post(
        "blog-submit-errors",
        anonymous,
        submit,
        form_data(title="", author_email="kein-at", **wrong),
    )
    pages.post("blog-submit-no-story", anonymous, submit, form_data(body=""))
    pages.get("blog-submitted", anonymous, reverse("blog:submitted"))
    confirmed, rejected = Post.objects.filter(status=Post.Status.CONFIRMED).order_by("pk")
    submitted = Post.objects.get(status=Post.Status.SUBMITTED)
    pages.get("blog-confirm", anonymous, services.confirm_path(submitted))
    pages.get("blog-confirm-again", anonymous, services.confirm_path(post))
    services.post_reject(post=rejected, actor=None, reason="Bitte ergänzen Sie Zahlen.")
    revise = services.revise_path(rejected)
    pages.get("blog-revise", anonymous, revise)
    pages.post("blog-revise-errors", anonymous, revise, form_data(teaser=""))
    pages.get("blog-mine", member, reverse("blog:mine"))
    pages.get("blog-preview", staff, reverse("blog:preview", args=[confirmed.pk]))


def events(
    pages: Pages, anonymous: Client, member: Client, applicant: Client, staff: Client
) -> None:
    from django.utils import timezone

    from events import services
    from events.models import Event, Registration
    from tests.events.helpers import registration_data

    upcoming = Event.objects.published().filter(starts_at__gt=timezone.now()).order_by("starts_at")
    event = next(e for e in upcoming.exclude(image_renditions=[]) if e.registration_open)
    pages.get("events-list", anonymous, reverse("events:list"))
    pages.get("events-list-past", anonymous, reverse("events:list") + "?zeitraum=vergangen")
    pages.get("events-list-en", anonymous, "/en" + reverse("events:list"))
    pages.get("event", anonymous, event.get_absolute_url())
    pages.get("event-en", anonymous, "/en" + event.get_absolute_url())
    cancelled = Event.objects.filter(status=Event.Status.CANCELLED).first()
    pages.get("event-cancelled", anonymous, cancelled.get_absolute_url())
    register = reverse("events:register", args=[event.slug])
    pages.get("event-register", anonymous, register)
    pages.post("event-register-errors", anonymous, register, registration_data(email="kein-at"))
    pages.get("event-registered", anonymous, reverse("events:registered", args=[event.slug]))
    registration = Registration.objects.filter(event=event).order_by("pk").first()
    pages.get("event-registration-confirm", anonymous, services.confirm_path(registration))
    pages.get("event-registration-cancel", anonymous, services.cancel_path(registration))
    pages.get("events-mine", member, reverse("events:mine"))
    pages.get("event-propose-not-allowed", applicant, reverse("events:propose"), status=403)
    propose = reverse("events:propose")
    pages.get("event-propose", member, propose)
    pages.post(
        "event-propose-errors",
        member,
        propose,
        {"title": "", "format": "online", "online_url": "kein Link"},
    )
    proposed = Event.objects.waiting().first()
    pages.get("event-preview", staff, proposed.get_absolute_url())


def members(pages: Pages, anonymous: Client, member: Client, applicant: Client) -> None:
    from members import services
    from members.models import Application, Invitation, Organisation, User
    from smartregion.core.signing import make_token
    from tests.members.helpers import application_data

    organisation = Organisation.objects.get(name="Zechenblick Software GmbH")
    pages.get("members", anonymous, reverse("members:directory"))
    pages.get("members-filtered", anonymous, reverse("members:directory") + "?ort=gelsenkirchen")
    pages.get("members-en", anonymous, "/en" + reverse("members:directory"))
    pages.get("ambassadors", anonymous, reverse("members:ambassadors"))
    pages.get("member-profile", anonymous, organisation.get_absolute_url())
    pages.get("member-profile-en", anonymous, "/en" + organisation.get_absolute_url())
    verify = reverse("members:verify", args=[organisation.membership.seal_code])
    pages.get("seal-verify", anonymous, verify)

    apply = reverse("members:apply")
    pages.get("apply-anonymous", anonymous, apply)
    newcomer = Client()
    newcomer.force_login(verified_user("neu@example.org"))
    pages.get("apply", newcomer, apply)
    pages.post("apply-errors", newcomer, apply, application_data(website="kein Link"))
    application = Application.objects.get(applicant__email="bewerbung@example.org")
    editor = User.objects.get(email="redaktion@example.org")
    services.application_start_review(application=application, actor=editor)
    services.application_ask(
        application=application, actor=editor, question="Seit wann sind Sie in der Region tätig?"
    )
    pages.get("application", applicant, reverse("members:application", args=[application.pk]))
    pages.post(
        "application-errors",
        applicant,
        reverse("members:application", args=[application.pk]),
        {"text": ""},
    )

    pages.get("member-area", member, reverse("members:area"))
    pages.get("member-area-en", member, "/en" + reverse("members:area"))
    pages.get("member-area-applicant", applicant, reverse("members:area"))
    pages.get("member-data", member, reverse("members:data"))
    delete = reverse("members:delete_account")
    pages.get("delete-account", member, delete)
    pages.post("delete-account-errors", member, delete, {"password": "falsch"})
    edit = reverse("members:profile_edit", args=[organisation.slug])
    pages.get("profile-edit", member, edit)
    pages.post("profile-edit-errors", member, edit, {"description": "", "website": "kein Link"})
    pages.get("forbidden", applicant, edit, status=403)  # not a manager of it
    invite = reverse("members:invite", args=[organisation.slug])
    pages.get("invite", member, invite)
    pages.post("invite-errors", member, invite, {"email": "kein-at"})
    invitation = Invitation.objects.create(
        organisation=organisation, email="neu@example.org", invited_by=None
    )
    accept = reverse("members:accept_invitation", args=[make_token("member-invite", invitation.pk)])
    pages.get("accept-invitation", newcomer, accept)


def newsletter(pages: Pages, anonymous: Client) -> None:
    from newsletter import links
    from newsletter.models import Campaign, Subscriber
    from tests.blog.helpers import started_token

    subscribe = reverse("newsletter:subscribe")
    pages.get("newsletter", anonymous, subscribe)
    pages.post(
        "newsletter-errors",
        anonymous,
        subscribe,
        {"email": "kein-at", "name": "Anna", "homepage": "", "started": started_token()},
    )
    pages.get("newsletter-thanks", anonymous, reverse("newsletter:thanks"))
    subscriber = Subscriber.objects.order_by("pk").first()
    pages.get("newsletter-confirm", anonymous, links.confirm_path(subscriber))
    token = links.manage_token(subscriber)
    pages.get("newsletter-unsubscribe", anonymous, reverse("newsletter:unsubscribe", args=[token]))
    pages.get("newsletter-preferences", anonymous, reverse("newsletter:preferences", args=[token]))
    pages.get("newsletter-data", anonymous, reverse("newsletter:data", args=[token]))
    pages.get("newsletter-archive", anonymous, reverse("newsletter:archive"))
    campaign = Campaign.objects.last_sent()
    pages.get(
        "newsletter-issue", anonymous, reverse("newsletter:archive_detail", args=[campaign.pk])
    )
    pages.get("newsletter-en", anonymous, "/en" + subscribe)


def accounts(pages: Pages, anonymous: Client, member: Client) -> None:
    login = reverse("account_login")
    pages.get("login", anonymous, login)
    pages.post("login-errors", Client(), login, {"login": "mitglied@example.org", "password": "x"})
    pages.get("login-en", anonymous, "/en" + login)
    signup = reverse("account_signup")
    pages.get("signup", anonymous, signup)
    pages.post("signup-errors", Client(), signup, {"email": "kein-at", "password1": "a"})
    pages.get("inactive", anonymous, reverse("account_inactive"))
    pages.get("verification-sent", anonymous, reverse("account_email_verification_sent"))
    reset = reverse("account_reset_password")
    pages.get("password-reset", anonymous, reset)
    pages.post("password-reset-errors", Client(), reset, {"email": "kein-at"})
    pages.get("password-reset-done", anonymous, reverse("account_reset_password_done"))
    pages.get(
        "password-reset-bad-key",
        anonymous,
        reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "abc-def"}),
    )
    pages.get("password-reset-key-done", anonymous, reverse("account_reset_password_from_key_done"))
    pages.get("confirm-email-bad-key", anonymous, reverse("account_confirm_email", args=["falsch"]))
    pages.get("logout", member, reverse("account_logout"))
    pages.get("email", member, reverse("account_email"))
    pages.post("email-errors", member, reverse("account_email"), {"action_add": "", "email": "x"})
    change = reverse("account_change_password")
    pages.get("password-change", member, change)
    pages.post("password-change-errors", member, change, {"oldpassword": "x", "password1": "y"})
    pages.get("reauthenticate", member, reverse("account_reauthenticate"))
    pages.get("mfa", member, reverse("mfa_index"))
    two_factor(pages)
    no_password = verified_user("ohne-passwort@example.org")
    no_password.set_unusable_password()
    no_password.save()
    client = Client()
    client.force_login(no_password)
    pages.get("password-set", client, reverse("account_set_password"))


def two_factor(pages: Pages) -> None:
    """The login's second step, TOTP set up and switched off, recovery codes: allauth asks for the
    password again before these, so the accounts log in as people do."""
    import time

    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from smartregion.site.demo.accounts import DEMO_PASSWORD
    from tests.members.helpers import password_login, reauthenticate
    from tests.staff import give_totp, totp_code

    member = Client()
    password_login(member, "mitglied@example.org", DEMO_PASSWORD)
    reauthenticate(member, DEMO_PASSWORD)
    activate = reverse("mfa_activate_totp")
    pages.get("totp-activate", member, activate)
    pages.post("totp-activate-errors", member, activate, {"code": "000000"})

    from members.models import User

    editor = User.objects.get(email="redaktion@example.org")
    secret = give_totp(editor)
    RecoveryCodes.activate(editor)
    staff = Client()
    second_step = password_login(staff, editor.email, DEMO_PASSWORD)["Location"]
    pages.get("mfa-authenticate", staff, second_step)
    pages.post("mfa-authenticate-errors", staff, second_step, {"code": "000000"})
    staff.post(second_step, {"code": totp_code(secret, time.time())})
    pages.get("mfa-reauthenticate", staff, reverse("mfa_reauthenticate"))
    reauthenticate(staff, DEMO_PASSWORD)
    pages.get("recovery-codes", staff, reverse("mfa_view_recovery_codes"))
    pages.get("recovery-codes-generate", staff, reverse("mfa_generate_recovery_codes"))
    pages.get("totp-deactivate", staff, reverse("mfa_deactivate_totp"))


def admin(pages: Pages, staff: Client) -> None:
    """The admin pages the portal adds to Django's: the start page with the moderation queues, a
    decision, a list with its filters. Django's change forms are left out: the autocomplete
    selects on them (organisation, organiser, managers) start with an empty <option>, Django's
    own markup."""
    from blog.models import Post

    confirmed = Post.objects.filter(status=Post.Status.CONFIRMED).first()
    pages.get("admin-index", staff, reverse("admin:index"))
    pages.get("admin-posts", staff, reverse("admin:blog_post_changelist"))
    decide = reverse("admin:blog_post_decide", args=[confirmed.pk, "reject"])
    pages.get("admin-post-reject", staff, decide)
    pages.post("admin-post-reject-errors", staff, decide, {"text": ""})
