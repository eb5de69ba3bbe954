"""Scenario approval: only the commissioner approves, never the author; approved content is frozen."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from scenarios import services
from scenarios.models import LAWFULNESS_CHECKLIST, Scenario, ScenarioStatus

from .factories import ScenarioFactory

ALL_CONFIRMED = [name for name, _ in LAWFULNESS_CHECKLIST]


@pytest.fixture
def submitted(coordinator):
    scenario = ScenarioFactory(author=coordinator)
    services.submit_scenario(scenario=scenario, by=coordinator, confirmed=ALL_CONFIRMED)
    scenario.refresh_from_db()
    return scenario


def test_commissioner_approves_a_submitted_scenario(client_for, commissioner, submitted):
    response = client_for(commissioner).post(reverse("scenarios:scenario-approve", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert response.status_code == 302
    assert submitted.status == ScenarioStatus.APPROVED
    assert submitted.questionnaire_version.is_frozen
    assert list(submitted.events.values_list("action", flat=True)) == ["submitted", "approved"]
    assert submitted in Scenario.objects.approved()


def test_approval_refuses_a_get(client_for, commissioner, submitted):
    assert client_for(commissioner).get(reverse("scenarios:scenario-approve", args=[submitted.pk])).status_code == 405


@pytest.mark.parametrize("role", ["coordinator", "force_liaison", "volunteer"])
def test_other_roles_cannot_approve(role, request, client_for, submitted):
    response = client_for(request.getfixturevalue(role)).post(
        reverse("scenarios:scenario-approve", args=[submitted.pk])
    )
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ScenarioStatus.SUBMITTED


def test_a_commissioner_cannot_approve_a_scenario_they_wrote(db):
    commissioner = UserFactory(roles=[Role.COMMISSIONER])
    scenario = ScenarioFactory(author=commissioner)
    services.submit_scenario(scenario=scenario, by=commissioner, confirmed=ALL_CONFIRMED)
    with pytest.raises(PermissionDenied, match="someone else must approve"):
        services.approve_scenario(scenario=scenario, by=commissioner)


def test_a_draft_cannot_be_approved_before_it_is_submitted(commissioner, coordinator):
    scenario = ScenarioFactory(author=coordinator)
    with pytest.raises(ValidationError, match="cannot be moved"):
        services.approve_scenario(scenario=scenario, by=commissioner)


def test_returning_needs_a_comment_and_lets_the_author_edit_again(client_for, commissioner, submitted):
    client = client_for(commissioner)
    client.post(reverse("scenarios:scenario-return", args=[submitted.pk]), {"comment": ""})
    submitted.refresh_from_db()
    assert submitted.status == ScenarioStatus.SUBMITTED
    client.post(
        reverse("scenarios:scenario-return", args=[submitted.pk]), {"comment": "Add what to do in an emergency."}
    )
    submitted.refresh_from_db()
    assert submitted.status == ScenarioStatus.RETURNED
    assert submitted.is_editable
    assert submitted.events.last().comment == "Add what to do in an emergency."


def test_an_approved_scenario_cannot_be_edited(client_for, coordinator, commissioner, submitted):
    services.approve_scenario(scenario=submitted, by=commissioner)
    client = client_for(coordinator)
    response = client.post(reverse("scenarios:scenario-edit", args=[submitted.pk]), {"title": "Changed"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.title != "Changed"


def test_a_revision_needs_approval_again_and_then_replaces_the_old_one(coordinator, commissioner, submitted):
    services.approve_scenario(scenario=submitted, by=commissioner)
    revision = services.revise_scenario(scenario=submitted, by=coordinator)
    assert revision.status == ScenarioStatus.DRAFT and revision.revision == 2
    assert submitted in Scenario.objects.approved(), "the old one stays schedulable meanwhile"
    services.submit_scenario(scenario=revision, by=coordinator, confirmed=ALL_CONFIRMED)
    services.approve_scenario(scenario=revision, by=commissioner)
    submitted.refresh_from_db()
    assert submitted.status == ScenarioStatus.RETIRED
    assert list(Scenario.objects.approved()) == [revision]


def test_editing_records_what_changed(client_for, coordinator):
    scenario = ScenarioFactory(author=coordinator)
    data = {
        "title": "A new title", "channel": scenario.channel, "what_to_say": scenario.what_to_say,
        "safety_notes": scenario.safety_notes, "emergency_plan": scenario.emergency_plan,
        "good_practice": scenario.good_practice,
        "questionnaire_version": scenario.questionnaire_version.pk, "visit_minutes": 10,
        "questionnaire_minutes": 20, "volunteers_needed": 2,
    }  # fmt: skip
    response = client_for(coordinator).post(reverse("scenarios:scenario-edit", args=[scenario.pk]), data)
    assert response.status_code == 302, response.content
    event = scenario.events.get(action="edited")
    assert event.changes["title"]["to"] == "A new title"


def test_an_in_person_scenario_needs_two_volunteers(client_for, coordinator):
    scenario = ScenarioFactory.build(author=coordinator)
    version = ScenarioFactory(author=coordinator).questionnaire_version
    data = {
        "title": "Solo visit", "channel": "front_desk", "what_to_say": "x", "safety_notes": "y",
        "good_practice": "z", "questionnaire_version": version.pk, "visit_minutes": 10,
        "questionnaire_minutes": 20, "volunteers_needed": 1,
    }  # fmt: skip
    response = client_for(coordinator).post(reverse("scenarios:scenario-create"), data)
    assert response.status_code == 200
    assert "needs two volunteers" in response.content.decode()
    assert not Scenario.objects.filter(title="Solo visit").exists()
    assert scenario.title


def test_commissioner_home_lists_scenarios_awaiting_approval(client_for, commissioner, submitted):
    response = client_for(commissioner).get(reverse("reports:commissioner-home"))
    assert submitted.title in response.content.decode()


def _edit_data(scenario, **changes):
    data = {
        "title": scenario.title, "channel": scenario.channel, "what_to_say": scenario.what_to_say,
        "safety_notes": scenario.safety_notes, "emergency_plan": scenario.emergency_plan,
        "good_practice": scenario.good_practice,
        "questionnaire_version": scenario.questionnaire_version.pk, "visit_minutes": 10,
        "questionnaire_minutes": 20, "volunteers_needed": 2,
    }  # fmt: skip
    return data | changes


def _refused_approval(client, scenario) -> None:
    page = client.get(reverse("scenarios:scenario-detail", args=[scenario.pk])).content.decode()
    assert "Approve this scenario" not in page
    assert "so another commissioner or delegate must approve it" in page
    assert scenario.title not in client.get(reverse("reports:commissioner-home")).content.decode()
    assert client.post(reverse("scenarios:scenario-approve", args=[scenario.pk])).status_code == 403
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SUBMITTED


def test_a_commissioner_who_edited_a_scenario_cannot_approve_it(client_for, coordinator, commissioner):
    scenario = ScenarioFactory(author=coordinator, title="Asking about a lost dog")
    client = client_for(commissioner)
    response = client.post(
        reverse("scenarios:scenario-edit", args=[scenario.pk]), _edit_data(scenario, what_to_say="Ask about a dog.")
    )
    assert response.status_code == 302, response.content
    services.submit_scenario(scenario=scenario, by=coordinator, confirmed=ALL_CONFIRMED)
    _refused_approval(client, scenario)


def test_a_commissioner_who_submitted_a_scenario_cannot_approve_it(client_for, coordinator, commissioner):
    scenario = ScenarioFactory(author=coordinator, title="Asking about a lost bicycle")
    client = client_for(commissioner)
    response = client.post(
        reverse("scenarios:scenario-submit", args=[scenario.pk]), dict.fromkeys(ALL_CONFIRMED, "on"), follow=True
    )
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SUBMITTED, response.content.decode()
    _refused_approval(client, scenario)


def test_a_commissioner_who_started_a_revision_cannot_approve_it(coordinator, commissioner, submitted):
    services.approve_scenario(scenario=submitted, by=commissioner)
    revision = services.revise_scenario(scenario=submitted, by=commissioner)
    services.submit_scenario(scenario=revision, by=coordinator, confirmed=ALL_CONFIRMED)
    with pytest.raises(PermissionDenied, match="someone else must approve"):
        services.approve_scenario(scenario=revision, by=commissioner)
    # Another commissioner, who had no hand in it, may.
    services.approve_scenario(scenario=revision, by=UserFactory(roles=[Role.COMMISSIONER]))


def test_commenting_or_returning_is_not_changing(client_for, coordinator, commissioner, submitted):
    services.return_scenario(scenario=submitted, by=commissioner, comment="Add the cover story.")
    services.submit_scenario(scenario=submitted, by=coordinator, confirmed=ALL_CONFIRMED)
    client_for(commissioner).post(reverse("scenarios:scenario-comment", args=[submitted.pk]), {"text": "Better."})
    services.approve_scenario(scenario=submitted, by=commissioner)
    submitted.refresh_from_db()
    assert submitted.status == ScenarioStatus.APPROVED
