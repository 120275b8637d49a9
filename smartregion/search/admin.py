"""The Redaktion's dictionary of words people mean the same by (docs/search.md)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _

from smartregion.search.models import CONFIG, Synonym

MAX_TERMS = 12
MAX_TERM_LENGTH = 80


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["terms"]
        widgets = {"terms": forms.Textarea(attrs={"rows": 6, "cols": 60})}

    def clean_terms(self):
        group = Synonym(terms=self.cleaned_data["terms"])
        terms = group.term_list()
        if len(terms) < 2:
            raise ValidationError(_("Bitte geben Sie mindestens zwei verschiedene Begriffe an."))
        if len(terms) > MAX_TERMS:
            raise ValidationError(
                _("Bitte höchstens %(n)s Begriffe in einer Gruppe.") % {"n": MAX_TERMS}
            )
        for term in terms:
            if len(term) > MAX_TERM_LENGTH:
                raise ValidationError(
                    _("„%(term)s…“ ist zu lang: höchstens %(n)s Zeichen je Begriff.")
                    % {"term": term[:30], "n": MAX_TERM_LENGTH}
                )
            # Words only: quotes, a leading minus and OR mean something in the search box.
            if '"' in term or any(word.startswith("-") or word == "OR" for word in term.split()):
                raise ValidationError(
                    _(
                        "„%(term)s“: Bitte nur Wörter, ohne Anführungszeichen, „OR“ und "
                        "Minuszeichen am Wortanfang."
                    )
                    % {"term": term}
                )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t FROM unnest(%s::text[]) AS t "
                "WHERE numnode(websearch_to_tsquery(%s, t)) = 0",
                [terms, CONFIG],
            )
            unsearchable = [row[0] for row in cursor.fetchall()]
        if unsearchable:
            raise ValidationError(
                _(
                    "„%(term)s“ besteht nur aus Wörtern, die die Suche übergeht (wie „und“ "
                    "oder „die“)."
                )
                % {"term": unsearchable[0]}
            )
        others = Synonym.objects.exclude(pk=self.instance.pk)
        taken = {term.casefold(): str(other) for other in others for term in other.term_list()}
        for term in terms:
            if term.casefold() in taken:
                raise ValidationError(
                    _("„%(term)s“ steht schon in der Gruppe „%(group)s“.")
                    % {"term": term, "group": taken[term.casefold()]}
                )
        return "\n".join(terms)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    form = SynonymForm
    list_display = ["__str__", "updated_at"]
    search_fields = ["terms"]
