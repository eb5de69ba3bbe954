"""Evidence for appeals, without tracking: page times, check-out to sending, and corrections with reasons."""

from datetime import timedelta

import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from visits import capture
from visits.capture_views import OPENED_SALT
from visits.models import AnswerChange, PageTiming, Submission, SubmissionStatus

from . import test_capture
from .test_capture import fill, q

booked = test_capture.booked  # the fixture


def _page1(version):
    return {
        f"q_{q(version, 'Were you greeted?').pk}": "yes",
        f"q_{q(version, 'Did they give a reference number?').pk}": "yes",
    }


def _send_and_return(client_for, coordinator, assignment):
    volunteer = client_for(assignment.volunteer.user)
    fill(volunteer, assignment)
    volunteer.post(reverse("visits:report-submit", args=[assignment.pk]))
    submission = Submission.objects.get(assignment=assignment)
    capture.return_for_correction(submission=submission, by=coordinator, comment="Please check the wait time.")
    return volunteer, submission


def test_each_page_keeps_when_it_was_first_opened_and_last_saved(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    client.post(reverse("visits:report-start", args=[assignment.pk]))
    page = client.get(reverse("visits:report-section", args=[assignment.pk, 1]))
    opened = page.context["opened"]
    assert not PageTiming.objects.exists(), "opening a page changes nothing"
    served_at = timezone.now()
    with time_machine.travel(served_at + timedelta(minutes=4), tick=False):
        version = assignment.visit.scenario.questionnaire_version
        client.post(
            reverse("visits:report-section", args=[assignment.pk, 1]),
            {**_page1(version), "opened": opened},
        )
    timing = PageTiming.objects.get()
    assert timing.first_opened_at <= served_at < timing.last_saved_at
    assert timing.last_saved_at - timing.first_opened_at >= timedelta(minutes=4)


def test_a_forged_opening_time_is_ignored(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    version = assignment.visit.scenario.questionnaire_version
    forged = (timezone.now() - timedelta(hours=5)).isoformat()
    client.post(
        reverse("visits:report-section", args=[assignment.pk, 1]),
        {**_page1(version), "opened": forged},
    )
    timing = PageTiming.objects.get()
    assert timing.first_opened_at == timing.last_saved_at, "an unsigned time is not believed: the save's own time is"
    # A genuine signed time from the future (a clock trick) is never later than the save.
    future = signing.dumps((timezone.now() + timedelta(hours=1)).isoformat(), salt=OPENED_SALT)
    client.post(
        reverse("visits:report-section", args=[assignment.pk, 1]),
        {**_page1(version), "opened": future},
    )
    timing.refresh_from_db()
    assert timing.first_opened_at <= timing.last_saved_at


def test_changing_an_answer_after_a_return_needs_a_reason_and_nothing_typed_is_lost(client_for, booked, coordinator):
    _visit, (assignment, _other) = booked
    volunteer, submission = _send_and_return(client_for, coordinator, assignment)
    wait = q(assignment.visit.scenario.questionnaire_version, "How long did you wait?").pk
    page = volunteer.post(
        reverse("visits:report-section", args=[assignment.pk, 2]), {f"q_{wait}_0": "7", f"q_{wait}_1": "15"}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "<title>Error: " in html
    assert 'href="#id_correction_reason"' in html and "Say why you changed your answer" in html
    assert 'value="7"' in html and 'value="15"' in html, "the answer as typed comes back"
    assert submission.answers.get(question_id=wait).value == 90, "nothing is saved without a reason"
    assert not AnswerChange.objects.exists()
    volunteer.post(
        reverse("visits:report-section", args=[assignment.pk, 2]),
        {f"q_{wait}_0": "7", f"q_{wait}_1": "15", "correction_reason": "I checked my notes."},
    )
    change = AnswerChange.objects.get()
    assert (change.question_id, change.before, change.after) == (wait, 90, 435)
    assert change.reason == "I checked my notes."


def test_saving_a_returned_page_unchanged_needs_no_reason(client_for, booked, coordinator):
    _visit, (assignment, _other) = booked
    volunteer, submission = _send_and_return(client_for, coordinator, assignment)
    response = fill(volunteer, assignment)
    assert response.status_code == 302
    assert not AnswerChange.objects.exists()


def test_save_and_come_back_later_also_needs_a_reason_for_a_change(client_for, booked, coordinator):
    _visit, (assignment, _other) = booked
    volunteer, submission = _send_and_return(client_for, coordinator, assignment)
    wait = q(assignment.visit.scenario.questionnaire_version, "How long did you wait?").pk
    page = volunteer.post(
        reverse("visits:report-section", args=[assignment.pk, 2]),
        {f"q_{wait}_0": "2", f"q_{wait}_1": "0", "later": ""},
    )
    assert page.status_code == 400 and "Say why you changed your answer" in page.content.decode()
    assert submission.answers.get(question_id=wait).value == 90


def test_autosave_is_off_on_a_returned_report_and_refuses_an_unexplained_change(client_for, booked, coordinator):
    _visit, (assignment, _other) = booked
    volunteer, submission = _send_and_return(client_for, coordinator, assignment)
    page = volunteer.get(reverse("visits:report-section", args=[assignment.pk, 2])).content.decode()
    assert "data-autosave=" not in page
    wait = q(assignment.visit.scenario.questionnaire_version, "How long did you wait?").pk
    response = volunteer.post(
        reverse("visits:report-autosave", args=[assignment.pk, 2]), {f"q_{wait}_0": "2", f"q_{wait}_1": "0"}
    )
    assert response.status_code == 400 and "Say why" in response.json()["message"]
    assert submission.answers.get(question_id=wait).value == 90


def test_before_the_first_sending_changes_need_no_reason(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    fill(client, assignment)
    fill(client, assignment, minutes="4")
    assert not AnswerChange.objects.exists()
    assert Submission.objects.get().status == SubmissionStatus.DRAFT
