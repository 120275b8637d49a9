"""Form fields shared by the apps' forms."""

from django import forms


class WebAddressInput(forms.URLInput):
    """A web address in a text box that brings up the keyboard for addresses (``inputmode``).

    Not HTML's ``type="url"``: a form sent back with a mistake shows what was typed, and an
    input of that type whose value is not an absolute URL makes the page invalid HTML. Browsers
    would also refuse „beispiel.de“, which the field accepts (it assumes https://).
    """

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "url", "spellcheck": "false", **(attrs or {})})


class WebAddressField(forms.URLField):
    """Django's URLField (https:// assumed when the scheme is left out) in a WebAddressInput; model
    forms get it with ``field_classes``."""

    widget = WebAddressInput

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)
