"""„Sie“, never „du“: the German catalogues in effect, every account page of allauth the site
exposes, every mail the site sends and every public page with the demo content.

allauth's German catalogue says „du“; locale/de/LC_MESSAGES/django.po overrides those entries.
An upgrade of allauth that brings a new „du“ fails here, naming the text.
"""

from __future__ import annotations

import io
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.core import context as allauth_context
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from smartregion.core.mail import render_mail
from tests.members.helpers import password_login, reauthenticate, verified_user
from tests.staff import give_totp, totp_code

PASSWORD = "Sehr-sicheres-Passwort-42"


# „du“-forms: the pronouns in any case, the verb forms that only „du“ takes, and the
# imperatives allauth's German uses. „Klick“, „Folge“ and „Versuche“ are nouns too: only their
# lower-case imperative counts.
DU_FORM = re.compile(
    r"\b(?:du|dich|dir|dein|deine[mnrs]?|euch|euer|eure[mnrs]?"
    r"|bist|hast|kannst|musst|willst|möchtest|solltest|sollst|darfst|wirst|erhältst|siehst"
    r"|gib|klicke|gehe|geh|prüfe|überprüfe|bestätige|wähle|kontaktiere|rufe|lass)\b"
    r"|\b(?-i:klick|folge|versuche)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n+")
URL = re.compile(r"\S+://\S+")  # links in mails: their slugs are no address („per-klick“)


def du_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that address the reader with „du“."""
    return [
        " ".join(sentence.split())
        for sentence in SENTENCE_END.split(text)
        if DU_FORM.search(URL.sub(" ", sentence))
    ]


class VisibleText(HTMLParser):
    """What a person reads or hears of a page: the text, JSON data in scripts too (allauth's
    confirm dialogs take their text from there; not code, not JSON-LD), and the attributes shown
    or read out."""

    ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "aria-description")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.parts += [attributes[name] for name in self.ATTRIBUTES if attributes.get(name)]
        if tag == "input" and attributes.get("type") in {"submit", "button", "reset"}:
            self.parts.append(attributes.get("value") or "")
        if tag == "meta" and attributes.get("name") == "description":
            self.parts.append(attributes.get("content") or "")
        self._hidden = tag == "style" or (
            tag == "script" and attributes.get("type") != "application/json"
        )

    def handle_endtag(self, tag):
        self._hidden = False

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def offences(texts: dict[str, str]) -> list[str]:
    """``where: „sentence“`` for every du-sentence in ``texts`` (where → text)."""
    return [
        f"{where}: „{sentence}“" for where, text in texts.items() for sentence in du_sentences(text)
    ]


def assert_sie(texts: dict[str, str]) -> None:
    found = offences(texts)
    assert not found, "„du“ instead of „Sie“:\n" + "\n".join(found)


def test_the_scan_finds_du_forms_and_leaves_sie_and_nouns_alone():
    assert du_sentences("Gut. Bitte gib dein aktuelles Passwort ein.") == [
        "Bitte gib dein aktuelles Passwort ein."
    ]
    assert du_sentences("Bitte folge dem Link.\nDu hast dich abgemeldet.") == [
        "Bitte folge dem Link.",
        "Du hast dich abgemeldet.",
    ]
    assert du_sentences("Bitte klick auf den Link. Wähle einen anderen Namen.") == [
        "Bitte klick auf den Link.",
        "Wähle einen anderen Namen.",
    ]
    sie = (
        "Bitte geben Sie Ihr Passwort ein. Abbestellen mit einem Klick. Das hätte zur Folge, "
        "dass Sie dafür Dienste nutzen. Wir zählen die Versuche. Ich habe meine Codes "
        "gespeichert. Duisburg, Dirk."
    )
    assert du_sentences(sie) == []
    text = visible_text(
        '<p title="Gib acht">Hallo</p><style>.du{}</style><input type="submit" value="Sende">'
        '<script type="application/json">{"confirm": "Möchtest du wirklich?"}</script>'
    )
    assert du_sentences(text) == ["Gib acht", '"Möchtest du wirklich?"}']


def test_the_german_catalogues_in_effect_say_sie():
    """Every German entry that Django would use (the apps' catalogues, allauth's included, merged
    with the project's locale/de, which wins): none says „du“. A new one after an upgrade of a
    package fails here with its msgid; its „Sie“ version goes into locale/de."""
    catalog = trans_real.translation("de")._catalog
    entries = {key: catalog[key] for key in set(catalog.keys())}
    assert len(entries) > 1000, "the German catalogues are missing (run make translations)"
    assert entries["Please type your current password."] == (
        "Bitte geben Sie Ihr aktuelles Passwort ein."
    ), "locale/de/LC_MESSAGES/django.mo is missing or stale (run make translations)"
    assert_sie({f"msgid {key!r}": value for key, value in entries.items()})


# Account pages -----------------------------------------------------------------------------------


def page_texts(pages: dict[str, object]) -> dict[str, str]:
    """where → visible text of each response, which must be a page that rendered."""
    texts = {}
    for where, response in pages.items():
        assert response.status_code == 200, f"{where}: {response.status_code}"
        texts[where] = visible_text(response.content.decode())
    return texts


@pytest.mark.django_db
def test_allauth_pages_for_visitors_say_sie(client):
    """Login, signup, password reset (request, sent, link, new password, done, used link),
    address confirmation (link, used link, sent), inactive account, each with its errors."""
    user = verified_user("anna@example.org", password=PASSWORD)
    unverified = verified_user("bert@example.org", password=PASSWORD)
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    pages = {
        "login": client.get(reverse("account_login")),
        "login, wrong password": client.post(
            reverse("account_login"), {"login": "anna@example.org", "password": "falsch"}
        ),
        "signup": client.get(reverse("account_signup")),
        "signup, passwords differ": client.post(
            reverse("account_signup"),
            {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
        ),
        "signup, address taken": client.post(
            reverse("account_signup"),
            {"email": "anna@example.org", "password1": PASSWORD, "password2": PASSWORD},
            follow=True,
        ),
        "login, address not confirmed": password_login(
            client, "bert@example.org", PASSWORD, follow=True
        ),
        "password reset": client.get(reverse("account_reset_password")),
        "password reset, sent": client.post(
            reverse("account_reset_password"), {"email": "anna@example.org"}, follow=True
        ),
        "account inactive": client.get(reverse("account_inactive")),
    }
    key_url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    pages["password reset, new password"] = client.get(key_url, follow=True)
    new_password_url = pages["password reset, new password"].redirect_chain[-1][0]
    pages["password reset, passwords differ"] = client.post(
        new_password_url, {"password1": PASSWORD + "1", "password2": PASSWORD + "2"}
    )
    pages["password reset, done"] = client.post(
        new_password_url, {"password1": PASSWORD + "1", "password2": PASSWORD + "1"}, follow=True
    )
    pages["password reset, used link"] = client.get(key_url, follow=True)

    confirmation = EmailConfirmationHMAC(EmailAddress.objects.get(user=unverified))
    confirm_url = reverse("account_confirm_email", kwargs={"key": confirmation.key})
    pages["confirm address"] = client.get(confirm_url)
    pages["confirm address, invalid link"] = client.get(
        reverse("account_confirm_email", kwargs={"key": "abgelaufen"})
    )
    pages["confirmation sent"] = client.get(reverse("account_email_verification_sent"))
    assert_sie(page_texts(pages))


@pytest.mark.django_db
def test_allauth_pages_for_members_say_sie(client):
    """Logout, password change and set, email addresses with their messages, reauthentication,
    two-factor authentication: overview, activating TOTP, recovery codes, deactivating."""
    verified_user("anna@example.org", password=PASSWORD)
    assert password_login(client, "anna@example.org", PASSWORD, follow=True).status_code == 200
    pages = {
        "reauthenticate": client.get(reverse("account_reauthenticate")),
        "reauthenticate, wrong password": client.post(
            reverse("account_reauthenticate"), {"password": "falsch"}
        ),
    }
    reauthenticate(client, PASSWORD)
    pages |= {
        # TOTP first: with an unconfirmed address (added below) allauth refuses to activate it.
        "two-factor authentication": client.get(reverse("mfa_index")),
        "activate TOTP": client.get(reverse("mfa_activate_totp")),
        "activate TOTP, wrong code": client.post(reverse("mfa_activate_totp"), {"code": "000000"}),
        "password change": client.get(reverse("account_change_password")),
        "password change, wrong current password": client.post(
            reverse("account_change_password"),
            {"oldpassword": "falsch", "password1": PASSWORD + "1", "password2": PASSWORD + "1"},
        ),
        "email addresses": client.get(reverse("account_email")),
        "email addresses, added": client.post(
            reverse("account_email"),
            {"action_add": "", "email": "zweite@example.org"},
            follow=True,
        ),
        "email addresses, primary not removable": client.post(
            reverse("account_email"),
            {"action_remove": "", "email": "anna@example.org"},
            follow=True,
        ),
        "logout": client.get(reverse("account_logout")),
        "logged out": client.post(reverse("account_logout"), follow=True),
    }
    assert_sie(page_texts(pages))


@pytest.mark.django_db
def test_allauth_pages_with_two_factor_authentication_say_sie(client, django_user_model):
    """The second login step, recovery codes (view, download, regenerate), reauthentication
    with a code, deactivating TOTP, and setting a password on an account without one."""
    user = verified_user("anna@example.org", password=PASSWORD)
    secret = give_totp(user)
    RecoveryCodes.activate(user)
    pages = {
        "login, second step": password_login(client, "anna@example.org", PASSWORD, follow=True)
    }
    pages["login, second step, wrong code"] = client.post(
        reverse("mfa_authenticate"), {"code": "000000"}
    )
    pages["logged in with code"] = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(secret, time.time())}, follow=True
    )
    pages["reauthenticate with code"] = client.get(reverse("mfa_reauthenticate"))
    reauthenticate(client, PASSWORD)
    pages |= {
        "two-factor authentication": client.get(reverse("mfa_index")),
        "recovery codes": client.get(reverse("mfa_view_recovery_codes")),
        "generate recovery codes": client.get(reverse("mfa_generate_recovery_codes")),
        "deactivate TOTP": client.get(reverse("mfa_deactivate_totp")),
    }
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == 200
    texts = page_texts(pages) | {"recovery codes download": download.content.decode()}

    no_password = verified_user("bert@example.org")
    no_password.set_unusable_password()
    no_password.save()
    client.force_login(no_password)
    texts |= page_texts({"password set": client.get(reverse("account_set_password"))})
    assert_sie(texts)


# Mails -------------------------------------------------------------------------------------------

ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"


def allauth_mails() -> list[str]:
    """Every mail of allauth's account and MFA apps (the ones the site has): template prefixes
    such as account/email/password_changed, found in allauth itself, so new ones are scanned."""
    return sorted(
        str(path.relative_to(ALLAUTH_TEMPLATES)).removesuffix("_subject.txt")
        for app in ("account", "mfa")
        for path in (ALLAUTH_TEMPLATES / app / "email").glob("*_subject.txt")
    )


def send_allauth_mail(
    prefix: str, user, capture_on_commit, *, host: str = "testserver"
) -> mail.EmailMessage:
    """Send allauth's mail ``prefix`` to ``user`` as allauth does (through the site's adapter,
    delivered after the commit), with every value one of allauth's mails uses, and return it
    from the outbox. ``capture_on_commit``: pytest-django's django_capture_on_commit_callbacks."""
    request = RequestFactory().get("/", HTTP_HOST=host, HTTP_USER_AGENT="Firefox")
    url = f"{settings.SITE_URL}/konto/"
    values = {
        "user": user,
        "user_display": user.email,
        "username": user.email,
        "activate_url": url + "confirm-email/schluessel/",
        "password_reset_url": url + "password/reset/key/1-schluessel/",
        "signup_url": url + "signup/",
        "key": "schluessel",
        "code": "ABCDEF",
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
        "timestamp": timezone.now(),
        "from_email": "alt@example.org",
        "to_email": user.email,
        "deleted_email": "alt@example.org",
    }
    mail.outbox.clear()
    with allauth_context.request_context(request), capture_on_commit(execute=True):
        get_adapter(request).send_mail(prefix, user.email, values)
    [message] = mail.outbox
    return message


def mail_texts(where: str, message) -> dict[str, str]:
    (html, _mimetype) = message.alternatives[0]
    return {
        f"{where} (subject)": message.subject,
        f"{where} (text)": message.body,
        f"{where} (HTML)": visible_text(html),
    }


@pytest.mark.django_db
def test_allauth_mails_say_sie(django_capture_on_commit_callbacks):
    user = verified_user("anna@example.org")
    prefixes = allauth_mails()
    assert "account/email/password_changed" in prefixes and "mfa/email/totp_activated" in prefixes
    texts = {}
    for prefix in prefixes:
        message = send_allauth_mail(prefix, user, django_capture_on_commit_callbacks)
        texts |= mail_texts(prefix, message)
    assert_sie(texts)


def project_mails() -> list[str]:
    """The site's own mail templates: every ``<name>_subject.txt`` with ``<name>.txt`` beside it
    in the project's template folders (allauth's, ``*_message.txt``, are covered above)."""
    folders = [Path(folder) for folder in engines["django"].template_dirs]
    names = set()
    for folder in folders:
        if not folder.is_relative_to(settings.BASE_DIR) or ".venv" in folder.parts:
            continue
        for subject in folder.glob("**/*_subject.txt"):
            name = str(subject.relative_to(folder)).removesuffix("_subject.txt")
            if (folder / f"{name}.txt").exists():
                names.add(name)
    return sorted(names)


class Example:
    """Any object a mail template asks for: every attribute, item and call gives another one,
    shown as "1", which fits the URL patterns of the mails' links (pk, slug, token). The
    templates' own words are what is scanned, in two renderings: with every ``{% if %}`` true
    and every list of one, then with every ``{% if %}`` false and every list empty."""

    def __init__(self, truthy: bool = True):
        self.truthy = truthy

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Example(self.truthy)

    def __getitem__(self, key):
        return Example(self.truthy)

    def __call__(self, *args, **kwargs):
        return Example(self.truthy)

    def __iter__(self):
        return iter([Example(self.truthy)] if self.truthy else [])

    def __bool__(self):
        return self.truthy

    def __str__(self):
        return "1"

    def __index__(self):  # for date formats and numbers
        return 1


TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
# Names a tag refers to: not filters (after "|"), filter arguments (after ":"), attributes
# (after ".") or words in quotes.
TEMPLATE_NAME = re.compile(r"(?<![\w.'\"|:])[a-z_][a-z0-9_]*")


def example_context(template_names: list[str], *, truthy: bool) -> dict[str, Example]:
    """An ``Example`` for every name the templates (their included parts too) refer to, except
    what render_mail provides itself."""
    names = set()
    for name in template_names:
        source = engines["django"].engine.get_template(name).source
        for tag in TEMPLATE_TAG.findall(source):
            names.update(TEMPLATE_NAME.findall(tag))
    return {name: Example(truthy) for name in names - {"site_url", "site_name"}}


def test_the_sites_own_mails_say_sie():
    names = project_mails()
    assert {"blog/email/confirm", "events/email/registration_confirm"} <= set(names)
    assert "newsletter/email/campaign" in names and "members/email/invitation" in names
    everything = [
        str(path.relative_to(folder))
        for folder in map(Path, engines["django"].template_dirs)
        if folder.is_relative_to(settings.BASE_DIR) and ".venv" not in folder.parts
        for path in folder.glob("**/email/*.*")
    ]
    texts = {}
    for truthy in (True, False):
        context = example_context(everything, truthy=truthy)
        for name in names:
            rendered = render_mail(name, to="anna@example.org", context=context)
            where = f"{name}{'' if truthy else ', other branches'}"
            texts |= {
                f"{where} (subject)": rendered.subject,
                f"{where} (text)": rendered.text,
                f"{where} (HTML)": visible_text(rendered.html),
            }
    assert_sie(texts)


# Public pages ------------------------------------------------------------------------------------

# Not German (/en/), not public, or not a page.
SKIPPED_PREFIXES = ("/en/", "/admin/", "/media/", "/static/", "/konto/logout/")


def links(html: str) -> list[str]:
    return re.findall(r'href="(/[^"#]*)', html)


@pytest.mark.django_db
def test_every_public_page_with_the_demo_content_says_sie(client, settings):
    """Crawl from the home page along the site's own links (with the demo content), in German:
    no page says „du“."""
    settings.DEBUG = False  # demo content without demo accounts, as a visitor meets it
    call_command("seed_demo", stdout=io.StringIO())
    seen, queue, texts = set(), ["/"], {}
    with translation.override("de"):
        while queue and len(seen) < 400:
            url = queue.pop(0).replace("&amp;", "&")
            if url in seen or url.startswith(SKIPPED_PREFIXES):
                continue
            seen.add(url)
            response = client.get(url)
            assert response.status_code in {200, 301, 302}, f"{url}: {response.status_code}"
            if response.status_code == 200 and "text/html" in response["Content-Type"]:
                html = response.content.decode()
                texts[url] = visible_text(html)
                queue += [link for link in links(html) if link not in seen]
    assert len(texts) > 30, sorted(texts)
    assert {"/", "/blog/", "/veranstaltungen/", "/mitglieder/", "/impressum/"} <= set(texts)
    assert_sie(texts)
