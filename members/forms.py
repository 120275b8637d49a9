from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from members.models import Application, Organisation, OrganisationKind
from smartregion.core.forms import WebAddressField
from smartregion.core.images import MB, VerifiedImageField
from smartregion.core.models import Municipality, Topic

LOGO_MAX_BYTES = 5 * MB
LOGO_HELP = _("JPEG, PNG oder WebP, höchstens 5 MB; am besten quadratisch oder quer, ohne Rand.")
MAX_TOPICS = 5


def _logo_field(*, required: bool, label=None) -> VerifiedImageField:
    return VerifiedImageField(
        label=label or _("Logo"), required=required, max_bytes=LOGO_MAX_BYTES, help_text=LOGO_HELP
    )


def _topics_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Themenfelder"),
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens ein Themenfeld.")},
    )


def _clean_topics(topics):
    if len(topics) > MAX_TOPICS:
        raise ValidationError(_("Bitte wählen Sie höchstens fünf Themenfelder."))
    return topics


class CriterionField(forms.BooleanField):
    """A criterion the applicant must declare; unticked gives a German message beside it."""

    def __init__(self, *, label):
        super().__init__(
            label=label,
            error_messages={"required": _("Bitte bestätigen Sie dieses Kriterium.")},
        )


class ApplicationForm(forms.Form):
    """The membership application; ``services.application_create`` does the saving."""

    organisation_name = forms.CharField(label=_("Name der Organisation"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Art der Organisation"),
        choices=[("", _("Bitte wählen"))] + list(OrganisationKind.choices),
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune (Sitz oder Niederlassung)"),
        queryset=Municipality.objects.all(),
        empty_label=_("Bitte wählen"),
    )
    address = forms.CharField(
        label=_("Anschrift"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    website = WebAddressField(label=_("Website"), max_length=300)
    description = forms.CharField(
        label=_("Ihre digitale Arbeit"),
        min_length=50,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Was macht Ihre Organisation in der Digitalisierung: Produkte, Dienstleistungen, "
            "Projekte oder Forschung? Mindestens 50 Zeichen. Erscheint später auf Ihrem Profil."
        ),
    )
    topics = _topics_field()
    logo = _logo_field(required=True)
    contact_person = forms.CharField(label=_("Ansprechperson"), max_length=150)
    criterion_region = CriterionField(
        label=_("Wir haben unseren Sitz oder eine Niederlassung in der Emscher-Lippe-Region.")
    )
    criterion_digital = CriterionField(
        label=_(
            "Wir sind in der Digitalisierung aktiv (Produkte, Dienstleistungen, Projekte oder "
            "Forschung)."
        )
    )
    criterion_sharing = CriterionField(
        label=_("Wir teilen Erfahrungen und gute Beispiele mit dem Netzwerk.")
    )
    criterion_terms = CriterionField(
        label=_("Wir akzeptieren die Nutzungsbedingungen des Siegels.")
    )
    wants_ambassador = forms.BooleanField(
        label=_("Wir möchten Botschafterin oder Botschafter für die Digitalisierung werden."),
        required=False,
    )
    ambassador_motivation = forms.CharField(
        label=_("Ihre Motivation als Botschafterin oder Botschafter"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Ein kurzes Statement, höchstens 1.000 Zeichen. Nur nötig, wenn Sie Botschafter werden möchten."
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organisation_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        self.fields["website"].widget.attrs["autocomplete"] = "url"
        self.fields["contact_person"].widget.attrs["autocomplete"] = "name"

    def clean_organisation_name(self):
        name = " ".join(self.cleaned_data["organisation_name"].split())
        others = Application.objects.filter(
            organisation_name__iexact=name, status__in=Application.OPEN_STATES
        )
        if self.user is not None:
            others = others.exclude(applicant=self.user)
        if others.exists():
            raise ValidationError(
                _(
                    "Für diese Organisation liegt bereits ein offener Antrag vor. Sobald er "
                    "angenommen ist, kann die antragstellende Person Sie im Mitgliederbereich "
                    "einladen."
                )
            )
        member = Organisation.objects.active_members().filter(name__iexact=name).first()
        if member and not member.managers.filter(pk=getattr(self.user, "pk", None)).exists():
            raise ValidationError(
                _(
                    "Diese Organisation ist bereits Mitglied. Bitten Sie die Personen, die ihr "
                    "Profil verwalten, Sie einzuladen."
                )
            )
        return name

    def clean_topics(self):
        return _clean_topics(self.cleaned_data["topics"])

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("wants_ambassador")
            and not (cleaned.get("ambassador_motivation") or "").strip()
        ):
            self.add_error(
                "ambassador_motivation",
                _(
                    "Bitte schreiben Sie kurz, warum Sie Botschafterin oder Botschafter werden möchten."
                ),
            )
        return cleaned


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Ihre Antwort"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )


class ProfileForm(forms.ModelForm):
    """What managers edit on their organisation's public profile; the logo is re-processed."""

    logo = _logo_field(required=False, label=_("Neues Logo"))
    topics = _topics_field()

    class Meta:
        model = Organisation
        fields = ["description", "topics", "website", "address", "contact_person"]
        field_classes = {"website": WebAddressField}
        labels = {
            "description": _("Beschreibung der digitalen Arbeit"),
            "website": _("Website"),
            "address": _("Anschrift"),
            "contact_person": _("Ansprechperson"),
        }
        help_texts = {
            "description": _(
                "Markdown: **fett**, *kursiv*, [Linktext](https://beispiel.de), Aufzählung mit - "
                "am Zeilenanfang."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["maxlength"] = 5000
        self.fields["website"].widget.attrs["autocomplete"] = "url"
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        self.fields["contact_person"].widget.attrs["autocomplete"] = "name"

    def clean_description(self):
        value = self.cleaned_data["description"]
        if len(value) > 5000:
            raise ValidationError(_("Höchstens 5.000 Zeichen."))
        return value

    def clean_topics(self):
        return _clean_topics(self.cleaned_data["topics"])


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Kollegin oder des Kollegen"),
        help_text=_(
            "Wir schicken eine Einladung. Wer sie mit dieser Adresse annimmt, verwaltet das "
            "Profil und die Siegel Ihrer Organisation mit."
        ),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.organisation.managers.filter(email__iexact=email).exists():
            raise ValidationError(_("Diese Person verwaltet das Profil bereits."))
        if self.organisation.invitations.filter(email__iexact=email, accepted_at=None).exists():
            raise ValidationError(_("An diese Adresse ist bereits eine Einladung unterwegs."))
        return email


class AccountDeleteForm(forms.Form):
    """The password, to confirm the deletion of the account."""

    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Bitte geben Sie Ihr Passwort ein.")},
    )

    def __init__(self, *args, user, limited: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.limited = limited  # too many attempts: the password is not even checked

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if self.limited:
            raise ValidationError(
                _(
                    "Sie haben das Passwort zu oft falsch eingegeben. Bitte versuchen Sie es in "
                    "15 Minuten noch einmal."
                )
            )
        if not self.user.check_password(password):
            raise ValidationError(_("Das Passwort ist nicht richtig."))
        return password
