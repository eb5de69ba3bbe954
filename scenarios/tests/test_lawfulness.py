"""Lawful scenarios: no submission without the lawfulness checklist, no approval without one, kept in history."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from conftest import PATIENCE
from scenarios import services
from scenarios.models import LAWFULNESS_CHECKLIST, LawfulnessCheck, Scenario, ScenarioStatus

from .factories import ScenarioFactory

ALL_CONFIRMED = [name for name, _ in LAWFULNESS_CHECKLIST]
CHECKLIST_POST = dict.fromkeys(ALL_CONFIRMED, "on")


def test_the_submit_form_has_the_four_checklist_boxes(client_for, coordinator):
    scenario = ScenarioFactory(author=coordinator)
    page = client_for(coordinator).get(scenario.get_absolute_url()).content.decode()
    for name in ("no_false_report", "no_emergency_lines", "no_harmful_deception", "emergency_plan_included"):
        assert f'name="{name}"' in page


def test_submitting_with_every_box_ticked_keeps_who_confirmed_what_and_when(client_for, coordinator):
    scenario = ScenarioFactory(author=coordinator)
    response = client_for(coordinator).post(reverse("scenarios:scenario-submit", args=[scenario.pk]), CHECKLIST_POST)
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SUBMITTED
    check = scenario.lawfulness_check
    assert check.confirmed_by == coordinator
    assert check.event.action == "submitted"
    assert check.emergency_plan == scenario.emergency_plan
    assert all(confirmed for _, confirmed in check.items())


def test_submitting_with_a_box_missing_says_which_and_changes_nothing(client_for, coordinator):
    scenario = ScenarioFactory(author=coordinator)
    data = {name: "on" for name in ALL_CONFIRMED if name != "no_emergency_lines"}
    response = client_for(coordinator).post(reverse("scenarios:scenario-submit", args=[scenario.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_no_emergency_lines"' in page
    assert "never uses 999" in page
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.DRAFT
    assert not LawfulnessCheck.objects.exists()


def test_the_service_refuses_a_submission_without_the_checklist(coordinator):
    scenario = ScenarioFactory(author=coordinator)
    with pytest.raises(ValidationError, match="lawfulness checklist"):
        services.submit_scenario(scenario=scenario, by=coordinator, confirmed=ALL_CONFIRMED[:3])
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.DRAFT


def test_the_service_refuses_a_submission_without_an_emergency_plan(coordinator):
    scenario = ScenarioFactory(author=coordinator, emergency_plan="")
    with pytest.raises(ValidationError, match="emergency plan"):
        services.submit_scenario(scenario=scenario, by=coordinator, confirmed=ALL_CONFIRMED)


def test_the_emergency_plan_is_required_on_the_form(client_for, coordinator):
    scenario = ScenarioFactory(author=coordinator)
    data = {
        "title": scenario.title, "channel": scenario.channel, "what_to_say": scenario.what_to_say,
        "safety_notes": scenario.safety_notes, "emergency_plan": "", "good_practice": scenario.good_practice,
        "questionnaire_version": scenario.questionnaire_version.pk, "visit_minutes": 10,
        "questionnaire_minutes": 20, "volunteers_needed": 2,
    }  # fmt: skip
    response = client_for(coordinator).post(reverse("scenarios:scenario-edit", args=[scenario.pk]), data)
    assert response.status_code == 200
    assert 'href="#id_emergency_plan"' in response.content.decode()


def test_approval_is_refused_without_the_checklist(client_for, coordinator, commissioner):
    # A scenario submitted before the checklist existed (as the migration leaves them).
    scenario = ScenarioFactory(author=coordinator, status=ScenarioStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="no confirmed lawfulness checklist"):
        services.approve_scenario(scenario=scenario, by=commissioner)
    response = client_for(commissioner).post(reverse("scenarios:scenario-approve", args=[scenario.pk]), follow=True)
    assert "no confirmed lawfulness checklist" in response.content.decode()
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SUBMITTED


def test_the_database_refuses_an_approved_scenario_without_the_checklist(coordinator):
    scenario = ScenarioFactory(author=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.filter(pk=scenario.pk).update(status=ScenarioStatus.APPROVED)


def test_approval_history_shows_the_checklist(client_for, coordinator, commissioner):
    scenario = ScenarioFactory(author=coordinator)
    services.submit_scenario(scenario=scenario, by=coordinator, confirmed=ALL_CONFIRMED)
    services.approve_scenario(scenario=scenario, by=commissioner)
    page = client_for(commissioner).get(scenario.get_absolute_url()).content.decode()
    assert "Confirmed: It never uses 999 or ties up emergency lines." in page


def test_a_revision_of_a_scenario_approved_before_the_checklist_must_confirm_it(coordinator, commissioner):
    old = ScenarioFactory(author=coordinator, emergency_plan="")
    Scenario.objects.filter(pk=old.pk).update(status=ScenarioStatus.APPROVED, approved_before_checklist=True)
    old.refresh_from_db()
    revision = services.revise_scenario(scenario=old, by=coordinator)
    assert revision.approved_before_checklist is False
    assert revision.lawfulness_check is None
    with pytest.raises(ValidationError, match="emergency plan"):
        services.submit_scenario(scenario=revision, by=coordinator, confirmed=ALL_CONFIRMED)


def test_volunteers_see_the_emergency_plan_in_their_briefing(client_for, coordinator):
    from visits import services as visit_services
    from visits.tests.factories import approved_scenario, make_visit, ready_volunteer

    scenario = approved_scenario(emergency_plan="Leave together and ring the coordinator.")
    visit = make_visit(coordinator=coordinator, scenario=scenario)
    assignment = visit_services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    page = (
        client_for(assignment.volunteer.user)
        .get(reverse("visits:assignment-detail", args=[assignment.pk]))
        .content.decode()
    )
    assert "Leave together and ring the coordinator." in page


def test_the_checklist_and_its_errors_are_accessible(browser, client_for, coordinator):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from conftest import accessibility_problems, browser_sign_in

    scenario = ScenarioFactory(author=coordinator)
    browser_sign_in(browser, client_for(coordinator))
    assert accessibility_problems(browser, [scenario.get_absolute_url()]) == {}
    # Sent with a box left empty: the page comes back with the error summary linked to that box.
    browser.get(browser.base_url + scenario.get_absolute_url())
    for name in ALL_CONFIRMED[:3]:
        browser.find_element(By.NAME, name).click()
    browser.find_element(By.XPATH, "//button[normalize-space()='Submit for approval']").click()
    summary = WebDriverWait(browser, PATIENCE).until(
        lambda b: b.find_element(By.CSS_SELECTOR, "[data-error-summary] a")
    )
    assert summary.get_attribute("href").endswith("#id_emergency_plan_included")
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.DRAFT
