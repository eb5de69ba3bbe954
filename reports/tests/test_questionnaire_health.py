"""Agreement per question from the pairs' reports, the questionnaire health page, and pilot versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in_as, wait_until
from reports import agreement, rollups
from reports.models import RollupRow
from scenarios.models import QuestionnaireVersion
from scenarios.tests.factories import QuestionnaireVersionFactory
from visits import capture, services
from visits.models import Answer, Submission
from visits.tests.factories import approved_scenario, make_visit, next_weekday, ready_volunteer
from visits.tests.test_capture import build_version, q


def paired_visit(coordinator, scenario, answers, *, weeks_ahead=1, hour=10, pilot=None, approve=False):
    """A visit whose two volunteers answered "Were you greeted?" as `answers` (two values) and sent."""
    visit = make_visit(coordinator=coordinator, scenario=scenario, day=next_weekday(weeks_ahead=weeks_ahead), hour=hour)
    if pilot:
        services.set_pilot_version(visit=visit, version=pilot, by=coordinator)
    people = [ready_volunteer(), ready_volunteer()]
    assignments = [services.assign(visit=visit, volunteer=person, by=coordinator) for person in people]
    reports = []
    with time_machine.travel(visit.starts_at + timedelta(minutes=20)):
        for assignment, greeted in zip(assignments, answers, strict=True):
            report = capture.start(assignment=assignment, by=assignment.volunteer.user)
            version = report.version
            Answer.objects.create(submission=report, question=q(version, "Were you greeted?"), value=greeted)
            if greeted:
                Answer.objects.create(submission=report, question=q(version, "Did they give a reference number?"), value=True)  # fmt: skip
            Answer.objects.create(submission=report, question=q(version, "How long did you wait?"), value=60)
            report = capture.submit(submission=report, by=assignment.volunteer.user)
            if approve:
                report = capture.approve(submission=report, by=coordinator)
            reports.append(report)
    return visit, reports


def whole_period():
    now = timezone.now()
    return {"start": now - timedelta(days=400), "end": now + timedelta(days=400)}


def test_agreement_per_question_comes_from_each_visits_pair(coordinator):
    scenario = approved_scenario(questionnaire_version=build_version())
    # 3 visits agreeing (yes/yes, yes/yes, no/no) and 1 disagreeing (yes/no).
    for n, answers in enumerate([(True, True), (True, True), (False, False), (True, False)]):
        paired_visit(coordinator, scenario, answers, hour=(9, 11, 14, 15)[n])
    rows = {row.question.label: row for row in agreement.question_agreement(**whole_period())}
    greeted = rows["Were you greeted?"].figures
    assert greeted.n == 4
    assert greeted.raw == pytest.approx(0.75)
    expected = agreement.agreement([(True, True), (True, True), (False, False), (True, False)], [True, False])
    assert greeted.kappa == pytest.approx(expected.kappa)
    assert "How long did you wait?" not in rows, "durations are not compared"
    assert "Did they give a reference number?" in rows  # only where both answered it


def test_a_visit_with_one_report_or_outside_the_period_gives_no_pair(coordinator):
    scenario = approved_scenario(questionnaire_version=build_version())
    visit, _ = paired_visit(coordinator, scenario, (True, False))
    now = timezone.now()
    assert agreement.question_agreement(start=now - timedelta(days=400), end=now - timedelta(days=1)) == []
    Submission.objects.filter(assignment__visit=visit).first().delete()
    assert agreement.question_agreement(**whole_period()) == []


def test_the_health_page_lists_low_agreement_questions_with_settable_thresholds(client, coordinator):
    scenario = approved_scenario(questionnaire_version=build_version())
    for n, answers in enumerate([(True, False), (False, True), (True, True)]):
        paired_visit(coordinator, scenario, answers, hour=(9, 11, 14, 15)[n])
    sign_in_as(client, coordinator)
    url = reverse("reports:questionnaire-health")
    today = timezone.localdate()
    period = {"start": (today - timedelta(days=300)).isoformat(), "end": (today + timedelta(days=60)).isoformat()}
    default = client.get(url, period | {"kappa_below": "0.4", "min_pairs": "20"}).content.decode()
    assert "No question has at least 20 paired answers" in default
    low = client.get(url, period | {"kappa_below": "0.4", "min_pairs": "3"}).content.decode()
    candidates = low.split("Candidates to reword")[1].split("Every question")[0]
    assert "Were you greeted?" in candidates
    strict = client.get(url, period | {"kappa_below": "-0.9", "min_pairs": "3"}).content.decode()
    assert "Were you greeted?" not in strict.split("Candidates to reword")[1].split("Every question")[0]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start": "2026-05-01", "end": "2026-04-01", "kappa_below": "0.4", "min_pairs": "20"},
            "on or after its start",
        ),
        ({"start": "2024-01-01", "end": "2026-04-01", "kappa_below": "0.4", "min_pairs": "20"}, "a year or less"),
        (
            {"start": "2026-01-01", "end": "2026-04-01", "kappa_below": "2", "min_pairs": "20"},
            "less than or equal to 1",
        ),
        ({"start": "soon", "end": "2026-04-01", "kappa_below": "0.4", "min_pairs": "1"}, "Enter a valid date"),
    ],
)
def test_bad_health_settings_are_shown_on_the_page(client, coordinator, params, message):
    sign_in_as(client, coordinator)
    response = client.get(reverse("reports:questionnaire-health"), params)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page and message in page


def test_the_health_page_runs_a_fixed_number_of_queries(client, coordinator, django_assert_max_num_queries):
    scenario = approved_scenario(questionnaire_version=build_version())
    paired_visit(coordinator, scenario, (True, False))
    sign_in_as(client, coordinator)
    url = reverse("reports:questionnaire-health")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(3):
        paired_visit(coordinator, scenario, (True, True), weeks_ahead=2 + n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_only_opcc_staff_open_the_health_page(client, coordinator, commissioner, volunteer, force_liaison):
    url = reverse("reports:questionnaire-health")
    for user, status in ((coordinator, 200), (commissioner, 200), (volunteer, 403), (force_liaison, 403)):
        sign_in_as(client, user)
        assert client.get(url).status_code == status


# --- Pilot versions -------------------------------------------------------------------------------


def pilot_of(scenario):
    """A second version of the scenario's questionnaire, as a coordinator would make it."""
    from scenarios.services import new_version

    return new_version(version=scenario.questionnaire_version)


def test_a_pilot_visits_reports_use_the_pilot_version_are_reviewed_and_never_count(coordinator):
    scenario = approved_scenario(questionnaire_version=build_version())
    pilot = pilot_of(scenario)
    visit, reports = paired_visit(coordinator, scenario, (True, False), pilot=pilot)
    assert all(report.version_id == pilot.pk and report.pilot for report in reports)
    assert set(Submission.objects.awaiting_review()) == set(reports), "pilot reports are reviewed like any other"
    for report in reports:
        capture.approve(submission=report, by=coordinator)
    rollups.sweep()
    assert not Submission.objects.in_results().exists()
    assert not RollupRow.objects.filter(reports__gt=0).exists()
    assert rollups.differences() == []
    rows = agreement.question_agreement(**whole_period())
    assert rows and all(row.pilot for row in rows)
    assert {row.question.section.version_id for row in rows} == {pilot.pk}


def test_the_health_page_shows_pilot_versions_apart(client, coordinator):
    scenario = approved_scenario(questionnaire_version=build_version())
    paired_visit(coordinator, scenario, (True, True), pilot=pilot_of(scenario))
    sign_in_as(client, coordinator)
    today = timezone.localdate()
    period = {"start": (today - timedelta(days=300)).isoformat(), "end": (today + timedelta(days=60)).isoformat()}
    page = client.get(reverse("reports:questionnaire-health"), period | {"kappa_below": "0.4", "min_pairs": "20"})
    page = page.content.decode()
    pilot_part = page.split("<h2>Pilot versions</h2>")[1]
    assert "Were you greeted?" in pilot_part
    assert "No visit in this period has two sent reports yet." in page


def test_a_coordinator_sets_a_pilot_on_the_visit_page_until_a_report_is_started(client, coordinator):
    scenario = approved_scenario(questionnaire_version=build_version())
    pilot = pilot_of(scenario)
    visit = make_visit(coordinator=coordinator, scenario=scenario)
    sign_in_as(client, coordinator)
    assert client.get(reverse("visits:visit-pilot", args=[visit.pk])).status_code == 405
    client.post(reverse("visits:visit-pilot", args=[visit.pk]), {"version": pilot.pk})
    visit.refresh_from_db()
    assert visit.pilot_version == pilot
    assert "Pilot: this visit uses" in client.get(visit.get_absolute_url()).content.decode()
    client.post(reverse("visits:visit-pilot", args=[visit.pk]), {"version": ""})
    visit.refresh_from_db()
    assert visit.pilot_version is None


def test_a_pilot_must_be_another_version_for_the_channel_and_not_after_a_report_started(coordinator):
    scenario = approved_scenario(questionnaire_version=build_version())
    visit, _reports = paired_visit(coordinator, scenario, (True, True))
    with pytest.raises(ValidationError, match="has been started"):
        services.set_pilot_version(visit=visit, version=pilot_of(scenario), by=coordinator)
    fresh = make_visit(coordinator=coordinator, scenario=scenario, day=next_weekday(weeks_ahead=3))
    with pytest.raises(ValidationError, match="already uses"):
        services.set_pilot_version(visit=fresh, version=scenario.questionnaire_version, by=coordinator)
    other_channel = QuestionnaireVersionFactory(questionnaire__channel="website")
    with pytest.raises(ValidationError, match="made for this channel"):
        services.set_pilot_version(visit=fresh, version=other_channel, by=coordinator)
    assert QuestionnaireVersion.objects.filter(pilot_visits=fresh).count() == 0


@pytest.mark.celery_worker
def test_a_real_worker_leaves_an_approved_pilot_report_out_of_the_roll_ups(celery_worker, coordinator):
    scenario = approved_scenario(questionnaire_version=build_version())
    _visit, reports = paired_visit(coordinator, scenario, (True, True), pilot=pilot_of(scenario), approve=True)
    wait_until(lambda: not Submission.objects.filter(pk__in=[r.pk for r in reports], needs_rollup=True).exists())
    assert not RollupRow.objects.filter(reports__gt=0).exists()
    assert rollups.differences() == []
