"""The Welsh pages a coordinator translates on: every English text beside a box for its Welsh, out-of-date Welsh
marked with the English it was written for, and nothing frozen changed (issue 21)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from scenarios.models import CommitmentArea, Question, QuestionType, ScenarioStatus

from .factories import QuestionFactory, ScenarioFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def question():
    section = SectionFactory(title="Your enquiry", intro="How it went.")
    return QuestionFactory(
        section=section,
        kind=QuestionType.SINGLE_CHOICE,
        label="How did you get there?",
        help_text="Choose one.",
        options=[{"key": "bus", "label": "By bus"}, {"key": "car", "label": "By car"}],
    )


def box_names(page: str) -> set[str]:
    return set(re.findall(r'name="([a-z]\d+-[a-z_]+(?:-[a-z0-9_-]+)?)"', page))


def test_every_text_of_the_version_has_a_welsh_box_marked_as_welsh(client_for, coordinator, question):
    version = question.section.version
    page = client_for(coordinator).get(reverse("scenarios:questionnaire-welsh", args=[version.pk])).content.decode()
    q, s = question.pk, question.section.pk
    assert box_names(page) >= {
        f"s{s}-title", f"s{s}-intro", f"x{q}-label", f"x{q}-help_text", f"x{q}-options-bus", f"x{q}-options-car",
    }  # fmt: skip
    assert f"x{q}-rating_low_label" not in page, "a choice question has no rating labels to translate"
    assert "English: How did you get there?" in page and 'lang="cy"' in page
    assert "texts have no Welsh yet" in page


def test_saving_the_welsh_keeps_it_and_a_welsh_page_shows_it(client_for, coordinator, question):
    client = client_for(coordinator)
    url = reverse("scenarios:questionnaire-welsh", args=[question.section.version.pk])
    q = question.pk
    response = client.post(
        url, {f"x{q}-label": "Sut daethoch chi yno?", f"x{q}-options-bus": "Ar y bws", f"x{q}-options-car": ""}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.welsh == {"label": "Sut daethoch chi yno?", "options": {"bus": "Ar y bws"}}
    assert question.welsh_out_of_date == ["options"], "an option still without Welsh is to be looked at"
    follow = client.get(url).content.decode()
    assert 'value="Sut daethoch chi yno?"' in follow


def test_english_changed_after_the_welsh_shows_out_of_date_until_confirmed(client_for, coordinator, question):
    client = client_for(coordinator)
    url = reverse("scenarios:questionnaire-welsh", args=[question.section.version.pk])
    q = question.pk
    client.post(url, {f"x{q}-label": "Sut daethoch chi yno?"})
    Question.objects.filter(pk=q).update(label="How did you travel there?")
    page = client.get(url).content.decode()
    assert "Welsh out of date" in page and "The Welsh was written for: “How did you get there?”" in page
    assert f'name="x{q}-label-fits"' in page
    client.post(url, {f"x{q}-label": "Sut daethoch chi yno?", f"x{q}-label-fits": "on"})
    question.refresh_from_db()
    assert question.welsh_out_of_date == []
    assert "Welsh out of date" not in client.get(url).content.decode()


def test_a_frozen_version_shows_its_welsh_and_changes_nothing(client_for, coordinator, question):
    version = question.section.version
    version.frozen_at = timezone.now()
    version.save()
    client = client_for(coordinator)
    url = reverse("scenarios:questionnaire-welsh", args=[version.pk])
    page = client.get(url).content.decode()
    assert "Make a new version to change its Welsh" in page and "Save the Welsh" not in page
    response = client.post(url, {f"x{question.pk}-label": "Sut?"}, follow=True)
    assert "Make a new version to change its Welsh" in response.content.decode()
    question.refresh_from_db()
    assert question.welsh == {}


def test_a_draft_scenario_briefing_is_translated_and_the_change_is_in_its_history(client_for, coordinator):
    scenario = ScenarioFactory(status=ScenarioStatus.DRAFT, what_to_say="Ask about lost property.")
    client = client_for(coordinator)
    url = reverse("scenarios:scenario-welsh", args=[scenario.pk])
    assert f'name="b{scenario.pk}-what_to_say"' in client.get(url).content.decode()
    client.post(url, {f"b{scenario.pk}-what_to_say": "Gofynnwch am eiddo coll."})
    scenario.refresh_from_db()
    assert scenario.welsh == {"what_to_say": "Gofynnwch am eiddo coll."}
    assert scenario.events.filter(action="Welsh changed", by=coordinator).exists()


def test_an_approved_scenario_needs_a_revision_to_change_its_welsh(client_for, coordinator):
    scenario = ScenarioFactory(status=ScenarioStatus.APPROVED, approved_before_checklist=True)
    client = client_for(coordinator)
    url = reverse("scenarios:scenario-welsh", args=[scenario.pk])
    assert "Start a new revision to change its Welsh" in client.get(url).content.decode()
    client.post(url, {f"b{scenario.pk}-title": "Teitl"})
    scenario.refresh_from_db()
    assert scenario.welsh == {}


def test_the_commitment_areas_are_translated_together(client_for, coordinator):
    area = CommitmentArea.objects.get(slug="professional-service")
    client_for(coordinator).post(
        reverse("scenarios:commitment-area-welsh"), {f"a{area.pk}-name": "Darparu gwasanaeth proffesiynol"}
    )
    area.refresh_from_db()
    assert area.welsh == {"name": "Darparu gwasanaeth proffesiynol"}
