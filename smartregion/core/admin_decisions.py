"""The admin side of moderation, shared by posts, member applications, memberships and events.

A ModelAdmin lists its decisions in a table and makes the state change in one hook::

    class PostAdmin(DecisionAdminMixin, admin.ModelAdmin):
        actions = ["publish", "reject"]  # each decision is also a changelist action of its name
        decisions = {
            "publish": Decision(action=..., title=..., button=..., done=ngettext_lazy(...), ...),
            "reject": Decision(..., text_label=_("Begründung"), states=[S.CONFIRMED]),
        }

        def decide(self, request, obj, decision, text):
            ...  # one service call; it raises moderation.InvalidTransition to refuse

The mixin brings the changelist actions (a decision with a text asks for it on an intermediate
page first; selected objects outside ``states`` are counted as skipped), the page of one object
(``admin:<app>_<model>_decide``, linked from the change page through ``decision_link_items()``),
the counted messages and the ``history`` display. Both pages use ``admin/decide.html``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from smartregion.core import moderation


@dataclass(frozen=True)
class Decision:
    action: str  # the changelist action's description
    title: str  # the intermediate page's title
    button: str
    done: str  # ngettext_lazy("%d … done.", "%d … done.")
    intro: str = ""  # above the list of objects on the intermediate page
    text_label: str = ""  # empty: the decision needs no text
    text_required: bool = True
    states: Collection[str] | None = None  # the states it applies to; None: any
    link: str = ""  # label of the link on the change page; empty: no link
    done_one: str = ""  # message after deciding on one object from its page; default done % 1

    def applies_to(self, obj) -> bool:
        return self.states is None or obj.status in self.states


class ReasonForm(forms.Form):
    """The one text of a decision: a reason, a question, a note."""

    def __init__(self, *args, name="text", label="", required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[name] = forms.CharField(
            label=label,
            required=required,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        )


def moderation_history(obj, *, system: str):
    """The moderation log of ``obj`` as a list; ``system`` stands for changes without a staff
    member (the submitter, a scheduled task)."""
    entries = moderation.history(obj)
    if not entries:
        return "–"
    labels = dict(obj._meta.get_field("status").flatchoices)
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            "<li>{} · {} → {} · {} {}</li>",
            (
                (
                    timezone.localtime(e.at).strftime("%d.%m.%Y %H:%M"),
                    labels.get(e.from_state, e.from_state or "–"),
                    labels.get(e.to_state, e.to_state or "–"),
                    e.actor or system,
                    f"· {e.note}" if e.note else "",
                )
                for e in entries
            ),
        ),
    )


def _changelist_action(name: str, description: str):
    def action(modeladmin, request, queryset):
        return modeladmin.decide_selected(request, queryset, name)

    action.__name__ = action.__qualname__ = name
    return admin.action(description=description, permissions=["change"])(action)


class DecisionAdminMixin:
    decisions: dict[str, Decision] = {}
    decision_related: tuple[str, ...] = ()  # select_related for the objects decided on
    decision_text_field = "text"  # the form field's name
    decision_skipped = ngettext_lazy(
        "%d Eintrag übersprungen: Sein Status lässt das nicht zu.",
        "%d Einträge übersprungen: Ihr Status lässt das nicht zu.",
    )
    decision_refused = _("Das lässt der Status nicht zu.")  # one object, from its page
    history_actor = _("System")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name, decision in cls.decisions.items():
            if not hasattr(cls, name):
                setattr(cls, name, _changelist_action(name, decision.action))

    # Hooks -------------------------------------------------------------------------------------

    def decide(self, request, obj, decision: str, text: str) -> None:
        """Make the decision through the app's service; raise InvalidTransition to refuse."""
        raise NotImplementedError

    def decision_object_label(self, obj) -> str:
        """How ``obj`` is listed on the intermediate page."""
        return str(obj)

    # Machinery ---------------------------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:pk>/entscheiden/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name=f"{opts.app_label}_{opts.model_name}_decide",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("Verlauf"))
    def history(self, obj):
        return moderation_history(obj, system=self.history_actor)

    def decision_link_items(self, obj) -> list[tuple[str, str]]:
        """(url, label) of the decisions with a link that apply to ``obj`` now."""
        opts = self.model._meta
        return [
            (
                reverse(f"admin:{opts.app_label}_{opts.model_name}_decide", args=[obj.pk, name]),
                d.link,
            )
            for name, d in self.decisions.items()
            if d.link and d.applies_to(obj)
        ]

    def decide_selected(self, request, queryset, name: str):
        """The changelist action: decide at once, or ask for the text first."""
        decision = self.decisions[name]
        if not decision.text_label:
            return self._decide_all(request, queryset, name)
        form = self._reason_form(decision, request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            return self._decide_all(request, queryset, name, self._text(form))
        objects = [o for o in self._objects(queryset) if decision.applies_to(o)]
        return self._page(request, name, objects, form, action=name)

    def decide_view(self, request, pk: int, decision: str):
        """One object, from its change page: confirm (and give the text), then decide."""
        obj = get_object_or_404(self._objects(self.get_queryset(request)), pk=pk)
        if decision not in self.decisions or not self.has_change_permission(request, obj):
            raise PermissionDenied
        entry = self.decisions[decision]
        data = request.POST if request.method == "POST" else None
        form = self._reason_form(entry, data) if entry.text_label else None
        if data is not None and (form is None or form.is_valid()):
            if self._decide_one(request, obj, decision, self._text(form)):
                self.message_user(request, entry.done_one or entry.done % 1, messages.SUCCESS)
            else:
                self.message_user(request, self.decision_refused, messages.ERROR)
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        return self._page(request, decision, [obj], form)

    def _objects(self, queryset):
        return (
            queryset.select_related(*self.decision_related) if self.decision_related else queryset
        )

    def _reason_form(self, decision: Decision, data) -> ReasonForm:
        return ReasonForm(
            data,
            name=self.decision_text_field,
            label=decision.text_label,
            required=decision.text_required,
        )

    def _text(self, form) -> str:
        return form.cleaned_data[self.decision_text_field] if form else ""

    def _decide_one(self, request, obj, name: str, text: str) -> bool:
        try:
            self.decide(request, obj, name, text)
        except moderation.InvalidTransition:
            return False
        return True

    def _decide_all(self, request, queryset, name: str, text: str = "") -> None:
        decision = self.decisions[name]
        objects = list(self._objects(queryset))
        done = sum(
            1
            for obj in objects
            if decision.applies_to(obj) and self._decide_one(request, obj, name, text)
        )
        self.message_user(
            request, decision.done % done, messages.SUCCESS if done else messages.WARNING
        )
        if skipped := len(objects) - done:
            self.message_user(request, self.decision_skipped % skipped, messages.WARNING)

    def _page(self, request, name: str, objects, form, *, action: str = ""):
        decision = self.decisions[name]
        return TemplateResponse(
            request,
            "admin/decide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": decision.title,
                "intro": decision.intro,
                "button": decision.button,
                "objects": [(obj, self.decision_object_label(obj)) for obj in objects],
                "form": form,
                "action": action,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )
