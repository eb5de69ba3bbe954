"""Calibration: practice scenarios with an answer key, the booking rule, and practice kept out of results."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in_as
from reports import rollups
from reports.models import RollupRow
from scenarios.models import KeyAnswer
from scenarios.tests.factories import ContactPointFactory
from visits import calibration, capture, services
from visits.models import Answer, Submission, SubmissionStatus
from visits.tests.factories import approved_scenario, make_visit, next_weekday, ready_volunteer
from visits.tests.test_capture import build_version, q


def practice_scenario(coordinator, *, key=True):
    """An approved practice scenario on the usual test questionnaire, with a key of two answers."""
    scenario = approved_scenario(questionnaire_version=build_version(), practice=True)
    scenario.contact_points.add(ContactPointFactory(channel=scenario.channel))
    version = scenario.questionnaire_version
    if key:
        KeyAnswer.objects.create(
            scenario=scenario, question=q(version, "Were you greeted?"), value=True, updated_by=coordinator
        )
        KeyAnswer.objects.create(
            scenario=scenario, question=q(version, "How long did you wait?"), value=90, updated_by=coordinator
        )
    return scenario


def practise(volunteer, scenario, *, greeted=True, wait=90):
    """The volunteer does the practice through the services the pages use, and sends it."""
    user = volunteer.user
    assignment = calibration.start_practice(scenario=scenario, by=user)
    submission = capture.start(assignment=assignment, by=user)
    version = submission.version
    Answer.objects.create(submission=submission, question=q(version, "Were you greeted?"), value=greeted)
    if greeted:
        Answer.objects.create(
            submission=submission, question=q(version, "Did they give a reference number?"), value=True
        )
    Answer.objects.create(submission=submission, question=q(version, "How long did you wait?"), value=wait)
    return capture.submit(submission=submission, by=user)


def test_without_a_practice_scenario_nobody_needs_calibrating(coordinator):
    visit = make_visit(coordinator=coordinator)
    person = ready_volunteer()
    assert person in services.candidates_queryset(visit)
    assert not calibration.calibration_due(person)


def test_once_there_is_a_practice_scenario_only_calibrated_volunteers_can_be_booked(coordinator):
    scenario = practice_scenario(coordinator)
    visit = make_visit(coordinator=coordinator, day=next_weekday(weeks_ahead=2))
    new, practised = ready_volunteer(last_name="New"), ready_volunteer(last_name="Practised")
    practise(practised, scenario)
    offered = set(services.candidates_queryset(visit))
    assert practised in offered
    assert new not in offered
    reasons = dict(services.left_out(visit))
    assert "practice scenario (calibration)" in reasons[new]
    assert calibration.calibration_due(new)
    assert not calibration.calibration_due(practised)


def test_a_practice_without_a_key_does_not_make_calibration_required(coordinator):
    practice_scenario(coordinator, key=False)
    assert not calibration.calibration_required()


def test_calibration_lapses_after_a_year_like_training(coordinator):
    scenario = practice_scenario(coordinator)
    person = ready_volunteer()
    practise(person, scenario)
    with time_machine.travel(timezone.now() + timedelta(days=370)):
        assert calibration.calibration_due(person)


def test_a_practice_does_not_block_the_volunteer_from_its_contact_point_or_count_in_their_month(coordinator):
    scenario = practice_scenario(coordinator)
    person = ready_volunteer()
    practise(person, scenario)
    point = scenario.contact_points.get()
    visit = make_visit(coordinator=coordinator, contact_point=point, day=next_weekday(weeks_ahead=1))
    assert person in services.candidates_queryset(visit)


def test_a_practice_is_compared_with_the_key_question_by_question(coordinator):
    scenario = practice_scenario(coordinator)
    report = practise(ready_volunteer(), scenario, greeted=True, wait=30)
    result = calibration.key_agreement(report)
    by_label = {row.question.label: row for row in result.rows}
    assert by_label["Were you greeted?"].agrees is True
    assert by_label["How long did you wait?"].agrees is False
    assert by_label["Did they give a reference number?"].agrees is None  # not in the key
    assert (result.agreed, result.compared, result.percent) == (1, 2, 50)
    assert calibration.agreement_percents([report]) == {report.pk: 50}


def test_practice_reports_wait_for_nobodys_review_and_never_count_in_the_roll_ups(coordinator):
    scenario = practice_scenario(coordinator)
    report = practise(ready_volunteer(), scenario)
    assert report.practice
    assert not Submission.objects.awaiting_review().filter(pk=report.pk).exists()
    # Even approved (as a reviewer could not, but a future change might), it stays out of every roll-up.
    Submission.objects.filter(pk=report.pk).update(status=SubmissionStatus.APPROVED, needs_rollup=True)
    rollups.sweep()
    assert not Submission.objects.in_results().filter(pk=report.pk).exists()
    assert not RollupRow.objects.filter(reports__gt=0).exists()
    assert rollups.differences() == []


def test_live_scheduling_never_offers_a_practice_scenario(coordinator):
    from visits.forms import VisitForm

    scenario = practice_scenario(coordinator)
    assert scenario not in VisitForm().fields["scenario"].queryset


# --- The pages ----------------------------------------------------------------------------------


def test_a_volunteer_practises_through_the_pages_and_sees_their_agreement(client, coordinator):
    scenario = practice_scenario(coordinator)
    person = ready_volunteer()
    sign_in_as(client, person.user)
    page = client.get(reverse("visits:practice-list"))
    assert "You need to do a practice before you can be booked on a visit." in page.content.decode()
    response = client.post(reverse("visits:practice-start", args=[scenario.pk]))
    assignment = person.assignments.get()
    assert response["Location"] == reverse("visits:report-section", args=[assignment.pk, 1])
    client.post(reverse("visits:practice-start", args=[scenario.pk]))
    assert person.assignments.count() == 1, "starting twice carries on with the same practice"
    version = scenario.questionnaire_version
    client.post(
        reverse("visits:report-section", args=[assignment.pk, 1]),
        {
            f"q_{q(version, 'Were you greeted?').pk}": "yes",
            f"q_{q(version, 'Did they give a reference number?').pk}": "no",
        },
    )
    wait = q(version, "How long did you wait?").pk
    client.post(reverse("visits:report-section", args=[assignment.pk, 2]), {f"q_{wait}_0": "1", f"q_{wait}_1": "30"})
    client.post(reverse("visits:report-submit", args=[assignment.pk]))
    report = Submission.objects.get(assignment=assignment)
    assert report.status == SubmissionStatus.SUBMITTED and report.practice
    sent = client.get(reverse("visits:report-sent", args=[assignment.pk])).content.decode()
    assert reverse("visits:practice-result", args=[report.pk]) in sent
    result = client.get(reverse("visits:practice-result", args=[report.pk])).content.decode()
    assert "2 of 2" in result and "(100%)" in result
    assert "You did your last practice" in client.get(reverse("visits:practice-list")).content.decode()


def test_another_volunteer_cannot_see_someones_practice_but_opcc_staff_see_everyones(
    client, coordinator, commissioner, other_volunteer
):
    scenario = practice_scenario(coordinator)
    person = ready_volunteer(last_name="Calibrated")
    report = practise(person, scenario, wait=30)
    sign_in_as(client, other_volunteer)
    assert client.get(reverse("visits:practice-result", args=[report.pk])).status_code == 404
    for staff in (coordinator, commissioner):
        sign_in_as(client, staff)
        overview = client.get(reverse("visits:practice-overview")).content.decode()
        assert "Calibrated" in overview and "50%" in overview
        assert client.get(reverse("visits:practice-result", args=[report.pk])).status_code == 200


def test_the_overview_runs_a_fixed_number_of_queries(client, coordinator, django_assert_max_num_queries):
    scenario = practice_scenario(coordinator)
    for _ in range(3):
        practise(ready_volunteer(), scenario)
    sign_in_as(client, coordinator)
    client.get(reverse("visits:practice-overview"))  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("visits:practice-overview"))
    for _ in range(4):
        practise(ready_volunteer(), scenario)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("visits:practice-overview"))


def test_starting_a_practice_is_post_only_and_for_volunteers(client, coordinator):
    scenario = practice_scenario(coordinator)
    sign_in_as(client, ready_volunteer().user)
    assert client.get(reverse("visits:practice-start", args=[scenario.pk])).status_code == 405
    sign_in_as(client, coordinator)
    assert client.post(reverse("visits:practice-start", args=[scenario.pk])).status_code == 403


# --- The answer key -------------------------------------------------------------------------------


def test_a_coordinator_marks_a_practice_and_enters_its_key_on_the_page(client, coordinator):
    scenario = practice_scenario(coordinator, key=False)
    version = scenario.questionnaire_version
    sign_in_as(client, coordinator)
    page = client.get(reverse("scenarios:answer-key", args=[scenario.pk]))
    assert page.status_code == 200 and "Were you greeted?" in page.content.decode()
    wait = q(version, "How long did you wait?").pk
    response = client.post(
        reverse("scenarios:answer-key", args=[scenario.pk]),
        {f"q_{q(version, 'Were you greeted?').pk}": "no", f"q_{wait}_0": "2", f"q_{wait}_1": "0"},
    )
    assert response.status_code == 302
    assert dict(KeyAnswer.objects.filter(scenario=scenario).values_list("question__label", "value")) == {
        "Were you greeted?": False,
        "How long did you wait?": 120,
    }
    assert calibration.calibration_required()


def test_a_bad_key_answer_is_shown_on_its_field_and_nothing_is_lost(client, coordinator):
    scenario = practice_scenario(coordinator)
    wait = q(scenario.questionnaire_version, "How long did you wait?").pk
    sign_in_as(client, coordinator)
    response = client.post(reverse("scenarios:answer-key", args=[scenario.pk]), {f"q_{wait}_0": "soon"})
    assert response.status_code == 400
    assert "<title>Error: " in response.content.decode()
    assert KeyAnswer.objects.filter(scenario=scenario).count() == 2


def test_only_a_practice_scenario_has_an_answer_key_and_only_coordinators_keep_it(client, coordinator, commissioner):
    live = approved_scenario(questionnaire_version=build_version())
    sign_in_as(client, coordinator)
    assert client.get(reverse("scenarios:answer-key", args=[live.pk])).status_code == 404
    scenario = practice_scenario(coordinator)
    sign_in_as(client, commissioner)
    assert client.get(reverse("scenarios:answer-key", args=[scenario.pk])).status_code == 403


def test_the_scenario_form_marks_a_practice_scenario(client, coordinator):
    from scenarios.forms import ScenarioForm

    assert "practice" in ScenarioForm().fields
    scenario = practice_scenario(coordinator)
    sign_in_as(client, coordinator)
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert "Practice scenario" in page and reverse("scenarios:answer-key", args=[scenario.pk]) in page


@pytest.mark.parametrize("status", ["active"])
def test_the_volunteer_home_asks_for_a_practice_when_due(client, coordinator, status):
    practice_scenario(coordinator)
    person = ready_volunteer()
    sign_in_as(client, person.user)
    home = client.get(reverse("volunteers:volunteer-home")).content.decode()
    assert "Practise before your next visit" in home


def test_force_liaison_never_see_a_practice_scenario_even_if_shared_for_comment(client, coordinator, force_liaison):
    from scenarios.models import Scenario

    scenario = practice_scenario(coordinator)
    Scenario.objects.filter(pk=scenario.pk).update(shared_with_force=True)
    assert not Scenario.objects.visible_to(force_liaison).filter(pk=scenario.pk).exists()
    sign_in_as(client, force_liaison)
    assert client.get(scenario.get_absolute_url()).status_code == 404
    assert scenario.title not in client.get(reverse("scenarios:scenario-list")).content.decode()
