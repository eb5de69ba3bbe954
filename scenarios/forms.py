from __future__ import annotations

import json
from datetime import date, time
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Max
from django.utils.html import escape
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from localflavor.gb.forms import GBPostcodeField

from .models import (
    CHOICE_TYPES,
    LAWFULNESS_CHECKLIST,
    SCORING_RULES,
    Channel,
    CommitmentArea,
    ContactPoint,
    OpeningHours,
    Question,
    QuestionnaireVersion,
    QuestionType,
    Scenario,
    ScenarioComment,
    ScenarioSuggestion,
    Section,
)

# --- Answering a questionnaire (the volunteer's view, and the preview) -------------


class DurationWidget(forms.MultiWidget):
    template_name = "widgets/duration.html"

    def __init__(self, attrs=None):
        number = {"inputmode": "numeric", "class": "form-control duration-part", "min": "0"}
        super().__init__([forms.NumberInput(attrs=number), forms.NumberInput(attrs={**number, "max": "59"})], attrs)

    def decompress(self, value):
        if value in (None, ""):
            return [None, None]
        return list(divmod(int(value), 60))


class DurationField(forms.MultiValueField):
    """Minutes and seconds typed in two boxes, cleaned to whole seconds; either box may be left empty (0).

    `name` is what the messages call the duration, such as a question's wording.
    """

    widget = DurationWidget

    def __init__(self, *, name: str = "", **kwargs):
        # Whole sentences for each case, so each translates as a whole.
        if name:
            minutes = {
                "invalid": gettext("Enter the minutes for %(name)s as a whole number"),
                "min_value": gettext("The minutes for %(name)s cannot be less than 0"),
                "max_value": gettext("The minutes for %(name)s must be 600 or fewer"),
            }
            seconds = {
                "invalid": gettext("Enter the seconds for %(name)s as a whole number"),
                "min_value": gettext("The seconds for %(name)s cannot be less than 0"),
                "max_value": gettext("The seconds for %(name)s must be 59 or fewer"),
            }
        else:
            minutes = {
                "invalid": gettext("Enter the minutes as a whole number"),
                "min_value": gettext("The minutes cannot be less than 0"),
                "max_value": gettext("The minutes must be 600 or fewer"),
            }
            seconds = {
                "invalid": gettext("Enter the seconds as a whole number"),
                "min_value": gettext("The seconds cannot be less than 0"),
                "max_value": gettext("The seconds must be 59 or fewer"),
            }
        fields = (
            forms.IntegerField(
                required=False,
                min_value=0,
                max_value=600,
                error_messages={key: text.replace("%(name)s", name) for key, text in minutes.items()},
            ),
            forms.IntegerField(
                required=False,
                min_value=0,
                max_value=59,
                error_messages={key: text.replace("%(name)s", name) for key, text in seconds.items()},
            ),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or all(part in (None, "") for part in data_list):
            return None
        minutes, seconds = (part or 0 for part in data_list)
        return minutes * 60 + seconds


def quoted(question: Question) -> str:
    """A question's wording as messages name it."""
    return f"“{question.shown('label').strip()}”"


def _answer_field(question: Question) -> forms.Field:
    """The form field a volunteer answers a question with; every message names the question."""
    name = quoted(question)
    # A form field's help text is trusted as HTML by Django's and crispy's templates; a question's hint
    # is people's text (or an imported file's), so it goes in escaped.
    common = {
        "label": question.shown("label"),  # in the page's language, where the question has Welsh
        "help_text": escape(question.shown("help_text")),
        "required": False,
        "error_messages": {"invalid_choice": gettext("Select one of the answers given for %(name)s") % {"name": name}},
    }
    kind = question.kind
    yes, no = gettext("Yes"), gettext("No")
    if kind == QuestionType.YES_NO:
        return forms.ChoiceField(choices=[("yes", yes), ("no", no)], widget=forms.RadioSelect, **common)
    if kind == QuestionType.YES_NO_NA:
        choices = [("yes", yes), ("no", no), ("na", gettext("Not applicable"))]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == QuestionType.RATING:
        labels = {1: question.shown("rating_low_label"), 5: question.shown("rating_high_label")}
        choices = [(str(n), f"{n} – {labels[n]}" if labels.get(n) else str(n)) for n in range(1, 6)]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == QuestionType.SINGLE_CHOICE:
        choices = [(str(o["key"]), o["label"]) for o in question.shown("options")]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == QuestionType.MULTIPLE_CHOICE:
        choices = [(str(o["key"]), o["label"]) for o in question.shown("options")]
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == QuestionType.NUMBER:
        common["error_messages"] |= {
            "invalid": gettext("Enter a number for %(name)s, like 3 or 2.5") % {"name": name},
            "max_digits": gettext("Enter a smaller number for %(name)s") % {"name": name},
            "max_whole_digits": gettext("Enter a smaller number for %(name)s") % {"name": name},
            "max_decimal_places": gettext("Enter a number for %(name)s with at most 2 decimal places") % {"name": name},
        }
        return forms.DecimalField(
            max_digits=12, decimal_places=2, widget=forms.NumberInput(attrs={"inputmode": "decimal"}), **common
        )
    if kind == QuestionType.DURATION:
        return DurationField(name=name, **common)
    if kind == QuestionType.TIME:
        common["error_messages"] |= {"invalid": gettext("Enter the time for %(name)s like 14:30") % {"name": name}}
        return forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), **common)
    if kind == QuestionType.DATE:
        common["error_messages"] |= {
            "invalid": gettext("Enter a real date for %(name)s, like 27 3 2026") % {"name": name}
        }
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    common["error_messages"] |= {
        "max_length": gettext("Your answer to %(name)s must be 5,000 characters or fewer") % {"name": name}
    }
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, **common)


def to_answer_value(question: Question, cleaned):
    """A cleaned form value as the JSON value stored for the answer."""
    if cleaned in (None, "", []):
        return None
    kind = question.kind
    if kind == QuestionType.YES_NO:
        return cleaned == "yes"
    if kind == QuestionType.RATING:
        return int(cleaned)
    if kind == QuestionType.NUMBER:
        return int(cleaned) if cleaned == cleaned.to_integral_value() else float(cleaned)
    if kind == QuestionType.TIME:
        return cleaned.strftime("%H:%M")
    if kind == QuestionType.DATE:
        return cleaned.isoformat()
    return cleaned


def to_initial(question: Question, value):
    """A stored answer value as the form's initial data."""
    if value is None:
        return None
    kind = question.kind
    if kind == QuestionType.YES_NO:
        return "yes" if value else "no"
    if kind == QuestionType.RATING:
        return str(value)
    if kind == QuestionType.TIME:
        return time.fromisoformat(value)
    if kind == QuestionType.DATE:
        return date.fromisoformat(value)
    if kind == QuestionType.NUMBER:
        return Decimal(str(value))
    return value


def wire_value(value) -> str:
    """A stored answer value as the form posts it: true → "yes", 4 → "4", an option's key as it is."""
    return "yes" if value is True else "no" if value is False else str(value)


def wire_values(value) -> list[str]:
    """A stored answer (one value or a list, or none) as the values the form posts."""
    if value is None:
        return []
    return [wire_value(v) for v in value] if isinstance(value, list) else [wire_value(value)]


REQUIRED_MESSAGES = {
    QuestionType.YES_NO: _("Select yes or no for %(name)s"),
    QuestionType.YES_NO_NA: _("Select yes, no or not applicable for %(name)s"),
    QuestionType.RATING: _("Select a rating from 1 to 5 for %(name)s"),
    QuestionType.SINGLE_CHOICE: _("Select an answer for %(name)s"),
    QuestionType.MULTIPLE_CHOICE: _("Select at least one answer for %(name)s"),
    QuestionType.NUMBER: _("Enter a number for %(name)s"),
    QuestionType.DURATION: _("Enter the minutes and seconds for %(name)s"),
    QuestionType.TIME: _("Enter the time for %(name)s, for example 14:30"),
    QuestionType.DATE: _("Enter the date for %(name)s"),
    QuestionType.TEXT: _("Enter your answer to %(name)s"),
}


class SectionForm(forms.Form):
    """One section of a questionnaire, as a volunteer answers it.

    Conditions are applied on the server as in the browser: a question hidden
    by its condition is never required and any answer to it is dropped.
    `answers_so_far` holds answers from earlier sections, keyed by question id.
    """

    def __init__(self, section: Section, *, answers_so_far: dict[int, object] | None = None, **kwargs):
        self.section = section
        # The preview shows every page at once, with no saved answers: every condition is decided in the browser.
        self.previewing = answers_so_far is None
        self.answers_so_far = dict(answers_so_far or {})
        self.questions = list(section.questions.all())
        initial = kwargs.pop("initial", None) or {}
        super().__init__(
            initial={self.field_name(q): to_initial(q, initial.get(q.pk)) for q in self.questions}, **kwargs
        )
        for question in self.questions:
            self.fields[self.field_name(question)] = _answer_field(question)

    @classmethod
    def field_name(cls, question: Question) -> str:
        return cls.field_name_for(question.pk)

    def rows(self):
        """Each field with the condition the browser script uses to show or hide it.

        A condition on a question of this page is decided in the browser, as answers change;
        without JavaScript the question shows, with a hint saying when to answer it. A condition
        on an earlier page is decided here from the saved answer, which the page also carries
        (`earlier`) so the script decides exactly as the server does.
        """
        here = {question.pk for question in self.questions}
        for question in self.questions:
            condition = None
            if question.condition_question_id:
                on_this_page = question.condition_question_id in here or self.previewing
                condition = {
                    "question": self.field_name_for(question.condition_question_id),
                    "values": json.dumps([wire_value(v) for v in question.condition_values]),
                    "shown": on_this_page or question.is_shown(self.answers_so_far),
                    "earlier": None
                    if on_this_page
                    else json.dumps(wire_values(self.answers_so_far.get(question.condition_question_id))),
                    "hint": question.condition_hint() if on_this_page else "",
                }
            yield {"field": self[self.field_name(question)], "question": question, "condition": condition}

    @staticmethod
    def field_name_for(question_id: int) -> str:
        return f"q_{question_id}"

    def clean(self):
        cleaned = super().clean()
        answers = dict(self.answers_so_far)
        self._values: dict[int, object] = {}
        for question in self.questions:
            name = self.field_name(question)
            if not question.is_shown(answers):
                # Hidden: never required, and a stale answer is dropped.
                self._errors.pop(name, None)
                cleaned.pop(name, None)
                answers[question.pk] = None
                continue
            value = to_answer_value(question, cleaned.get(name)) if name in cleaned else None
            if value is None and question.required and name not in self._errors:
                self.add_error(name, str(REQUIRED_MESSAGES[QuestionType(question.kind)]) % {"name": quoted(question)})
            answers[question.pk] = value
            if value is not None:
                self._values[question.pk] = value
        return cleaned

    def answer_values(self) -> dict[int, object]:
        """Answers to the questions shown, keyed by question id (only after is_valid())."""
        return dict(self._values)

    def partial_values(self) -> dict[int, object]:
        """Whatever can be kept from a form with errors: valid answers to shown questions."""
        if not hasattr(self, "_values"):
            self.is_valid()
        return dict(self._values)


UNKEYED_TYPES = (QuestionType.TEXT, QuestionType.TIME, QuestionType.DATE)


class AnswerKeyForm(SectionForm):
    """One section of a practice scenario's answer key: the answer a careful volunteer would give to
    each question. Every question is optional (one left empty is not compared) and every question
    shows, whatever its condition, so the key can cover each path."""

    def __init__(self, section: Section, **kwargs):
        super().__init__(section, **kwargs)
        # Free text is never answered word for word alike, and a time or date is the visit's own:
        # none of them has an expected answer.
        for question in [q for q in self.questions if q.kind in UNKEYED_TYPES]:
            self.questions.remove(question)
            del self.fields[self.field_name(question)]
        for field in self.fields.values():
            field.required = False

    def clean(self):
        cleaned = forms.Form.clean(self)
        self._values = {}
        for question in self.questions:
            name = self.field_name(question)
            if name in cleaned:
                value = to_answer_value(question, cleaned.get(name))
                if value not in (None, "", []):
                    self._values[question.pk] = value
        return cleaned


# --- Builder ----------------------------------------------------------------------


class QuestionnaireCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SectionBuilderForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "intro"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"intro": _("Shown at the top of the page, before the questions.")}


class QuestionTypeForm(forms.Form):
    """The builder's first step: the type of question decides which of its other fields there are."""

    kind = forms.ChoiceField(
        label=gettext_lazy("What type of question is it?"),
        choices=QuestionType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose the type of question"),
            "invalid_choice": gettext_lazy("Choose the type of question"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


# The builder's fields that only some types of question use; the others are always there.
RULE_FIELDS = {
    "expected": ["expected_choice"],
    "minimum": ["minimum"],
    "options": ["expected_answer_text"],
    "range": ["minimum", "maximum"],
    "maximum": ["target_duration"],
}
YES_NO_WORDS = {"yes": True, "no": False}


class QuestionBuilderForm(forms.ModelForm):
    """One question of a type chosen first: only the fields that type uses, each error on its own field.

    The model's rules (`Question.clean`) decide what is allowed; their errors on model
    fields are moved onto the fields this form shows in their place.
    """

    options_text = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One option per line, as the volunteer will see it."),
    )
    condition_values_text = forms.CharField(
        label=gettext_lazy("…has one of these answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One answer per line, as the volunteer sees it: Yes, No, Not applicable, a rating from 1 to 5, "
            "or an option exactly as written."
        ),
    )
    expected_choice = forms.ChoiceField(
        label=gettext_lazy("It meets the commitment when the answer is"),
        required=False,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    expected_answer_text = forms.CharField(
        label=gettext_lazy("It meets the commitment when the answer is one of these options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One per line, exactly as written in the options above."),
    )
    target_duration = DurationField(
        label=gettext_lazy("It meets the commitment when it takes no longer than"),
        required=False,
        help_text=gettext_lazy("Minutes and seconds, for example 5 minutes 0 seconds."),
    )
    weight = forms.IntegerField(
        label=gettext_lazy("Weight"),
        min_value=1,
        max_value=10,
        initial=1,
        help_text=gettext_lazy("How much this question counts in its commitment area, from 1 (usual) to 10."),
        error_messages={
            "required": gettext_lazy("Enter a weight from 1 to 10"),
            "min_value": gettext_lazy("The weight must be from 1 to 10"),
            "max_value": gettext_lazy("The weight must be from 1 to 10"),
            "invalid": gettext_lazy("Enter the weight as a whole number from 1 to 10"),
        },
    )

    class Meta:
        model = Question
        fields = [
            "kind",
            "label",
            "help_text",
            "required",
            "rating_low_label",
            "rating_high_label",
            "condition_question",
            "commitment_area",
            "weight",
            "minimum",
            "maximum",
        ]
        widgets = {"kind": forms.HiddenInput}
        labels = {
            "label": _("Question"),
            "help_text": _("Hint (optional)"),
            "required": _("The volunteer must answer this"),
            "rating_low_label": _("Words beside 1"),
            "rating_high_label": _("Words beside 5"),
            "condition_question": _("Show this question only if the answer to this earlier question…"),
            "commitment_area": _("Scores towards this commitment area"),
        }
        help_texts = {
            "help_text": _("Shown under the question, to help the volunteer answer."),
            "commitment_area": _("Leave blank if the question is not scored."),
            "condition_question": _("Leave blank to show the question always."),
        }

    def __init__(self, *args, section: Section, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = QuestionType(kind)
        self.rule = SCORING_RULES.get(self.kind)
        self.instance.section = section
        self.instance.kind = self.kind
        if not self.instance.pk:
            # A new question goes last, so the model's rules see its real position.
            self.instance.order = (section.questions.aggregate(m=Max("order"))["m"] or 0) + 1
        self.initial["kind"] = self.kind
        if self.is_bound:
            # The type is the one chosen in the first step, whatever is posted.
            self.data = self.data.copy()
            self.data["kind"] = self.kind
        self._keep_fields_for_type()
        earlier = Question.objects.filter(section__version=section.version_id).select_related("section")
        if self.instance.pk:
            earlier = earlier.exclude(pk=self.instance.pk)
        self.fields["condition_question"].queryset = earlier.order_by("section__order", "section__pk", "order", "pk")
        self.fields["condition_question"].label_from_instance = lambda q: f"{q.section.title}: {q.label}"
        self.fields["condition_question"].empty_label = gettext("(Always show it)")
        if "commitment_area" in self.fields:
            self.fields["commitment_area"].empty_label = gettext("(Not scored)")
        if self.rule == "minimum":
            self.fields["minimum"].label = gettext("It meets the commitment when the rating is at least")
            self.fields["minimum"].help_text = gettext("A rating from 1 to 5.")
        elif self.rule == "range":
            self.fields["minimum"].label = gettext("It meets the commitment when the number is at least")
            self.fields["maximum"].label = gettext("…and at most")
            self.fields["minimum"].help_text = gettext("Give a lowest number, a highest number, or both.")
        if self.instance.pk:
            self._initial_from(self.instance)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = self._layout()

    def _layout(self) -> Layout:
        groups = [
            (gettext("The question"), ["kind", "label", "help_text", "required"]),
            (gettext("Its answers"), ["rating_low_label", "rating_high_label", "options_text"]),
            (gettext("When to show it"), ["condition_question", "condition_values_text"]),
            (gettext("Scoring"), ["commitment_area", "weight", *RULE_FIELDS.get(self.rule, [])]),
        ]
        return Layout(
            *(
                Fieldset(legend, *present)
                for legend, names in groups
                if (present := [n for n in names if n in self.fields])
            )
        )

    def _keep_fields_for_type(self) -> None:
        used = {"kind", "label", "help_text", "required", "condition_question", "condition_values_text"}
        if self.kind == QuestionType.RATING:
            used |= {"rating_low_label", "rating_high_label"}
        if self.kind in CHOICE_TYPES:
            used.add("options_text")
        if self.rule:
            used |= {"commitment_area", "weight", *RULE_FIELDS[self.rule]}
        for name in list(self.fields):
            if name not in used:
                del self.fields[name]

    def _initial_from(self, question: Question) -> None:
        self.initial["options_text"] = "\n".join(o["label"] for o in question.options)
        if question.condition_question_id:
            condition = question.condition_question
            self.initial["condition_values_text"] = "\n".join(
                condition.answer_text(v) for v in question.condition_values
            )
        expected = question.expected_answer
        if self.rule == "expected" and expected is not None:
            self.initial["expected_choice"] = {True: "yes", False: "no"}.get(expected, expected)
        elif self.rule == "options" and isinstance(expected, list):
            self.initial["expected_answer_text"] = "\n".join(question.answer_text(key) for key in expected)
        elif self.rule == "maximum" and question.maximum is not None:
            self.initial["target_duration"] = int(question.maximum)

    @staticmethod
    def _text_to_value(question, text: str):
        """An answer as the coordinator typed it (Yes, Not applicable, an option's label) as the stored value."""
        text = text.strip()
        words = text.lower()
        if question.kind == QuestionType.YES_NO:
            return YES_NO_WORDS.get(words, text)
        if question.kind == QuestionType.YES_NO_NA:
            return {"yes": "yes", "no": "no", "na": "na", "n/a": "na", "not applicable": "na"}.get(words, text)
        if question.kind == QuestionType.RATING:
            return int(text) if text.isdigit() else text
        if question.kind in CHOICE_TYPES:
            return next(
                (o["key"] for o in question.options if o["label"].lower() == words or str(o["key"]) == text), text
            )
        return text

    def clean(self):
        cleaned = super().clean()
        question = self.instance
        lines = [line.strip() for line in cleaned.get("options_text", "").splitlines() if line.strip()]
        question.options = (
            [{"key": _option_key(label, n), "label": label} for n, label in enumerate(lines, 1)]
            if self.kind in CHOICE_TYPES
            else []
        )
        condition = cleaned.get("condition_question")
        texts = [t for t in cleaned.get("condition_values_text", "").splitlines() if t.strip()]
        question.condition_values = [self._text_to_value(condition, t) for t in texts] if condition else texts
        self._clean_scoring(cleaned)
        return cleaned

    def _clean_scoring(self, cleaned) -> None:
        """Set the rule for this type from its fields; values of fields the type does not use are cleared."""
        question, rule = self.instance, self.rule
        question.expected_answer = None
        if rule != "minimum" and rule != "range":
            question.minimum = None
        if rule != "range":
            question.maximum = None
        if rule is None:
            question.commitment_area = None
            return
        if rule == "expected" and cleaned.get("expected_choice"):
            answer = cleaned["expected_choice"]
            question.expected_answer = YES_NO_WORDS[answer] if self.kind == QuestionType.YES_NO else answer
        elif rule == "options":
            lines = [t.strip() for t in cleaned.get("expected_answer_text", "").splitlines() if t.strip()]
            question.expected_answer = [self._text_to_value(question, t) for t in lines]
            unknown = [t for t in lines if self._text_to_value(question, t) not in question.option_keys()]
            if unknown and question.options:
                self.add_error(
                    "expected_answer_text",
                    gettext(
                        "“%(answer)s” is not one of the options. Write each option exactly as in the list of options."
                    )
                    % {"answer": unknown[0]},
                )
        elif rule == "maximum":
            question.maximum = cleaned.get("target_duration")
        given = any(cleaned.get(name) not in (None, "") for name in RULE_FIELDS[rule])
        if given and not cleaned.get("commitment_area") and "commitment_area" not in self.errors:
            self.add_error(
                "commitment_area",
                gettext("Choose the commitment area this question scores towards, or clear the rule for meeting it."),
            )

    # Where the model's errors go: a model field the form shows under another name, or not at all.
    def _error_field(self, model_field: str) -> str | None:
        shown_as = {
            "options": "options_text",
            "condition_values": "condition_values_text",
            "expected_answer": "expected_choice" if self.rule == "expected" else "expected_answer_text",
            "maximum": "target_duration" if self.rule == "maximum" else "maximum",
        }.get(model_field, model_field)
        return shown_as if shown_as in self.fields else None

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            moved: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                target = NON_FIELD_ERRORS if field == NON_FIELD_ERRORS else self._error_field(field)
                moved.setdefault(target or NON_FIELD_ERRORS, []).extend(messages)
            errors = ValidationError(moved)
        super()._update_errors(errors)


def _option_key(label: str, number: int) -> str:
    from django.utils.text import slugify

    return slugify(label)[:40] or f"option-{number}"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Questionnaire file (JSON)"), help_text=gettext_lazy("A file exported from this builder.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise ValidationError(gettext("The file is too big: a questionnaire file is under 1 MB."))
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValidationError(gettext("The file is not a questionnaire file (it is not valid JSON).")) from None


# --- Contact points ---------------------------------------------------------------


class ContactPointForm(forms.ModelForm):
    postcode = GBPostcodeField(
        label=gettext_lazy("Postcode"),
        required=False,
        error_messages={"invalid": gettext_lazy("Enter a real UK postcode, like ST16 2DQ")},
    )

    class Meta:
        model = ContactPoint
        fields = [
            "name",
            "channel",
            "policing_area",
            "address",
            "postcode",
            "access_notes",
            "parking_notes",
            "always_open",
            "open_on_bank_holidays",
            "meeting_date",
            "meeting_start",
            "meeting_end",
            "active",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "access_notes": forms.Textarea(attrs={"rows": 2}),
            "parking_notes": forms.Textarea(attrs={"rows": 2}),
            "meeting_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "meeting_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "meeting_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class WeekHoursForm(forms.Form):
    """A front desk's opening hours, one row of times per weekday; a day left empty is closed.

    Every message names its day, so the error summary at the top of the page says where to look.
    """

    PARTS = (
        ("opens", _("Opens")),
        ("closes", _("Closes")),
        ("lunch_starts", _("Closed for lunch from")),
        ("lunch_ends", _("Lunch ends")),
    )

    def __init__(self, *args, contact_point: ContactPoint, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_point = contact_point
        rows = {row.weekday: row for row in contact_point.opening_hours.all()} if contact_point.pk else {}
        for weekday, day in OpeningHours.WEEKDAYS:
            for part, label in self.PARTS:
                name = self.name(weekday, part)
                self.fields[name] = forms.TimeField(
                    label=label,
                    required=False,
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    error_messages={"invalid": gettext("%(day)s: enter the time like 09:30") % {"day": day}},
                )
                if weekday in rows:
                    self.initial[name] = getattr(rows[weekday], part)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *(
                Fieldset(
                    day, Row(*(Column(self.name(weekday, part), css_class="col-6 col-lg-3") for part, _ in self.PARTS))
                )
                for weekday, day in OpeningHours.WEEKDAYS
            )
        )

    @staticmethod
    def name(weekday: int, part: str) -> str:
        return f"{OpeningHours.WEEKDAY_KEYS[weekday]}_{part}"

    def clean(self):
        cleaned = super().clean()
        self.days: dict[int, dict] = {}
        for weekday, day in OpeningHours.WEEKDAYS:
            names = {part: self.name(weekday, part) for part, _ in self.PARTS}
            if any(names[part] in self.errors for part in names):
                continue
            times = {part: cleaned.get(name) for part, name in names.items()}
            opens, closes, lunch_starts, lunch_ends = (times[part] for part, _ in self.PARTS)
            if not any(times.values()):
                continue  # closed that day
            if not opens or not closes:
                if not opens:
                    self.add_error(
                        names["opens"],
                        gettext("%(day)s: enter the opening time too, or leave the day empty if it is closed")
                        % {"day": day},
                    )
                else:
                    self.add_error(
                        names["closes"],
                        gettext("%(day)s: enter the closing time too, or leave the day empty if it is closed")
                        % {"day": day},
                    )
            elif closes <= opens:
                self.add_error(
                    names["closes"], gettext("%(day)s: the closing time must be after the opening time") % {"day": day}
                )
            elif bool(lunch_starts) != bool(lunch_ends):
                missing = "lunch_ends" if lunch_starts else "lunch_starts"
                self.add_error(
                    names[missing],
                    gettext("%(day)s: give both the start and the end of the lunch closure, or neither") % {"day": day},
                )
            elif lunch_starts and not (opens < lunch_starts < lunch_ends < closes):
                self.add_error(
                    names["lunch_starts"],
                    gettext("%(day)s: the lunch closure must start and end between opening and closing") % {"day": day},
                )
            else:
                self.days[weekday] = times
        return cleaned

    def save(self, contact_point: ContactPoint) -> None:
        """Keep a row for each open day and none for a closed one."""
        contact_point.opening_hours.exclude(weekday__in=self.days).delete()
        for weekday, times in self.days.items():
            OpeningHours.objects.update_or_create(contact_point=contact_point, weekday=weekday, defaults=times)


class CommitmentAreaForm(forms.ModelForm):
    class Meta:
        model = CommitmentArea
        fields = ["name", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


# --- Scenarios --------------------------------------------------------------------


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = [
            "title",
            "channel",
            "what_to_say",
            "cover_story",
            "what_not_to_do",
            "safety_notes",
            "emergency_plan",
            "good_practice",
            "good_practice_areas",
            "questionnaire_version",
            "contact_points",
            "visit_minutes",
            "questionnaire_minutes",
            "volunteers_needed",
            "shared_with_force",
            "practice",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in (
                "what_to_say",
                "cover_story",
                "what_not_to_do",
                "safety_notes",
                "emergency_plan",
                "good_practice",
            )  # fmt: skip
        } | {
            "good_practice_areas": forms.CheckboxSelectMultiple,
            "contact_points": forms.CheckboxSelectMultiple,
            "volunteers_needed": forms.Select(choices=[(1, _("One")), (2, _("Two"))]),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire_version"].queryset = QuestionnaireVersion.objects.select_related("questionnaire")
        self.fields["contact_points"].queryset = ContactPoint.objects.active().select_related("policing_area")
        # Optional in the database only for scenarios written before it existed.
        self.fields["emergency_plan"].required = True

    def clean(self):
        cleaned = super().clean()
        channel = cleaned.get("channel")
        points = cleaned.get("contact_points") or []
        wrong = [p.name for p in points if p.channel != channel]
        if wrong:
            self.add_error(
                "contact_points",
                gettext("These are not of the scenario's channel: %(names)s.") % {"names": ", ".join(wrong)},
            )
        return cleaned


class CommentForm(forms.ModelForm):
    class Meta:
        model = ScenarioComment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class LawfulnessForm(forms.Form):
    """The lawfulness checklist a scenario's submitter confirms, one box per item."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in LAWFULNESS_CHECKLIST:
            self.fields[name] = forms.BooleanField(
                label=label, required=True, error_messages={"required": f"Confirm: {label}"}
            )

    def confirmed(self) -> list[str]:
        return [name for name, _ in LAWFULNESS_CHECKLIST if self.cleaned_data.get(name)]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What needs to change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class SuggestionForm(forms.ModelForm):
    class Meta:
        model = ScenarioSuggestion
        fields = ["channel", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
