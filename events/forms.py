from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.models import Event
from members.models import Organisation
from smartregion.core.forms import WebAddressField
from smartregion.core.images import photo_field
from smartregion.core.models import Topic
from smartregion.core.spam import SpamProtectedForm

MAX_TOPICS = 5
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class RegistrationForm(SpamProtectedForm):
    name = forms.CharField(label=_("Ihr Name"), max_length=150)
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        help_text=_(
            "An diese Adresse schicken wir den Link, mit dem Sie die Anmeldung bestätigen."
        ),
    )
    organisation = forms.CharField(
        label=_("Organisation (optional)"), max_length=200, required=False
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass meine Angaben für die Organisation dieser Veranstaltung "
            "gespeichert und an den Veranstalter weitergegeben werden."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class LocalDateTimeField(forms.DateTimeField):
    """German wall-clock time; refuses with a plain message the times that a daylight-saving
    change makes ambiguous (02:00-03:00 in late October) or skips (in late March)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code == "ambiguous_timezone":
                raise ValidationError(
                    _(
                        "Diese Uhrzeit gibt es am Tag der Zeitumstellung zweimal oder gar nicht. "
                        "Bitte wählen Sie eine Uhrzeit außerhalb von 2 bis 3 Uhr."
                    ),
                    code="ambiguous_timezone",
                ) from error
            raise


def _datetime_field(label, *, required=True, help_text=""):
    return LocalDateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    )


class EventProposalForm(forms.ModelForm):
    """A member proposes an event from /mein-bereich/; the Redaktion publishes it."""

    starts_at = _datetime_field(_("Beginn"), help_text=_("Datum und Uhrzeit (deutsche Zeit)."))
    ends_at = _datetime_field(_("Ende"))
    registration_deadline = _datetime_field(
        _("Anmeldeschluss (optional)"),
        required=False,
        help_text=_("Leer: Anmeldung bis zum Beginn."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Themenfelder (1 bis 5)"),
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    image = photo_field(label=_("Bild (optional)"), required=False)

    class Meta:
        model = Event
        fields = [
            "organiser",
            "title",
            "teaser",
            "description",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "capacity",
            "format",
            "venue_name",
            "address",
            "online_url",
            "municipality",
            "topics",
            "image",
            "image_alt",
        ]
        widgets = {
            "teaser": forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "format": forms.RadioSelect,
        }
        labels = {"capacity": _("Plätze (optional)"), "venue_name": _("Veranstaltungsort")}
        field_classes = {"online_url": WebAddressField}
        help_texts = {
            "description": _(
                "Markdown: **fett**, *kursiv*, [Linktext](https://beispiel.de), Aufzählung mit - am Zeilenanfang."
            ),
            "capacity": _(
                "Leer: unbegrenzt. Sind alle Plätze vergeben, kommt man auf die Warteliste."
            ),
        }

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        organiser = self.fields["organiser"]
        organiser.queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )
        organiser.required = True
        organiser.empty_label = None
        organiser.label = _("Veranstalter")
        organiser.help_text = ""
        self.fields["municipality"].empty_label = _("Bitte wählen")
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["online_url"].assume_scheme = "https"
        self.fields["address"].required = False

    def clean_topics(self):
        topics = self.cleaned_data["topics"]
        if len(topics) > MAX_TOPICS:
            raise ValidationError(_("Bitte wählen Sie höchstens fünf Themenfelder."))
        return topics

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and not (cleaned.get("image_alt") or "").strip():
            self.add_error(
                "image_alt", _("Bitte beschreiben Sie das Bild mit einem Alternativtext.")
            )
        return cleaned
