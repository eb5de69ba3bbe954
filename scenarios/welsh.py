"""The Welsh pages: every text of a questionnaire version, a scenario's briefing, or the commitment areas,
with its English beside a box for its Welsh, on one page, as a translator works.

A text whose English changed since its Welsh was written is marked out of date, with the English the Welsh
was written for, until its Welsh is written again or confirmed as still right. Only what may be changed can
be translated: a draft questionnaire version (a frozen one needs a new version, like any change), a draft
or returned scenario, and the commitment areas.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mysteryshop.bilingual import Bilingual
from mysteryshop.permissions import role_required
from mysteryshop.refusals import show_refusal
from mysteryshop.roles import OPCC_ROLES, Role

from .models import CHOICE_TYPES, CommitmentArea, Question, QuestionnaireVersion, QuestionType, Scenario

LONG_FIELDS = {"description", "intro", "what_to_say", "cover_story", "what_not_to_do", "safety_notes",
               "emergency_plan", "good_practice"}  # fmt: skip


@dataclass
class Text:
    """One text to translate: the item and field, what to call it, its English, and its box's name."""

    item: Bilingual
    field: str
    what: str
    english: str
    name: str
    key: str = ""  # an option's key

    @property
    def welsh(self) -> str:
        if self.key:
            return self.item.welsh_text("options").get(self.key, "")
        return self.item.welsh_text(self.field)

    @property
    def stale(self) -> bool:
        return self.field in self.item.welsh_out_of_date and bool(self.welsh)

    @property
    def written_for(self) -> str:
        source = (self.item.welsh_source or {}).get(self.field)
        return (source or {}).get(self.key, "") if self.key else (source or "")


def texts_of(item: Bilingual, prefix: str, names: dict[str, str]) -> list[Text]:
    """The texts of one item that have English, in the order of `names` (field → what to call it)."""
    texts = []
    for field, what in names.items():
        if field == "options":
            for option in item.options if getattr(item, "kind", "") in CHOICE_TYPES else []:
                key = str(option["key"])
                texts.append(
                    Text(
                        item, field, what % {"option": option["label"]}, option["label"], f"{prefix}-options-{key}", key
                    )
                )
            continue
        english = getattr(item, field)
        if english:
            texts.append(Text(item, field, what, english, f"{prefix}-{field}"))
    return texts


class WelshForm(forms.Form):
    """A box for the Welsh of each text; and, for each text out of date, a tick to say it still fits."""

    def __init__(self, *args, texts: list[Text], **kwargs):
        super().__init__(*args, **kwargs)
        self.texts = texts
        for text in texts:
            attrs = {"lang": "cy", "spellcheck": "true"}
            widget = forms.Textarea(attrs={**attrs, "rows": 3}) if text.field in LONG_FIELDS else forms.TextInput(attrs)
            self.fields[text.name] = forms.CharField(
                label=text.what, required=False, initial=text.welsh, widget=widget, max_length=5000,
                help_text=gettext("English: %(english)s") % {"english": text.english},
            )  # fmt: skip
            if text.stale:
                self.fields[f"{text.name}-fits"] = forms.BooleanField(
                    label=_("The Welsh still fits the new English"), required=False
                )

    def row(self, text: Text):
        """A text with its box (and its tick, when out of date), for the page."""
        return text, self[text.name], self[f"{text.name}-fits"] if text.stale else None

    @transaction.atomic
    def save(self) -> int:
        """Keep every Welsh text; returns how many items changed."""
        wanted: dict[int, dict] = {}  # item → field → Welsh (options: key → Welsh)
        fits: dict[int, set[str]] = {}
        items: dict[int, Bilingual] = {}
        for text in self.texts:
            item = items.setdefault(id(text.item), text.item)
            fields = wanted.setdefault(id(item), {})
            value = self.cleaned_data.get(text.name, "").strip()
            if text.key:
                fields.setdefault("options", {})[text.key] = value
            else:
                fields[text.field] = value
            if self.cleaned_data.get(f"{text.name}-fits"):
                fits.setdefault(id(item), set()).add(text.field)
        changed = 0
        for key, item in items.items():
            before = (dict(item.welsh), dict(item.welsh_source))
            for field, value in wanted[key].items():
                item.set_welsh(field, value)
            for field in fits.get(key, ()):
                item.confirm_welsh(field)
            if (item.welsh, item.welsh_source) != before:
                item.save(update_fields=["welsh", "welsh_source"])
                changed += 1
        return changed


# --- Questionnaire versions ------------------------------------------------------------------


def questionnaire_texts(version: QuestionnaireVersion) -> list[tuple[str, list[Text]]]:
    """Every text of a version, grouped as the builder shows them: the questionnaire, then each section."""
    questionnaire = version.questionnaire
    groups = [(gettext("The questionnaire"), texts_of(questionnaire, f"q{questionnaire.pk}", {
        "title": gettext("Title in Welsh"), "description": gettext("Description in Welsh"),
    }))]  # fmt: skip
    questions = Question.objects.filter(section__version=version).order_by("order", "pk")
    by_section: dict[int, list[Question]] = {}
    for question in questions:
        by_section.setdefault(question.section_id, []).append(question)
    for number, section in enumerate(version.sections.order_by("order", "pk"), start=1):
        texts = texts_of(section, f"s{section.pk}", {
            "title": gettext("Page title in Welsh"), "intro": gettext("Introduction in Welsh"),
        })  # fmt: skip
        for count, question in enumerate(by_section.get(section.pk, []), start=1):
            names = {
                "label": gettext("Question %(number)s in Welsh") % {"number": count},
                "help_text": gettext("Hint for question %(number)s in Welsh") % {"number": count},
                "options": gettext("Answer “%(option)s” in Welsh"),
            }
            if question.kind == QuestionType.RATING:
                names["rating_low_label"] = gettext("Label for 1 (the lowest) in Welsh")
                names["rating_high_label"] = gettext("Label for 5 (the highest) in Welsh")
            texts += texts_of(question, f"x{question.pk}", names)
        groups.append((gettext("Page %(number)s: %(title)s") % {"number": number, "title": section.title}, texts))
    return groups


@role_required(Role.COORDINATOR)
def questionnaire_welsh(request, pk):
    version = get_object_or_404(QuestionnaireVersion.objects.select_related("questionnaire"), pk=pk)
    groups = questionnaire_texts(version)
    return _page(
        request,
        groups,
        editable=not version.is_frozen,
        frozen=gettext(
            "This version is frozen because it has answers or an approved scenario uses it. Make a new version to change its Welsh."
        ),
        back=version.get_absolute_url(),
        heading=gettext("Welsh for %(questionnaire)s") % {"questionnaire": version},
    )


# --- Scenarios -------------------------------------------------------------------------------


def scenario_texts(scenario: Scenario) -> list[tuple[str, list[Text]]]:
    names = {
        "title": gettext("Title in Welsh"),
        "what_to_say": gettext("What to say and ask, in Welsh"),
        "cover_story": gettext("Cover story in Welsh"),
        "what_not_to_do": gettext("What not to do, in Welsh"),
        "safety_notes": gettext("Personal safety and when to stop, in Welsh"),
        "emergency_plan": gettext("If a real emergency happens during the visit, in Welsh"),
        "good_practice": gettext("Good practice expected, in Welsh"),
    }
    return [(gettext("The briefing"), texts_of(scenario, f"b{scenario.pk}", names))]


@role_required(*OPCC_ROLES)
def scenario_welsh(request, pk):
    scenario = get_object_or_404(Scenario, pk=pk)
    return _page(
        request,
        scenario_texts(scenario),
        editable=scenario.is_editable,
        frozen=gettext("An approved scenario is frozen. Start a new revision to change its Welsh."),
        back=scenario.get_absolute_url(),
        heading=gettext("Welsh for %(scenario)s") % {"scenario": scenario},
        # A change to the briefing's Welsh is in the scenario's history, as any change to it is.
        after_save=lambda: scenario.log_action("Welsh changed", by=request.user),
    )


# --- Commitment areas ------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def commitment_area_welsh(request):
    groups = [
        (area.name, texts_of(area, f"a{area.pk}", {"name": gettext("Name in Welsh"), "description": gettext("Description in Welsh")}))
        for area in CommitmentArea.objects.all()
    ]  # fmt: skip
    return _page(request, groups, editable=True, frozen="", back=reverse("scenarios:commitment-area-list"),
                 heading=gettext("Welsh for the commitment areas"))  # fmt: skip


def _page(request, groups, *, editable, frozen, back, heading, after_save=None):
    texts = [text for _title, group in groups for text in group]
    form = WelshForm(request.POST if request.method == "POST" and editable else None, texts=texts)
    if request.method == "POST" and not editable:
        show_refusal(request, ValidationError(frozen))
        return redirect(back)
    if form.is_bound and form.is_valid():
        if form.save() and after_save:
            after_save()
        messages.success(request, gettext("Welsh saved."))
        return redirect(back)
    stale = sum(1 for text in texts if text.stale)
    missing = sum(1 for text in texts if not text.welsh)
    return render(
        request,
        "scenarios/welsh_form.html",
        {
            "form": form,
            "groups": [(title, [form.row(text) for text in group]) for title, group in groups],
            "editable": editable,
            "frozen": frozen,
            "heading": heading,
            "back": back,
            "stale": stale,
            "missing": missing,
        },
        status=400 if form.is_bound else 200,
    )
