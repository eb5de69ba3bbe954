"""The form volunteers answer with (and the preview shows)."""

import pytest

from scenarios.forms import SectionForm
from scenarios.models import QuestionType

from .factories import QuestionFactory, SectionFactory


@pytest.fixture
def section(db):
    section = SectionFactory()
    section.reached = QuestionFactory(section=section, order=1, label="Did you get through?")
    section.name_given = QuestionFactory(
        section=section, order=2, label="Did they give their name?",
        condition_question=section.reached, condition_values=[True],
    )  # fmt: skip
    section.wait = QuestionFactory(section=section, order=3, kind=QuestionType.DURATION, label="Time to answer")
    return section


def field(section, question):
    return SectionForm.field_name(question)


def test_answers_come_back_as_stored_values(section):
    form = SectionForm(section, data={
        field(section, section.reached): "yes", field(section, section.name_given): "no",
        f"{field(section, section.wait)}_0": "2", f"{field(section, section.wait)}_1": "5",
    })  # fmt: skip
    assert form.is_valid(), form.errors
    assert form.answer_values() == {section.reached.pk: True, section.name_given.pk: False, section.wait.pk: 125}


def test_a_hidden_question_is_not_required_and_its_stale_answer_is_dropped(section):
    form = SectionForm(section, data={
        field(section, section.reached): "no", field(section, section.name_given): "yes",
        f"{field(section, section.wait)}_0": "0", f"{field(section, section.wait)}_1": "30",
    })  # fmt: skip
    assert form.is_valid(), form.errors
    assert section.name_given.pk not in form.answer_values()


def test_a_shown_required_question_left_blank_gets_a_plain_message_naming_the_question(section):
    form = SectionForm(section, data={field(section, section.reached): "yes"})
    assert not form.is_valid()
    assert form.errors[field(section, section.name_given)] == [f"Select yes or no for “{section.name_given.label}”"]
    assert form.errors[field(section, section.wait)] == [f"Enter the minutes and seconds for “{section.wait.label}”"]


def test_seconds_over_59_are_refused_clearly(section):
    form = SectionForm(section, data={
        field(section, section.reached): "no",
        f"{field(section, section.wait)}_0": "1", f"{field(section, section.wait)}_1": "75",
    })  # fmt: skip
    assert not form.is_valid()
    assert form.errors[field(section, section.wait)] == [f"The seconds for “{section.wait.label}” must be 59 or fewer"]


def test_minutes_alone_are_whole_minutes(section):
    form = SectionForm(section, data={field(section, section.reached): "no", f"{field(section, section.wait)}_0": "3"})
    assert form.is_valid(), form.errors
    assert form.answer_values()[section.wait.pk] == 180


def test_saved_answers_fill_the_form_again(section):
    form = SectionForm(section, initial={section.reached.pk: True, section.wait.pk: 125})
    html = form.as_div()
    assert 'value="2"' in html and 'value="5"' in html
    assert form[field(section, section.reached)].value() == "yes"


def test_a_condition_on_an_earlier_section_uses_answers_so_far(section):
    later_section = SectionFactory(version=section.version, order=section.order + 1)
    follow_up = QuestionFactory(section=later_section, condition_question=section.reached, condition_values=[True])
    hidden = SectionForm(later_section, data={}, answers_so_far={section.reached.pk: False})
    assert hidden.is_valid()
    shown = SectionForm(later_section, data={}, answers_so_far={section.reached.pk: True})
    assert not shown.is_valid()
    assert SectionForm.field_name(follow_up) in shown.errors
