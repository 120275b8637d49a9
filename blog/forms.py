from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from blog.models import MAX_GALLERY_IMAGES, MAX_TOPICS, SECTION_MAX_LENGTH, SECTIONS, Post
from blog.video import parse_video_url
from smartregion.core.forms import WebAddressField
from smartregion.core.images import KeepsImagesMixin, VerifiedImageField, photo_field
from smartregion.core.models import Municipality, Topic
from smartregion.core.spam import SpamProtectedForm


def section_field(name: str) -> forms.CharField:
    """An optional section of the story (blog.models.SECTIONS), as Markdown."""
    section = next(section for section in SECTIONS if section.field == name)
    return forms.CharField(
        label=section.label,
        required=False,
        max_length=SECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=section.help_text,
    )


class PostForm(KeepsImagesMixin, SpamProtectedForm):
    """The public submission form (also used to revise a rejected post)."""

    title = forms.CharField(label=_("Titel"), max_length=150)
    teaser = forms.CharField(
        label=_("Kurzbeschreibung"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
        help_text=_("Höchstens 300 Zeichen. Erscheint in der Übersicht und in Vorschauen."),
    )
    situation = section_field("situation")
    solution = section_field("solution")
    outcome = section_field("outcome")
    tips = section_field("tips")
    body = forms.CharField(
        label=_("Freier Text"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Was nicht in die Abschnitte passt, oder Ihre ganze Geschichte am Stück, wenn Sie "
            "lieber frei erzählen."
        ),
    )
    contact = section_field("contact")
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.all(),
        empty_label=_("Bitte wählen"),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Themenfelder (1 bis 3)"),
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    cover = photo_field(label=_("Titelbild"))
    cover_alt = forms.CharField(
        label=_("Alternativtext des Titelbilds"),
        max_length=250,
        help_text=_("Beschreiben Sie kurz, was auf dem Bild zu sehen ist (für blinde Menschen)."),
    )
    video_url = WebAddressField(
        label=_("Video (optional)"),
        required=False,
        max_length=300,
        help_text=_("Link zu einem Video auf YouTube oder Vimeo."),
    )
    website = WebAddressField(label=_("Website (optional)"), required=False, max_length=300)
    author_name = forms.CharField(label=_("Ihr Name"), max_length=150)
    author_email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        help_text=_("Nur für Rückfragen und die Bestätigung, wird nicht veröffentlicht."),
    )
    consent = forms.BooleanField(
        label=_(
            "Ich habe die Rechte an Text und Bildern, darf sie hier veröffentlichen und habe "
            "die Datenschutzhinweise gelesen."
        ),
    )

    def __init__(self, *args, require_cover: bool = True, visitor: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cover"].required = require_cover
        for index in range(1, MAX_GALLERY_IMAGES + 1):
            self.fields[f"gallery_{index}"] = VerifiedImageField(
                label=_("Galeriebild %(n)s") % {"n": index},
                required=False,
            )
            self.fields[f"gallery_{index}_alt"] = forms.CharField(
                label=_("Alternativtext zu Galeriebild %(n)s") % {"n": index},
                required=False,
                max_length=250,
            )
        for name in ("title", "organisation_name", "author_name"):
            self.fields[name].widget.attrs.setdefault("autocomplete", "off")
        self.fields["author_name"].widget.attrs["autocomplete"] = "name"
        self.fields["author_email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["website"].widget.attrs["autocomplete"] = "url"
        self.keep_images(visitor=visitor)

    @property
    def gallery_rows(self):
        return [
            (self[f"gallery_{index}"], self[f"gallery_{index}_alt"], self[f"gallery_{index}_kept"])
            for index in range(1, MAX_GALLERY_IMAGES + 1)
        ]

    def clean_topics(self):
        topics = self.cleaned_data["topics"]
        if len(topics) > MAX_TOPICS:
            raise ValidationError(_("Bitte wählen Sie höchstens drei Themenfelder."))
        return topics

    def clean_video_url(self):
        url = self.cleaned_data["video_url"]
        if url and parse_video_url(url) is None:
            raise ValidationError(
                _("Bitte geben Sie einen Link zu einem Video auf YouTube oder Vimeo an.")
            )
        return url

    def clean(self):
        cleaned = super().clean()
        story = ["body"] + [section.field for section in SECTIONS if section.field != "contact"]
        if not any((cleaned.get(name) or "").strip() for name in story) and not any(
            name in self.errors for name in story
        ):
            self.add_error(
                "solution",
                _(
                    "Bitte erzählen Sie Ihr Beispiel: in mindestens einem Abschnitt oder als freien Text."
                ),
            )
        for index in range(1, MAX_GALLERY_IMAGES + 1):
            image = cleaned.get(f"gallery_{index}")
            alt = (cleaned.get(f"gallery_{index}_alt") or "").strip()
            if image and not alt:
                self.add_error(
                    f"gallery_{index}_alt",
                    _("Bitte beschreiben Sie das Bild mit einem Alternativtext."),
                )
        return cleaned

    def gallery(self):
        """The uploaded gallery images with their alternative texts, in order."""
        return [
            (self.cleaned_data[f"gallery_{i}"], self.cleaned_data[f"gallery_{i}_alt"].strip())
            for i in range(1, MAX_GALLERY_IMAGES + 1)
            if self.cleaned_data.get(f"gallery_{i}")
        ]

    @classmethod
    def initial_from_post(cls, post: Post) -> dict:
        return {
            "title": post.title,
            "teaser": post.teaser,
            "body": post.body,
            **{section.field: getattr(post, section.field) for section in SECTIONS},
            "organisation_name": post.organisation_name,
            "municipality": post.municipality_id,
            "topics": list(post.topics.values_list("pk", flat=True)),
            "cover_alt": post.cover_alt,
            "video_url": post.video_url,
            "website": post.website,
            "author_name": post.author_name,
            "author_email": post.author_email,
        }


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Was ist an diesem Beitrag nicht in Ordnung?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse (optional, für Rückfragen)"), required=False
    )
