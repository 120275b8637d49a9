"""Spam protection for public forms: a honeypot field and a signed fill-time token.

A form that mixes in ``SpamProtectedForm`` gets two hidden fields:

- ``homepage``, the honeypot: people never see it, bots fill it in. ``is_spam()`` is true only
  then, and the view answers as if all went well while keeping nothing, so a bot learns nothing.
- ``started``, a signed timestamp set when the form is shown. A form sent back sooner than
  ``min_fill_seconds`` (browser autofill, or a bot), later than ``max_age`` (a token kept for
  reuse, or a tab left open for days), or without a valid token is *not* treated as spam: it
  comes back with a short note above the fields and everything entered kept (uploads too, see
  ``images.KeepsImagesMixin``), so a fast person loses nothing and simply sends it again.
  An expired or invalid token is replaced by a fresh one for that second try; a valid but too
  recent one is kept, since its clock goes on running.
"""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartregion.core.signing import BadToken, make_token, read_token

MIN_FILL_SECONDS = 3
# A "started" token older than this is refused: long enough for anybody writing a post over
# lunch, short enough that a bot cannot keep one token and reuse it for good.
STARTED_MAX_AGE = timedelta(days=1)
_PURPOSE = "form-started"


def started_token() -> str:
    """A fresh signed "started" value (the form was shown now)."""
    return make_token(_PURPOSE, timezone.now().timestamp())


class SpamProtectedForm(forms.Form):
    # Humans never see it (hidden by CSS, out of the tab order); bots fill it in.
    homepage = forms.CharField(
        required=False,
        label=gettext_lazy("Bitte leer lassen"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    min_fill_seconds = MIN_FILL_SECONDS
    max_age = STARTED_MAX_AGE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["started"].initial = started_token()

    def is_spam(self) -> bool:
        """A filled honeypot: answer as if all went well and keep nothing."""
        return bool(self.data.get(self.add_prefix("homepage")))

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or self.is_spam():
            return
        note = self._timing_note()
        if note:
            self.add_error(None, note)

    def _timing_note(self) -> str | None:
        """Why the form cannot be taken as sent by a person yet, or None."""
        name = self.add_prefix("started")
        try:
            started = float(read_token(_PURPOSE, self.data.get(name, ""), max_age=self.max_age))
        except (BadToken, ValueError):
            # Missing, forged or expired: the second try gets a fresh token.
            self.data = self.data.copy()
            self.data[name] = started_token()
            return _(
                "Das Formular ist abgelaufen. Bitte prüfen Sie Ihre Angaben und senden Sie es "
                "noch einmal ab."
            )
        if timezone.now().timestamp() - started < self.min_fill_seconds:
            return _(
                "Das ging schneller, als ein Mensch ein Formular ausfüllt. Bitte prüfen Sie "
                "Ihre Angaben und senden Sie das Formular noch einmal ab."
            )
        return None
