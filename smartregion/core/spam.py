"""Spam protection for public forms: a honeypot field and a minimum fill time.

A form that mixes in ``SpamProtectedForm`` gets two hidden fields. ``is_spam()`` tells the view
to answer as if all went well while keeping nothing, so a bot learns nothing.
"""

from django import forms
from django.utils import timezone

from smartregion.core.signing import BadToken, make_token, read_token

MIN_FILL_SECONDS = 3


class SpamProtectedForm(forms.Form):
    # Humans never see it (hidden by CSS, out of the tab order); bots fill it in.
    homepage = forms.CharField(
        required=False,
        label="Bitte leer lassen",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    min_fill_seconds = MIN_FILL_SECONDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["started"].initial = make_token("form-started", timezone.now().timestamp())

    def is_spam(self) -> bool:
        if self.data.get(self.add_prefix("homepage")):
            return True
        try:
            token = self.data.get(self.add_prefix("started"), "")
            started = float(read_token("form-started", token, max_age=None))
        except (BadToken, ValueError):
            return True
        return timezone.now().timestamp() - started < self.min_fill_seconds
