from django import forms
from django.utils.translation import gettext_lazy as _

from smartregion.core.spam import SpamProtectedForm


class FeedbackForm(SpamProtectedForm):
    """Feedback on accessibility: a message, and optionally the page and how to answer."""

    message = forms.CharField(
        label=_("Ihre Nachricht"),
        help_text=_("Beschreiben Sie bitte, welche Barriere Sie bemerkt haben."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Bitte schreiben Sie uns, welche Barriere Sie bemerkt haben.")
        },
    )
    page_url = forms.CharField(
        label=_("Betroffene Seite (Adresse oder Name, optional)"),
        max_length=500,
        required=False,
    )
    name = forms.CharField(
        label=_("Ihr Name (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse (optional, für eine Antwort)"),
        required=False,
        error_messages={
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@example.org.")
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
