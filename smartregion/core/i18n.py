"""The site in several languages: German at the unprefixed URLs, English under /en/.

- ``Translated("title")`` on a model gives ``obj.title_i18n``: the English text (``title_en``)
  on English pages when the Redaktion wrote one, else the German text marked ``lang="de"``.
- ``language_field()`` records the language a person used, so that mails sent later (reminders,
  newsletters) reach them in it: ``translation.override(obj.language)``.
- ``alternates(request)`` lists the same page in each language (switcher and hreflang links).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, NullIf
from django.urls import translate_url
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _


def current_language() -> str:
    """The active language, one of ``settings.LANGUAGES`` (German outside any request)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


class LocalizedText(str):
    """A text in some language. In HTML it carries ``lang`` when that is not the page's.

    As a ``str`` it is the bare text (for attributes, ``<title>``, feeds); ``{{ value }}`` in an
    HTML template wraps a fallback in ``<span lang="de">`` so screen readers speak it right.
    """

    lang: str

    def __new__(cls, text: str, lang: str):
        obj = super().__new__(cls, text)
        obj.lang = lang
        return obj

    @property
    def is_fallback(self) -> bool:
        return self.lang != current_language()

    @property
    def text(self) -> str:
        return str.__str__(self)

    def __html__(self) -> SafeString:
        if self.is_fallback and self:
            return format_html('<span lang="{}">{}</span>', self.lang, self.text)
        return conditional_escape(self.text)


class Translated:
    """``Translated("title")``: a read-only attribute giving the text for the active language.

    For each language other than German the model has ``<field>_<code>`` (``title_en``), blank
    when nobody translated it; then the German field is given, marked as German.
    """

    def __init__(self, field: str):
        self.field = field

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        language = current_language()
        if language != settings.LANGUAGE_CODE:
            translated = getattr(obj, f"{self.field}_{language}", "")
            if translated:
                return LocalizedText(translated, language)
        return LocalizedText(getattr(obj, self.field), settings.LANGUAGE_CODE)


class EnglishTitleAndTeaser(models.Model):
    """The English title and teaser the Redaktion may give a post or an event."""

    title_en = models.CharField(_("Titel (Englisch)"), max_length=150, blank=True)
    teaser_en = models.CharField(
        _("Kurzbeschreibung (Englisch)"),
        max_length=300,
        blank=True,
        help_text=_("Leer lassen: Auf den englischen Seiten erscheint der deutsche Text."),
    )

    title_i18n = Translated("title")
    teaser_i18n = Translated("teaser")

    class Meta:
        abstract = True


def language_field() -> models.CharField:
    """The language a person used on the site; later mails to them are sent in it."""
    return models.CharField(
        _("Sprache"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        editable=False,
    )


def alternates(request) -> list[dict]:
    """The current page in each language: code, name, absolute URL, whether it is this one.

    The query string is kept (a search stays a search). Pages outside the language prefix
    (the admin) have no alternates.
    """
    path = request.path
    current = current_language()
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        if code != current and url == path:
            return []  # not a translatable URL
        query = request.META.get("QUERY_STRING", "")
        links.append(
            {
                "code": code,
                "name": name,
                "url": url + (f"?{query}" if query else ""),
                "absolute_url": settings.SITE_URL + url,
                "active": code == current,
            }
        )
    return links


def translated_expression(field: str):
    """A query expression for ``field`` in the active language, as ``Translated`` gives it in
    Python: the translation (``title_en``) where one was written, else the German field."""
    language = current_language()
    if language == settings.LANGUAGE_CODE:
        return models.F(field)
    return Coalesce(
        NullIf(models.F(f"{field}_{language}"), models.Value("")),
        models.F(field),
        output_field=models.TextField(),
    )
