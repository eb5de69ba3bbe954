"""Questionnaires and scenarios in English and Welsh (issue 21): the Welsh sits beside the English, is shown on
Welsh pages, is carried into new versions and files, and is marked out of date when the English it was
written for changes."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from scenarios import services
from scenarios.models import CommitmentArea, Question, Questionnaire, QuestionType
from scenarios.starter import STARTER_QUESTIONNAIRES, WELSH_LANGUAGE_QUESTIONNAIRES, with_welsh

from .factories import QuestionFactory, ScenarioFactory, SectionFactory

pytestmark = pytest.mark.django_db
BOTH = [("en-gb", "English"), ("cy", "Cymraeg")]


def choice_question(**kwargs) -> Question:
    return QuestionFactory(
        kind=QuestionType.SINGLE_CHOICE,
        label="How did you get there?",
        options=[{"key": "bus", "label": "By bus"}, {"key": "car", "label": "By car"}],
        **kwargs,
    )


def test_a_welsh_page_shows_the_welsh_and_an_english_page_the_english():
    question = choice_question()
    question.set_welsh("label", "Sut daethoch chi yno?")
    question.set_welsh("options", {"bus": "Ar y bws", "car": "Mewn car"})
    question.save()
    question.refresh_from_db()
    assert question.shown("label") == "How did you get there?"
    with translation.override("cy"):
        assert question.shown("label") == "Sut daethoch chi yno?"
        assert [option["label"] for option in question.shown("options")] == ["Ar y bws", "Mewn car"]
        assert [option["key"] for option in question.shown("options")] == ["bus", "car"], "answers keep the keys"
        assert question.shown("help_text") == "", "no Welsh and no English: nothing"


def test_without_welsh_a_welsh_page_shows_the_english_rather_than_nothing():
    question = choice_question()
    with translation.override("cy"):
        assert question.shown("label") == "How did you get there?"
        assert question.shown("options")[0]["label"] == "By bus"
    assert question.welsh_missing == ["label", "options"]


def test_changing_the_english_marks_the_welsh_out_of_date_until_the_welsh_is_written_again():
    question = choice_question()
    question.set_welsh("label", "Sut daethoch chi yno?")
    question.set_welsh("options", {"bus": "Ar y bws", "car": "Mewn car"})
    question.save()
    assert question.welsh_out_of_date == []
    question.label = "How did you travel there?"
    question.save()
    question.refresh_from_db()
    assert question.welsh_out_of_date == ["label"]
    question.options = [*question.options, {"key": "walk", "label": "On foot"}]
    assert question.welsh_out_of_date == ["label", "options"], "a new option without Welsh"
    question.set_welsh("label", "Sut teithioch chi yno?")
    question.set_welsh("options", {"bus": "Ar y bws", "car": "Mewn car", "walk": "Ar droed"})
    assert question.welsh_out_of_date == []


def test_the_same_welsh_kept_after_the_english_changed_stays_out_of_date_until_confirmed():
    question = QuestionFactory(label="Were you greeted?")
    question.set_welsh("label", "A gawsoch eich cyfarch?")
    question.label = "Were you greeted politely?"
    question.set_welsh("label", "A gawsoch eich cyfarch?")  # the form saved again with the Welsh untouched
    assert question.welsh_out_of_date == ["label"]
    question.confirm_welsh("label")
    assert question.welsh_out_of_date == []


def test_a_new_version_carries_the_welsh_and_what_it_was_written_for():
    section = SectionFactory(title="Your enquiry")
    section.set_welsh("title", "Eich ymholiad")
    section.save()
    question = QuestionFactory(section=section, label="Were you greeted?")
    question.set_welsh("label", "A gawsoch eich cyfarch?")
    question.save()
    question.label = "Were you greeted politely?"  # changed after the Welsh was written
    question.save()
    new = services.new_version(version=section.version)
    copied = Question.objects.get(section__version=new)
    assert copied.welsh == {"label": "A gawsoch eich cyfarch?"}
    assert copied.welsh_out_of_date == ["label"], "still out of date in the new version"
    assert new.sections.get().welsh == {"title": "Eich ymholiad"}


def test_a_questionnaire_file_round_trips_its_welsh():
    question = choice_question()
    question.set_welsh("options", {"bus": "Ar y bws", "car": "Mewn car"})
    question.save()
    questionnaire = question.section.version.questionnaire
    questionnaire.set_welsh("title", "Holiadur")
    questionnaire.save()
    data = services.export_version(question.section.version)
    imported = services.import_questionnaire(data)
    assert imported.questionnaire.welsh == {"title": "Holiadur"}
    copied = Question.objects.get(section__version=imported)
    assert copied.welsh["options"] == {"bus": "Ar y bws", "car": "Mewn car"} and copied.welsh_out_of_date == []


def test_a_file_with_welsh_for_options_it_does_not_have_drops_them():
    question = choice_question()
    data = services.export_version(question.section.version)
    data["sections"][0]["questions"][0]["welsh"] = {"options": {"bus": "Ar y bws", "train": "Ar y trên"}, "label": 7}
    imported = services.import_questionnaire(data)
    copied = Question.objects.get(section__version=imported)
    assert copied.welsh == {"options": {"bus": "Ar y bws"}, "label": "7"}


@pytest.mark.parametrize(
    "build", STARTER_QUESTIONNAIRES + WELSH_LANGUAGE_QUESTIONNAIRES, ids=lambda b: b().get("title")
)
def test_every_text_of_every_starter_questionnaire_has_its_welsh(build):
    data = with_welsh(build())
    missing = [field for field in ("title", "description") if data[field] and field not in data["welsh"]]
    for section in data["sections"]:
        missing += [
            f"{section['title']}: {field}"
            for field in ("title", "intro")
            if section[field] and field not in section["welsh"]
        ]
        for question in section["questions"]:
            texts = ("label", "help_text", "rating_low_label", "rating_high_label")
            missing += [f"{question['label']}: {f}" for f in texts if question[f] and f not in question["welsh"]]
            options = question["welsh"].get("options", {})
            missing += [
                f"{question['label']}: {o['label']}" for o in question["options"] if str(o["key"]) not in options
            ]
    assert missing == []


def test_without_welsh_no_welsh_language_area_or_questionnaires_are_loaded():
    services.load_starter_questionnaires()
    assert not CommitmentArea.objects.filter(slug="welsh-language").exists()
    assert not Questionnaire.objects.filter(title__endswith="in Welsh").exists()


@override_settings(MYSTERYSHOP_WELSH=True, LANGUAGES=BOTH)
def test_with_welsh_each_channel_has_a_questionnaire_for_a_visit_made_in_welsh_scored_under_welsh_language():
    services.load_starter_questionnaires()
    area = CommitmentArea.objects.get(slug="welsh-language")
    assert area.welsh["name"] == "Y Gymraeg"
    assert not CommitmentArea.objects.filter(welsh={}).exists(), "every area has its Welsh name"
    in_welsh = Questionnaire.objects.filter(title__endswith="in Welsh")
    assert sorted(in_welsh.values_list("channel", flat=True)) == sorted(
        {build()["channel"] for build in STARTER_QUESTIONNAIRES}
    )
    for questionnaire in in_welsh:
        first = questionnaire.latest_version.sections.order_by("order").first()
        assert first.title == "Using Welsh" and first.welsh["title"] == "Defnyddio’r Gymraeg"
        assert first.questions.filter(commitment_area=area).count() >= 2
    phone = in_welsh.get(channel="phone_101").latest_version
    labels = list(Question.objects.filter(section__version=phone).values_list("label", flat=True))
    assert "Was the greeting on the line in Welsh as well as English?" in labels
    assert "Did you get through to a person?" in labels, "the channel's own questions follow"
    assert services.load_starter_questionnaires() == [], "loading again adds nothing"


def test_a_scenario_briefing_is_shown_in_welsh_where_there_is_welsh():
    scenario = ScenarioFactory(what_to_say="Ask about lost property.")
    scenario.set_welsh("what_to_say", "Gofynnwch am eiddo coll.")
    with translation.override("cy"):
        assert scenario.shown("what_to_say") == "Gofynnwch am eiddo coll."
        assert scenario.shown("title") == scenario.title
