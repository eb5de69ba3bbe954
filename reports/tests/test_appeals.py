"""Appeals: the force appeals a released result; the OPCC upholds, rescores or voids it, and the results follow."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import delivered_email
from reports import appeals, rollups
from reports.models import Appeal, AppealStatus, RollupRow
from visits.models import Answer, SubmissionEvent
from visits.tests.test_capture import q

from .test_findings import LONDON, RAW_TEXT, REDACTED_TEXT, released_report, unreleased_report  # noqa: F401


def quarter_row(report):
    kind, start, point = rollups.slices_of(report)[2]  # the quarter
    return RollupRow.objects.filter(
        period_kind=kind, period_start=start, contact_point_id=point, area_id=0, question_id=0
    ).first()


@pytest.fixture
def rolled_up(released_report):  # noqa: F811
    rollups.sweep()
    assert quarter_row(released_report).weight_met == 4
    return released_report


@pytest.fixture
def appeal(rolled_up, force_liaison):
    return appeals.raise_appeal(
        submission=rolled_up, by=force_liaison, ground="evaluator_error", explanation="We were greeted at once."
    )


def greeted_answer(report):
    return Answer.objects.get(submission=report, question=q(report.version, "Were you greeted?"))


# --- Raising ----------------------------------------------------------------------------


def test_force_liaison_appeals_a_released_result_from_its_page(client_for, force_liaison, rolled_up):
    client = client_for(force_liaison)
    point = rolled_up.assignment.visit.contact_point
    start = rollups.slices_of(rolled_up)[2][1]
    listing = client.get(reverse("reports:contact-point-results", args=[point.pk, start.isoformat()])).content.decode()
    create_url = reverse("reports:appeal-create", args=[rolled_up.pk])
    assert create_url in listing
    page = client.get(create_url).content.decode()
    assert REDACTED_TEXT in page and RAW_TEXT not in page
    assert "Quillfeather" not in page
    response = client.post(create_url, {"ground": "scoring_error", "explanation": "The reference was given."})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == appeal.get_absolute_url()
    assert (appeal.status, appeal.ground, appeal.raised_by) == (AppealStatus.OPEN, "scoring_error", force_liaison)
    assert appeal.original_scores["overall"] == "100.0"
    assert list(appeal.events.values_list("to_status", flat=True)) == ["open"]


def test_an_appeal_needs_a_ground_and_an_explanation(client_for, force_liaison, rolled_up):
    response = client_for(force_liaison).post(
        reverse("reports:appeal-create", args=[rolled_up.pk]), {"ground": "", "explanation": " "}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#id_explanation"' in page
    assert not Appeal.objects.exists()


def test_an_unreleased_result_cannot_be_appealed(client_for, force_liaison, unreleased_report):  # noqa: F811
    assert client_for(force_liaison).get(
        reverse("reports:appeal-create", args=[unreleased_report.pk])
    ).status_code == 404  # fmt: skip
    with pytest.raises(ValidationError, match="released result"):
        appeals.raise_appeal(
            submission=unreleased_report, by=force_liaison, ground="evaluator_error", explanation="Wrong."
        )


def test_only_one_appeal_per_result_is_open_at_a_time(appeal, force_liaison):
    with pytest.raises(ValidationError, match="already has an appeal"):
        appeals.raise_appeal(
            submission=appeal.submission, by=force_liaison, ground="misunderstanding", explanation="Again."
        )


@pytest.mark.parametrize("role", ["coordinator", "commissioner", "volunteer"])
def test_only_force_liaison_raise_appeals(role, request, client_for, rolled_up):
    response = client_for(request.getfixturevalue(role)).get(reverse("reports:appeal-create", args=[rolled_up.pk]))
    assert response.status_code == 403


def test_the_decision_is_due_in_working_days(rolled_up, force_liaison, settings):
    settings.MYSTERYSHOP_APPEAL_DECISION_DAYS = 10
    with time_machine.travel(datetime(2026, 12, 18, 12, 0, tzinfo=LONDON)):
        appeal = appeals.raise_appeal(
            submission=rolled_up, by=force_liaison, ground="evaluator_error", explanation="Wrong."
        )
    assert appeal.decide_by == date(2027, 1, 6)  # Christmas, Boxing Day (substitute) and New Year skipped


# --- Reading ------------------------------------------------------------------------------


def test_force_liaison_see_no_volunteer_and_only_redacted_text(client_for, force_liaison, appeal):
    client = client_for(force_liaison)
    for url in (reverse("reports:appeal-list"), appeal.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Quillfeather" not in page
        assert RAW_TEXT not in page
        assert reverse("visits:review-detail", args=[appeal.submission_id]) not in page
    detail = client.get(appeal.get_absolute_url()).content.decode()
    assert REDACTED_TEXT in detail and "We were greeted at once." in detail
    assert "Withdraw the appeal" in detail and "Decide the appeal" not in detail


def test_opcc_see_every_appeal_with_overdue_ones_marked(client_for, coordinator, appeal):
    client = client_for(coordinator)
    assert 'badge text-bg-danger">Overdue' not in client.get(reverse("reports:appeal-list")).content.decode()
    with time_machine.travel(datetime.combine(appeal.decide_by + timedelta(days=1), datetime.min.time(), LONDON)):
        client = client_for(coordinator)  # signed in afresh: staff sessions end after idle minutes
        page = client.get(reverse("reports:appeal-list")).content.decode()
        assert 'badge text-bg-danger">Overdue' in page
        overdue_only = client.get(reverse("reports:appeal-list") + "?show=overdue").content.decode()
        assert appeal.get_absolute_url() in overdue_only


def test_the_appeal_list_runs_a_fixed_number_of_queries(client_for, coordinator, appeal, django_assert_num_queries):
    client = client_for(coordinator)
    client.get(reverse("reports:appeal-list"))
    with django_assert_num_queries(5):  # session, user with roles, authenticator, the count for pages, appeals
        client.get(reverse("reports:appeal-list"))


def test_volunteers_and_anonymous_users_see_no_appeals(client_for, volunteer, client, appeal):
    assert client.get(reverse("reports:appeal-detail", args=[appeal.pk])).status_code == 302
    assert client_for(volunteer).get(reverse("reports:appeal-list")).status_code == 403
    assert client_for(volunteer).get(reverse("reports:appeal-detail", args=[appeal.pk])).status_code == 403


# --- Deciding -------------------------------------------------------------------------------


def test_deciding_refuses_a_get_and_other_roles(client_for, force_liaison, volunteer, appeal):
    url = reverse("reports:appeal-decide", args=[appeal.pk])
    assert client_for(force_liaison).get(url).status_code == 405
    assert client_for(force_liaison).post(url, {"outcome": "upheld", "reason": "x"}).status_code == 403
    assert client_for(volunteer).post(url, {"outcome": "upheld", "reason": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        appeals.decide_appeal(appeal=appeal, by=force_liaison, outcome="upheld", reason="x")


def test_upholding_keeps_the_result(client_for, coordinator, appeal):
    response = client_for(coordinator).post(
        reverse("reports:appeal-decide", args=[appeal.pk]), {"outcome": "upheld", "reason": "The report is clear."}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by, appeal.decision_reason) == ("upheld", coordinator, "The report is clear.")
    assert rollups.sweep() == 0
    assert quarter_row(appeal.submission).weight_met == 4


def test_a_decision_needs_a_reason(client_for, coordinator, appeal):
    response = client_for(coordinator).post(
        reverse("reports:appeal-decide", args=[appeal.pk]), {"outcome": "upheld", "reason": ""}
    )
    assert response.status_code == 400
    assert 'href="#id_reason"' in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.is_open


def test_a_rescore_must_change_a_verdict(client_for, coordinator, appeal):
    answer = greeted_answer(appeal.submission)
    response = client_for(coordinator).post(
        reverse("reports:appeal-decide", args=[appeal.pk]),
        {"outcome": "rescored", "reason": "Checked.", f"verdict_{answer.pk}": "meets"},
    )
    assert response.status_code == 400
    assert "change at least one answer" in response.content.decode()


def test_a_rescore_changes_the_verdicts_keeps_the_answers_and_rolls_up(client_for, coordinator, appeal):
    report = appeal.submission
    answer = greeted_answer(report)
    response = client_for(coordinator).post(
        reverse("reports:appeal-decide", args=[appeal.pk]),
        {"outcome": "rescored", "reason": "Not greeted after all.", f"verdict_{answer.pk}": "not_met"},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    report.refresh_from_db()
    assert answer.value is True and answer.meets is False  # the volunteer's answer is kept
    assert str(report.overall_score) == "50.0"
    assert report.needs_rollup
    appeal.refresh_from_db()
    assert appeal.status == "rescored"
    assert appeal.changes == {str(answer.pk): {"question": "Were you greeted?", "from": True, "to": False}}
    assert appeal.original_scores["overall"] == "100.0"
    assert SubmissionEvent.objects.filter(submission=report, action="rescored").exists()
    # The roll-up follows through the usual marker (the sweeper, as when a task is lost).
    assert rollups.sweep() == 1
    row = quarter_row(report)
    assert (row.weight_met, row.weight_applicable) == (2, 4)
    assert rollups.differences() == []
    page = client_for(coordinator).get(appeal.get_absolute_url()).content.decode()
    assert "Were you greeted?: meets the commitment → does not meet it" in page


def test_voiding_takes_the_report_out_of_the_results(client_for, commissioner, appeal):
    report = appeal.submission
    response = client_for(commissioner).post(
        reverse("reports:appeal-decide", args=[appeal.pk]), {"outcome": "voided", "reason": "The visit was spoilt."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.excluded and report.needs_rollup
    assert "Voided on appeal" in report.excluded_reason
    assert rollups.sweep() == 1
    assert quarter_row(report) is None
    assert rollups.differences() == []
    appeal.refresh_from_db()
    assert [e.to_status for e in appeal.events.all()] == ["open", "voided"]
    # The result itself is kept, with its answers; it just no longer counts.
    assert report.answers.count() == 4


def test_a_decided_appeal_cannot_be_decided_again(commissioner, appeal):
    appeals.decide_appeal(appeal=appeal, by=commissioner, outcome="upheld", reason="Stands.")
    with pytest.raises(ValidationError, match="already"):
        appeals.decide_appeal(appeal=appeal, by=commissioner, outcome="voided", reason="Changed my mind.")


# --- Withdrawing -----------------------------------------------------------------------------


def test_force_liaison_withdraw_an_open_appeal(client_for, force_liaison, coordinator, appeal):
    url = reverse("reports:appeal-withdraw", args=[appeal.pk])
    assert client_for(force_liaison).get(url).status_code == 405
    assert client_for(coordinator).post(url).status_code == 403
    response = client_for(force_liaison).post(url, {"reason": "Resolved locally."})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        appeals.decide_appeal(appeal=appeal, by=coordinator, outcome="upheld", reason="Too late.")


def test_appeal_pages_are_accessible(browser, client_for, force_liaison, coordinator, appeal):
    from conftest import accessibility_problems, browser_sign_in

    browser_sign_in(browser, client_for(coordinator))
    assert accessibility_problems(browser, [reverse("reports:appeal-list"), appeal.get_absolute_url()]) == {}
    browser_sign_in(browser, client_for(force_liaison))
    pages = [appeal.get_absolute_url(), reverse("reports:appeal-create", args=[appeal.submission_id])]
    assert accessibility_problems(browser, pages) == {}


# --- A result is appealed once; both sides are e-mailed (issue 22, item 6) -----------------------------


def decide(client, appeal, outcome="upheld", reason="The report is clear."):
    return client.post(reverse("reports:appeal-decide", args=[appeal.pk]), {"outcome": outcome, "reason": reason})


def test_a_result_cannot_be_appealed_again_after_a_decision(
    client_for, coordinator, force_liaison, appeal, django_capture_on_commit_callbacks
):
    decide(client_for(coordinator), appeal)
    client = client_for(force_liaison)
    create_url = reverse("reports:appeal-create", args=[appeal.submission_id])
    response = client.get(create_url, follow=True)
    assert response.redirect_chain[-1][0] == appeal.get_absolute_url()
    assert "Its decision is final" in response.content.decode()
    client.post(create_url, {"ground": "scoring_error", "explanation": "Try again."})
    assert Appeal.objects.count() == 1
    with pytest.raises(ValidationError, match="appealed once"):
        appeals.raise_appeal(
            submission=appeal.submission, by=force_liaison, ground="scoring_error", explanation="Try again."
        )
    point = appeal.submission.assignment.visit.contact_point
    start = rollups.slices_of(appeal.submission)[2][1]
    listing = client.get(reverse("reports:contact-point-results", args=[point.pk, start.isoformat()])).content.decode()
    assert "Appeal: result stands" in listing and create_url not in listing


def test_a_withdrawn_appeal_can_be_raised_again(client_for, force_liaison, appeal):
    appeals.withdraw_appeal(appeal=appeal, by=force_liaison)
    again = appeals.raise_appeal(
        submission=appeal.submission, by=force_liaison, ground="scoring_error", explanation="Now with the facts."
    )
    assert again.is_open


def test_coordinators_are_emailed_of_a_new_appeal_and_the_force_of_the_decision(
    client_for, coordinator, force_liaison, rolled_up, django_capture_on_commit_callbacks
):

    with django_capture_on_commit_callbacks(execute=True):
        client_for(force_liaison).post(
            reverse("reports:appeal-create", args=[rolled_up.pk]),
            {"ground": "evaluator_error", "explanation": "We were greeted at once."},
        )
    appeal = Appeal.objects.get()
    (raised,) = [message for message in delivered_email() if message.to == [coordinator.email]]
    assert "appealed" in raised.subject
    assert not [message for message in delivered_email() if message.to == [force_liaison.email]]
    assert "We were greeted at once." in raised.body and f"http://testserver{appeal.get_absolute_url()}" in raised.body
    delivered_email().clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(client_for(coordinator), appeal, reason="The report is clear about the greeting.")
    (decided,) = [message for message in delivered_email() if message.to == [force_liaison.email]]
    assert "Result stands" in decided.body and "The report is clear about the greeting." in decided.body
    assert "Quillfeather" not in decided.body, "no volunteer's name reaches the force"


def test_coordinators_are_emailed_when_the_force_withdraws(
    client_for, coordinator, force_liaison, appeal, django_capture_on_commit_callbacks
):

    delivered_email().clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(force_liaison).post(reverse("reports:appeal-withdraw", args=[appeal.pk]), {"reason": ""})
    (told,) = [message for message in delivered_email() if message.to == [coordinator.email]]
    assert "withdrew" in told.subject
