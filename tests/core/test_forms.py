"""Web addresses in forms (smartregion.core.forms): a text box for addresses, so that a form sent
back with a mistake keeps what was typed and stays valid HTML."""

import pytest
from django import forms

from smartregion.core.forms import WebAddressField


class Form(forms.Form):
    website = WebAddressField(label="Website", required=False)


def test_a_web_address_is_typed_in_a_text_box_with_the_keyboard_for_addresses():
    html = str(Form()["website"])
    assert 'type="text"' in html and 'inputmode="url"' in html and 'spellcheck="false"' in html


def test_what_was_typed_comes_back_as_it_was_beside_the_error():
    form = Form({"website": "kein Link"})
    assert not form.is_valid()
    assert form.errors["website"] == ["Bitte eine gültige Adresse eingeben."]
    html = str(form["website"])
    assert 'value="kein Link"' in html and 'aria-invalid="true"' in html
    assert 'type="url"' not in html


def test_an_address_without_its_scheme_is_taken_as_https():
    form = Form({"website": "beispiel.de/ueber-uns"})
    assert form.is_valid()
    assert form.cleaned_data["website"] == "https://beispiel.de/ueber-uns"


@pytest.mark.django_db
def test_every_web_address_in_the_portals_forms_uses_it():
    from blog.forms import PostForm
    from events.forms import EventProposalForm
    from members.forms import ApplicationForm, ProfileForm
    from members.models import Organisation

    fields = {
        "PostForm": PostForm().fields,
        "ApplicationForm": ApplicationForm().fields,
        "ProfileForm": ProfileForm(instance=Organisation()).fields,
        "EventProposalForm": EventProposalForm(organisations=Organisation.objects.none()).fields,
    }
    urls = {
        f"{form}.{name}": type(field)
        for form, form_fields in fields.items()
        for name, field in form_fields.items()
        if isinstance(field, forms.URLField)
    }
    assert set(urls) == {
        "PostForm.video_url",
        "PostForm.website",
        "ApplicationForm.website",
        "ProfileForm.website",
        "EventProposalForm.online_url",
    }
    assert set(urls.values()) == {WebAddressField}
    for form, form_fields in fields.items():
        for name, field in form_fields.items():
            assert getattr(field.widget, "input_type", None) != "url", f"{form}.{name}"
