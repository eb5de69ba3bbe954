"""The questionnaire builder, versions and JSON export/import."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scenarios import services
from scenarios.models import Question, Questionnaire, QuestionnaireVersion
from scenarios.starter import STARTER_QUESTIONNAIRES

from .factories import QuestionFactory, SectionFactory, area


@pytest.fixture
def section(db):
    return SectionFactory()


def add_question(client, section, **data):
    return client.post(
        reverse("scenarios:question-add", args=[section.pk]),
        {"kind": "yes_no", "label": "Q?", "required": "on", "weight": 1, **data},
    )


def test_coordinator_builds_a_questionnaire_from_scratch(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(
        reverse("scenarios:questionnaire-create"), {"title": "Station visit", "channel": "front_desk"}
    )
    version = QuestionnaireVersion.objects.get(questionnaire__title="Station visit")
    assert response["Location"] == version.get_absolute_url()
    client.post(reverse("scenarios:section-add", args=[version.pk]), {"title": "Arriving"})
    section = version.sections.get()
    response = add_question(
        client, section, label="Were you greeted?", commitment_area=area().pk, expected_choice="yes"
    )
    assert response.status_code == 302
    question = section.questions.get()
    assert question.expected_answer is True
    response = add_question(
        client, section, kind="single_choice", label="How?", options_text="In person\nBy intercom",
        condition_question=question.pk, condition_values_text="yes",
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    follow_up = section.questions.get(label="How?")
    assert follow_up.condition_values == [True]
    assert [o["label"] for o in follow_up.options] == ["In person", "By intercom"]


def test_a_type_that_cannot_be_scored_is_saved_unscored(client_for, coordinator, section):
    client = client_for(coordinator)
    page = client.get(reverse("scenarios:question-add", args=[section.pk]), {"kind": "text"}).content.decode()
    assert "cannot be scored" in page and "Scores towards" not in page
    response = add_question(client, section, kind="text", label="Tell us", commitment_area=area().pk)
    assert response.status_code == 302
    assert section.questions.get().commitment_area is None


def test_moving_a_question_above_the_one_it_depends_on_is_refused(client_for, coordinator, section):
    first = QuestionFactory(section=section, order=1)
    second = QuestionFactory(section=section, order=2, condition_question=first, condition_values=[True])
    response = client_for(coordinator).post(reverse("scenarios:question-move-up", args=[second.pk]), follow=True)
    assert "Conditions can only use earlier questions" in response.content.decode()
    second.refresh_from_db()
    assert second.order == 2


def test_deleting_a_question_others_depend_on_is_refused(client_for, coordinator, section):
    first = QuestionFactory(section=section, order=1)
    QuestionFactory(section=section, order=2, condition_question=first, condition_values=[True])
    response = client_for(coordinator).post(reverse("scenarios:question-delete", args=[first.pk]), follow=True)
    assert "Other questions depend on this" in response.content.decode()
    assert Question.objects.filter(pk=first.pk).exists()


def test_builder_actions_refuse_get(client_for, coordinator, section):
    question = QuestionFactory(section=section)
    client = client_for(coordinator)
    assert client.get(reverse("scenarios:question-delete", args=[question.pk])).status_code == 405
    assert client.get(reverse("scenarios:version-create", args=[section.version.pk])).status_code == 405


def test_a_frozen_version_cannot_change_and_editing_makes_a_new_version(client_for, coordinator, section):
    question = QuestionFactory(section=section)
    version = section.version
    version.freeze()
    client = client_for(coordinator)
    add_question(client, section, label="Sneaked in?")
    assert section.questions.count() == 1
    with pytest.raises(ValidationError, match="frozen"):
        services.delete_item(item=question)
    client.post(reverse("scenarios:version-create", args=[version.pk]))
    new = version.questionnaire.versions.get(number=2)
    assert not new.is_frozen
    assert [q.label for q in new.questions_in_order()] == [question.label]
    assert section.questions.get() == question, "the old version keeps its questions for old answers"


def test_freezing_twice_keeps_the_first_time(section):
    version = section.version
    version.freeze()
    first = version.frozen_at
    version.freeze()
    assert version.frozen_at == first


@pytest.mark.parametrize("build", STARTER_QUESTIONNAIRES)
def test_starter_questionnaires_survive_a_json_round_trip(db, build):
    version = services.import_questionnaire(build())
    exported = services.export_version(version)
    again = services.import_questionnaire(json.loads(json.dumps(exported)))
    assert _without_refs(services.export_version(again)) == _without_refs(exported)


def _without_refs(data):
    text = json.dumps(data)
    for section in data["sections"]:
        for question in section["questions"]:
            text = text.replace(f'"{question["ref"]}"', '"ref"')
    return json.loads(text)


def test_loading_the_starter_set_twice_adds_nothing(db):
    services.load_starter_questionnaires()
    count = Questionnaire.objects.count()
    services.load_starter_questionnaires()
    assert Questionnaire.objects.count() == count == 5


def test_export_downloads_a_json_file(client_for, coordinator, section):
    QuestionFactory(section=section)
    response = client_for(coordinator).get(reverse("scenarios:questionnaire-export", args=[section.version.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["format_version"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not valid JSON"),
        (b'{"format_version": 99}', "not a questionnaire file"),
        (b'{"format_version": 1, "title": "X", "channel": "carrier_pigeon", "sections": []}', "channel"),
        (
            b'{"format_version": 1, "title": "X", "channel": "website", "sections": [{"title": "S", "questions": '
            b'[{"kind": "yes_no", "label": "Q", "condition": {"ref": "later", "values": [true]}}]}]}',
            "earlier question",
        ),
    ],
)
def test_a_bad_import_file_gets_a_clear_message_and_creates_nothing(client_for, coordinator, content, message):
    upload = io.BytesIO(content)
    upload.name = "questionnaire.json"
    response = client_for(coordinator).post(reverse("scenarios:questionnaire-import"), {"file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_the_preview_shows_every_section_as_a_volunteer_sees_it(client_for, coordinator):
    version = services.import_questionnaire(STARTER_QUESTIONNAIRES[1]())
    response = client_for(coordinator).get(reverse("scenarios:questionnaire-preview", args=[version.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Time until a person answered" in content
    assert "Minutes" in content and "Seconds" in content
    assert "data-condition-question" in content


@pytest.mark.parametrize("role", ["volunteer", "force_liaison"])
def test_the_builder_is_for_opcc_staff(role, request, client_for, section):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("scenarios:questionnaire-builder", args=[section.version.pk])).status_code == 403
    assert client.get(reverse("scenarios:questionnaire-preview", args=[section.version.pk])).status_code == 403


def test_the_commissioner_may_look_but_not_build(client_for, commissioner, section):
    client = client_for(commissioner)
    assert client.get(reverse("scenarios:questionnaire-builder", args=[section.version.pk])).status_code == 200
    assert add_question(client, section).status_code == 403
