from django import forms
from django.utils.translation import gettext_lazy as _

from newsletter.models import ConsentText, Subscriber
from smartregion.core.models import Topic
from smartregion.core.spam import SpamProtectedForm

# The compact boxes on reading pages say where they are; anything else counts as the form.
BOX_SOURCES = {Subscriber.Source.HOME_BOX, Subscriber.Source.FOOTER_BOX}


class TopicsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=Topic.objects.all(), required=False, **kwargs)


class SubscribeForm(SpamProtectedForm):
    # Coming from a box on the home page, the address is filled in already: ticking the
    # consent and sending can take a person less than the usual 3 seconds.
    min_fill_seconds = 1

    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label=_("Name (optional)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Nur für die Anrede in unseren E-Mails."),
    )
    topics = TopicsField(label=_("Themenfelder, die Sie besonders interessieren (optional)"))
    consent = forms.BooleanField(label="")
    consent_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    source = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, consent_text: ConsentText, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent_text = consent_text
        # The wording for this page's language (the German one, marked lang="de", where the
        # version has no English): what the person sees is what their proof keeps.
        self.fields["consent"].label = consent_text.text_i18n
        self.fields["consent"].error_messages["required"] = _(
            "Bitte bestätigen Sie, dass Sie den Newsletter erhalten möchten."
        )
        self.fields["consent_version"].initial = consent_text.version

    def clean_consent_version(self) -> ConsentText:
        """The version the visitor was shown (the form may be older than a new wording)."""
        version = self.cleaned_data.get("consent_version")
        shown = ConsentText.objects.filter(version=version).first() if version else None
        return shown or self.consent_text

    def clean_source(self) -> str:
        source = self.cleaned_data.get("source")
        return source if source in BOX_SOURCES else Subscriber.Source.FORM


class PreferencesForm(forms.Form):
    name = forms.CharField(
        label=_("Name (optional)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    topics = TopicsField(label=_("Themenfelder, die Sie besonders interessieren"))


class SendConfirmForm(forms.Form):
    """Admin: the last step before a campaign goes out."""

    confirm = forms.BooleanField(label=_("Ja, jetzt an alle genannten Empfänger senden"))
