"""Re-tests of findings: a secret verification visit next quarter, its result, and the yearly review reminder."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports import documents, findings, retests
from reports.models import FindingEvent, PeriodKind, Retest, RetestResult
from reports.rollups import period_start
from reports.tests.test_findings import LONDON, raise_it, release, tuesday_in_next_quarter
from reports.tests.test_rollups import approved_report
from visits import capture, services
from visits.models import Answer, Submission
from visits.tests.factories import at, ready_volunteer
from visits.tests.test_capture import q

RETEST_DAY_WORDS = "%-d %B %Y"


@pytest.fixture
def failing_report(coordinator, commissioner):
    """A released, approved report where the volunteer was not greeted (a question the finding rests on)."""
    report = approved_report(coordinator, greeted=False)
    release(report, commissioner)
    return report


@pytest.fixture
def accepted(coordinator, force_liaison, failing_report):
    finding = raise_it(
        coordinator, contact_point=failing_report.assignment.visit.contact_point, cited_reports=[failing_report]
    )
    findings.respond_to_finding(finding=finding, by=force_liaison, response="Staff now greet everyone. Fixed.")
    return findings.accept_finding(finding=finding, by=coordinator)


def retest_day() -> date:
    return tuesday_in_next_quarter(timezone.localdate())


def plan(client, finding, *, day=None, starts="10:00", ends="10:30", scenario=None):
    scenario = scenario or finding.cited_reports.get().assignment.visit.scenario
    return client.post(
        reverse("reports:finding-retest", args=[finding.pk]),
        {"scenario": scenario.pk, "day": (day or retest_day()).isoformat(), "starts": starts, "ends": ends},
    )


def report_on(retest, coordinator, *, greeted=True, wait=60):
    """The re-test visit made and its report approved."""
    visit = retest.visit
    assignment = services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    with time_machine.travel(visit.starts_at + timedelta(minutes=5)):
        report = capture.start(assignment=assignment, by=assignment.volunteer.user)
        version = visit.scenario.questionnaire_version
        Answer.objects.create(submission=report, question=q(version, "Were you greeted?"), value=greeted)
        if greeted:
            Answer.objects.create(
                submission=report, question=q(version, "Did they give a reference number?"), value=True
            )
        Answer.objects.create(submission=report, question=q(version, "How long did you wait?"), value=wait)
        capture.submit(submission=report, by=assignment.volunteer.user)
        capture.approve(submission=report, by=coordinator)
    return Submission.objects.get(pk=report.pk)


def test_coordinator_plans_a_retest_next_quarter_at_the_same_contact_point_without_telling_the_force(
    client_for, coordinator, force_liaison, accepted, sent_email
):
    already = len(sent_email())
    events_before = FindingEvent.objects.filter(finding=accepted).count()
    page = client_for(coordinator).get(accepted.get_absolute_url()).content.decode()
    assert "Plan the re-test visit" in page
    response = plan(client_for(coordinator), accepted)
    assert response.status_code == 302
    retest = Retest.objects.get(finding=accepted)
    cited_visit = accepted.cited_reports.get().assignment.visit
    assert retest.visit.contact_point == accepted.contact_point
    assert retest.visit.scenario == cited_visit.scenario
    assert retest.visit.starts_at == at(retest_day(), 10)
    assert FindingEvent.objects.filter(finding=accepted).count() == events_before, "the force reads the history"
    assert [message for message in sent_email()[already:] if force_liaison.email in message.to] == []
    force = client_for(force_liaison)
    page = force.get(accepted.get_absolute_url()).content.decode()
    assert "re-test" not in page.lower() and retest_day().strftime(RETEST_DAY_WORDS) not in page
    assert force.get(retest.visit.get_absolute_url()).status_code in (403, 404)


def test_a_retest_day_outside_next_quarter_is_refused_on_the_page(client_for, coordinator, accepted):
    response = plan(client_for(coordinator), accepted, day=timezone.localdate() + timedelta(days=1))
    html = response.content.decode()
    assert response.status_code == 400, html[html.find("<main") :][:3000]
    assert "<title>Error: " in html, html[html.find("<main") :][:3000]
    assert "Choose a day in the next quarter" in html and 'href="#id_day"' in html
    assert not Retest.objects.exists()


def test_only_an_accepted_or_closed_finding_is_retested_and_only_once(coordinator, force_liaison, failing_report):
    finding = raise_it(
        coordinator, contact_point=failing_report.assignment.visit.contact_point, cited_reports=[failing_report]
    )
    scenario = failing_report.assignment.visit.scenario
    when = {"starts_at": at(retest_day(), 10), "ends_at": at(retest_day(), 10, 30)}
    with pytest.raises(ValidationError, match="accepted"):
        retests.schedule_retest(finding=finding, by=coordinator, scenario=scenario, **when)
    findings.respond_to_finding(finding=finding, by=force_liaison, response="Fixed.")
    findings.accept_finding(finding=finding, by=coordinator)
    retests.schedule_retest(finding=finding, by=coordinator, scenario=scenario, **when)
    with pytest.raises(ValidationError, match="already planned"):
        retests.schedule_retest(finding=finding, by=coordinator, scenario=scenario, **when)


def test_planning_and_deciding_refuse_a_get_and_other_roles(client_for, commissioner, force_liaison, accepted):
    assert client_for(commissioner).get(reverse("reports:finding-retest", args=[accepted.pk])).status_code == 405
    for user in (commissioner, force_liaison):
        assert plan(client_for(user), accepted).status_code == 403
    assert not Retest.objects.exists()


@pytest.mark.parametrize(
    ("greeted", "wait", "expected"),
    [(True, 60, RetestResult.FIXED), (False, 60, RetestResult.NOT_FIXED), (True, 200, RetestResult.PARTLY)],
)
def test_the_result_is_suggested_from_the_questions_the_finding_failed(coordinator, accepted, greeted, wait, expected):
    # The cited report failed being greeted; for "partly", it also failed the wait.
    if expected == RetestResult.PARTLY:
        Answer.objects.filter(
            submission__in=accepted.cited_reports.all(), question__label="How long did you wait?"
        ).update(meets=False)
    retest = retests.schedule_retest(
        finding=accepted, by=coordinator, scenario=accepted.cited_reports.get().assignment.visit.scenario,
        starts_at=at(retest_day(), 10), ends_at=at(retest_day(), 10, 30),
    )  # fmt: skip
    assert retests.suggested_result(retest) is None, "nothing to suggest before a report is approved"
    report_on(retest, coordinator, greeted=greeted, wait=wait)
    assert retests.suggested_result(retest).result == expected


def test_coordinator_confirms_the_result_which_the_force_and_public_see_only_once_released(
    client_for, coordinator, commissioner, force_liaison, accepted, client
):
    findings.close_finding(finding=accepted, by=coordinator, what_changed="Everyone is greeted at the desk.")
    plan(client_for(coordinator), accepted)
    retest = Retest.objects.get()
    coordinator_client = client_for(coordinator)
    early = coordinator_client.post(reverse("reports:finding-retest-result", args=[accepted.pk]), {"result": "fixed"})
    assert early.status_code == 302 and not Retest.objects.get().result, "no result before a report is approved"
    report = report_on(retest, coordinator)
    page = coordinator_client.get(accepted.get_absolute_url()).content.decode()
    assert "suggest: <strong>Fixed</strong>" in page
    missing = coordinator_client.post(reverse("reports:finding-retest-result", args=[accepted.pk]), {})
    assert missing.status_code == 400 and "Choose fixed, partly fixed or not fixed." in missing.content.decode()
    coordinator_client.post(
        reverse("reports:finding-retest-result", args=[accepted.pk]),
        {"result": "fixed", "note": "The volunteers were greeted at once."},
    )
    retest.refresh_from_db()
    assert (retest.result, retest.decided_by) == (RetestResult.FIXED, coordinator)

    force = client_for(force_liaison)
    assert "re-test" not in force.get(accepted.get_absolute_url()).content.decode().lower()
    assert "Checked again" not in client.get(reverse("reports:you-said-we-did")).content.decode()

    release(report, commissioner)
    page = force.get(accepted.get_absolute_url()).content.decode()
    assert "Re-test" in page and "fixed" in page and "The volunteers were greeted at once." in page
    assert timezone.localtime(retest.visit.starts_at).strftime(RETEST_DAY_WORDS) not in page
    public = client.get(reverse("reports:you-said-we-did")).content.decode()
    assert "Checked again" in public and "found it <strong>fixed</strong>" in public

    quarter = period_start(PeriodKind.QUARTER, retest_day())
    panel = documents.content(kind="panel", start=quarter)
    assert panel["retests"] == [
        {"finding": accepted.title, "contact_point": accepted.contact_point.name, "result": "Fixed",
         "note": "The volunteers were greeted at once."}
    ]  # fmt: skip
    html = documents.pdf_html(panel, svgs=documents.draw_charts(panel), made_at=timezone.now())
    assert "Findings checked again" in html and "The volunteers were greeted at once." in html


def test_the_public_page_runs_the_same_queries_with_or_without_retests(
    client, coordinator, accepted, django_assert_max_num_queries
):
    findings.close_finding(finding=accepted, by=coordinator, what_changed="Everyone is greeted.")
    with django_assert_max_num_queries(6):
        client.get(reverse("reports:you-said-we-did"))


# --- A year on ------------------------------------------------------------------------------


def test_coordinators_are_reminded_once_a_year_after_a_finding_closed(
    client_for, coordinator, accepted, sent_email, settings
):
    closed_on = datetime(2027, 2, 10, 11, tzinfo=LONDON)
    with time_machine.travel(closed_on):
        findings.close_finding(finding=accepted, by=coordinator, what_changed="Everyone is greeted.")
    already = len(sent_email())
    with time_machine.travel(closed_on + timedelta(days=364)):
        assert retests.send_review_reminders() == 0
    with time_machine.travel(closed_on + timedelta(days=366)):
        assert retests.send_review_reminders() == 1
        assert retests.send_review_reminders() == 0, "once per finding, however often the task runs"
        messages = [message for message in sent_email()[already:] if coordinator.email in message.to]
        assert len(messages) == 1 and accepted.title in messages[0].body
        assert messages[0].subject == "Findings due their yearly review"
        after_reminder = len(sent_email())
        home = client_for(coordinator).get(reverse("reports:coordinator-home")).content.decode()
        assert "Findings due their yearly review" in home and accepted.title in home
    with time_machine.travel(closed_on + timedelta(days=500)):
        assert retests.send_review_reminders() == 0
        assert len(sent_email()) == after_reminder


def test_the_review_reminder_runs_daily_in_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.finding_review_reminders" in tasks
