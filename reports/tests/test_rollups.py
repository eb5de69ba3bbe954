"""Roll-ups: recomputed from answers, replaced never added to, kept current by Celery, verifiable."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command

from conftest import wait_until
from reports import rollups
from reports.models import RollupRow
from visits import capture, services
from visits.models import Answer, Submission
from visits.tests.factories import approved_scenario, make_visit, ready_volunteer
from visits.tests.test_capture import build_version, q


def approved_report(coordinator, *, greeted=True, wait=60, day=None, contact_point=None, approve=True, scenario=None):
    """One approved (or with `approve=False`, sent) report on a new visit (run the roll-up separately)."""
    visit = make_visit(
        coordinator=coordinator,
        scenario=scenario or approved_scenario(questionnaire_version=build_version()),
        day=day,
        contact_point=contact_point,
    )
    assignment = services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    with time_machine.travel(visit.starts_at + timedelta(minutes=5)):
        submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
        version = visit.scenario.questionnaire_version
        Answer.objects.create(submission=submission, question=q(version, "Were you greeted?"), value=greeted)
        if greeted:
            Answer.objects.create(
                submission=submission, question=q(version, "Did they give a reference number?"), value=True
            )
        Answer.objects.create(submission=submission, question=q(version, "How long did you wait?"), value=wait)
        capture.submit(submission=submission, by=assignment.volunteer.user)
        if approve:
            capture.approve(submission=submission, by=coordinator)
    return Submission.objects.get(pk=submission.pk)


def overall(submission):
    kind, start, point = rollups.slices_of(submission)[1]  # the month
    return RollupRow.objects.get(period_kind=kind, period_start=start, contact_point_id=point, area_id=0, question_id=0)


def test_a_report_rolls_up_into_week_month_and_quarter(coordinator):
    report = approved_report(coordinator, greeted=True, wait=60)
    assert report.needs_rollup
    rollups.rollup_submission(report.pk)
    report.refresh_from_db()
    assert not report.needs_rollup
    assert set(RollupRow.objects.values_list("period_kind", flat=True)) == {"week", "month", "quarter"}
    row = overall(report)
    assert (row.reports, row.weight_applicable, row.weight_met, row.score) == (1, 4, 4, 100.0)
    wait = RollupRow.objects.get(period_kind="month", question_id=q(report.version, "How long did you wait?").pk)
    assert wait.durations == [60]
    assert rollups.differences() == []


def test_running_the_task_twice_or_late_changes_nothing(coordinator):
    report = approved_report(coordinator)
    rollups.rollup_submission(report.pk)
    before = list(RollupRow.objects.order_by("pk").values(*rollups.KEY_FIELDS, *rollups.VALUE_FIELDS))
    rollups.rollup_submission(report.pk)
    after = list(RollupRow.objects.order_by("pk").values(*rollups.KEY_FIELDS, *rollups.VALUE_FIELDS))
    assert before == after
    assert overall(report).reports == 1


def test_tasks_out_of_order_give_the_same_tables_as_a_recomputation(coordinator):
    first = approved_report(coordinator, greeted=True)
    second = approved_report(coordinator, greeted=False, day=first.assignment.visit.starts_at.date())
    # Same contact point? Different ones by construction; run the second first and the first twice.
    rollups.rollup_submission(second.pk)
    rollups.rollup_submission(first.pk)
    rollups.rollup_submission(first.pk)
    assert rollups.differences() == []


def test_the_sweeper_picks_up_reports_whose_task_was_lost(coordinator):
    reports = [approved_report(coordinator) for _ in range(2)]
    assert not RollupRow.objects.exists(), "no worker ran: the tasks are lost"
    assert rollups.sweep() == 2
    assert not Submission.objects.filter(needs_rollup=True).exists()
    assert rollups.differences() == []
    assert all(overall(report).reports == 1 for report in reports)


def test_verify_fails_loudly_when_a_row_is_wrong(coordinator):
    report = approved_report(coordinator)
    rollups.rollup_submission(report.pk)
    call_command("rebuild_rollups", "--verify")
    RollupRow.objects.filter(area_id=0, question_id=0).update(weight_met=0)
    with pytest.raises(CommandError, match="differ from a recomputation"):
        call_command("rebuild_rollups", "--verify")
    call_command("rebuild_rollups")
    call_command("rebuild_rollups", "--verify")


def test_not_applicable_answers_are_left_out(coordinator):
    report = approved_report(coordinator, greeted=False)
    rollups.rollup_submission(report.pk)
    row = overall(report)
    # Greeted (weight 2, not met) and the wait (weight 1, met); the reference question was hidden.
    assert (row.weight_applicable, row.weight_met) == (3, 1)


@pytest.mark.celery_worker
def test_a_real_worker_rolls_up_an_approved_report(celery_worker, coordinator):
    report = approved_report(coordinator)
    wait_until(lambda: not Submission.objects.get(pk=report.pk).needs_rollup)
    assert overall(report).reports == 1
    assert rollups.differences() == []


def test_a_reviewers_quote_is_kept_with_the_roll_ups_and_follows_later_changes(coordinator):
    from reports.models import Quote

    report = approved_report(coordinator)
    answer = Answer.objects.create(submission=report, question=q(report.version, "Anything else?"), value="Kind staff.")
    rollups.rollup_submission(report.pk)
    assert not Quote.objects.exists()
    capture.review_answer(answer=answer, by=coordinator, notable="good_practice", redacted_text="Kind staff.")
    assert Submission.objects.get(pk=report.pk).needs_rollup, "a quote on an approved report needs a roll-up"
    rollups.sweep()
    quote = Quote.objects.get()
    assert (quote.text, quote.released_text, quote.notable) == ("Kind staff.", "Kind staff.", "good_practice")
    capture.return_for_correction(submission=report, by=coordinator, comment="Check the wait.")
    rollups.sweep()
    assert not Quote.objects.exists(), "a returned report is no longer quoted"
    assert rollups.differences() == []


def test_a_report_kept_out_of_the_results_leaves_the_roll_ups(coordinator):
    report = approved_report(coordinator)
    rollups.rollup_submission(report.pk)
    assert overall(report).reports == 1
    capture.exclude_from_results(submission=report, by=coordinator, reason="The volunteer thinks they were recognised.")
    capture.exclude_from_results(submission=report, by=coordinator, reason="Again.")
    assert Submission.objects.get(pk=report.pk).needs_rollup
    rollups.sweep()
    assert not RollupRow.objects.exists()
    assert rollups.differences() == []
    assert Submission.objects.get(pk=report.pk).excluded_reason == "The volunteer thinks they were recognised."


def test_the_rebuild_tells_the_planner_the_size_of_its_scratch_tables(coordinator):
    """Temporary tables are never analysed by autovacuum: the rebuild does it, so PostgreSQL plans on
    real row counts rather than guesses (which once turned JIT compilation on for a full rebuild)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    approved_report(coordinator)
    with CaptureQueriesContext(connection) as done:
        rollups.rebuild()
    analysed = {
        query["sql"].removeprefix("ANALYZE ") for query in done.captured_queries if query["sql"].startswith("ANALYZE")
    }
    assert analysed == set(rollups.SCRATCH_TABLES)
    assert rollups.differences() == []
