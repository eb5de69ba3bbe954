"""Questions: conditions point backwards, scoring rules fit the type, and how answers score."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from scenarios.models import Question, QuestionType

from .factories import QuestionFactory, SectionFactory, area


@pytest.fixture
def section(db):
    return SectionFactory()


def test_a_condition_on_an_earlier_question_is_accepted(section):
    first = QuestionFactory(section=section, order=1)
    later = Question(
        section=section, order=2, kind="yes_no", label="Later?", condition_question=first, condition_values=[True]
    )
    later.full_clean()


def test_a_condition_on_a_later_question_is_refused_with_a_clear_message(section):
    later = QuestionFactory(section=section, order=5)
    earlier = Question(
        section=section, order=1, kind="yes_no", label="Earlier?", condition_question=later, condition_values=[True]
    )
    with pytest.raises(ValidationError, match="can only use an earlier question"):
        earlier.full_clean()


def test_a_question_cannot_depend_on_itself(section):
    question = QuestionFactory(section=section)
    question.condition_question, question.condition_values = question, [True]
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        question.full_clean()


def test_a_condition_must_name_a_value_the_earlier_question_can_take(section):
    first = QuestionFactory(section=section, order=1)
    later = Question(
        section=section, order=2, kind="yes_no", label="Later?", condition_question=first, condition_values=["maybe"]
    )
    with pytest.raises(ValidationError, match="Choose which answers"):
        later.full_clean()


def test_a_condition_cannot_use_another_questionnaire(section):
    elsewhere = QuestionFactory()
    question = Question(
        section=section, order=1, kind="yes_no", label="Q?", condition_question=elsewhere, condition_values=[True]
    )
    with pytest.raises(ValidationError, match="same questionnaire"):
        question.full_clean()


@pytest.mark.parametrize("kind", [QuestionType.TEXT, QuestionType.DATE, QuestionType.TIME])
def test_free_text_dates_and_times_cannot_be_scored(section, kind):
    question = Question(section=section, kind=kind, label="Q", commitment_area=area())
    with pytest.raises(ValidationError, match="cannot be scored"):
        question.full_clean()


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        (QuestionType.YES_NO, {}, "Choose the answer that meets"),
        (QuestionType.YES_NO, {"expected_answer": "yes"}, "Choose the answer that meets"),
        (QuestionType.RATING, {"minimum": Decimal(7)}, "lowest rating"),
        (QuestionType.DURATION, {}, "target time in seconds"),
        (QuestionType.NUMBER, {}, "lowest or a highest number"),
        (
            QuestionType.SINGLE_CHOICE,
            {"options": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}], "expected_answer": ["z"]},
            "options that meet",
        ),
    ],
)
def test_a_scoring_rule_must_fit_the_question_type(section, kind, fields, message):
    question = Question(section=section, kind=kind, label="Q", commitment_area=area(), **fields)
    with pytest.raises(ValidationError, match=message):
        question.full_clean()


def test_a_choice_question_needs_two_distinct_options(section):
    question = Question(
        section=section, kind=QuestionType.SINGLE_CHOICE, label="Q", options=[{"key": "a", "label": "A"}]
    )
    with pytest.raises(ValidationError, match="at least two options"):
        question.full_clean()


def scored(kind, **fields):
    return Question(kind=kind, label="Q", commitment_area=area(), **fields)


@pytest.mark.django_db
def test_meets_commitment_for_each_rule():
    assert scored("yes_no", expected_answer=True).meets_commitment(True) is True
    assert scored("yes_no", expected_answer=True).meets_commitment(False) is False
    assert scored("yes_no_na", expected_answer="yes").meets_commitment("na") is None
    assert scored("rating", minimum=Decimal(4)).meets_commitment(4) is True
    assert scored("rating", minimum=Decimal(4)).meets_commitment(3) is False
    assert scored("duration", maximum=Decimal(300)).meets_commitment(300) is True
    assert scored("duration", maximum=Decimal(300)).meets_commitment(301) is False
    assert scored("number", maximum=Decimal(4)).meets_commitment(5) is False
    assert scored("multiple_choice", expected_answer=["a"]).meets_commitment(["b", "a"]) is True
    assert Question(kind="yes_no", label="Q").meets_commitment(True) is None, "not scored"


@pytest.mark.django_db
@given(seconds=st.integers(0, 36_000), target=st.integers(1, 3_600))
def test_a_duration_meets_its_target_exactly_when_within_it(seconds, target):
    assert scored("duration", maximum=Decimal(target)).meets_commitment(seconds) is (seconds <= target)


def test_is_shown_follows_the_condition(section):
    first = QuestionFactory(section=section, order=1)
    later = QuestionFactory(section=section, order=2, condition_question=first, condition_values=[True])
    assert later.is_shown({first.pk: True})
    assert not later.is_shown({first.pk: False})
    assert not later.is_shown({})


# --- Cases a mutation run showed untested (each comment names a mutant it kills) --------------


@pytest.mark.django_db
def test_a_number_meets_its_range_at_both_ends_and_not_beyond():
    # Kills `number >= self.minimum` → `>` and `number <= self.maximum` → `<` (the ends stop meeting it).
    between = scored("number", minimum=Decimal(3), maximum=Decimal(5))
    assert between.meets_commitment(3) is True
    assert between.meets_commitment(5) is True
    assert between.meets_commitment("2.9") is False
    assert between.meets_commitment("5.1") is False


@pytest.mark.django_db
def test_a_number_with_no_minimum_or_no_maximum_is_open_on_that_side():
    # Kills `self.minimum is None or ...` → `self.minimum is not None and ...` (and the same for the maximum),
    # which would make every number fail a rule with only one end.
    assert scored("number", maximum=Decimal(4)).meets_commitment(-1000) is True
    assert scored("number", maximum=Decimal(4)).meets_commitment(0) is True
    assert scored("number", minimum=Decimal(3)).meets_commitment(1_000_000) is True
    assert scored("number", minimum=Decimal(3)).meets_commitment(2) is False


def test_a_condition_on_a_multiple_choice_answer_shows_when_any_chosen_value_is_listed():
    # Kills `any(...)` → `all(...)` and a dropped list branch (a list is never `in` the values).
    later = Question(kind="yes_no", label="Q", condition_question_id=1, condition_values=["a", "b"])
    assert later.is_shown({1: ["c", "b"]})
    assert later.is_shown({1: ["a"]})
    assert not later.is_shown({1: ["c", "d"]})
    assert not later.is_shown({1: []})
    assert later.is_shown({1: "a"}) and not later.is_shown({1: "c"})
