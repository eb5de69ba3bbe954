"""A coordinator approves several reports at once, only those with nothing to look at first (no flags)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from visits.models import AnswerChange, SafetyAlert, Submission, SubmissionStatus

from .test_capture import booked, fill  # noqa: F401 (booked is a fixture)

QUEUE = reverse("visits:review-queue")
APPROVE = reverse("visits:review-approve-many")


def send_both(client_for, booked, answers=("yes", "yes")):  # noqa: F811
    _visit, assignments = booked
    for assignment, greeted in zip(assignments, answers, strict=True):
        client = client_for(assignment.volunteer.user)
        fill(client, assignment, greeted=greeted)
        client.post(reverse("visits:report-submit", args=[assignment.pk]))
    return list(Submission.objects.order_by("pk"))


def said(response) -> list[str]:
    """The messages shown on the page the post led to."""
    assert response.redirect_chain, "a post leads on to a page"
    return [str(message) for message in response.context["messages"]]


def test_reports_without_flags_are_approved_together_and_twice_approves_once(client_for, booked, coordinator):  # noqa: F811
    reports = send_both(client_for, booked)
    client = client_for(coordinator)
    page = client.get(QUEUE).content.decode()
    assert page.count('name="chosen"') == 2 and "Approve the ticked reports" in page
    response = client.post(APPROVE, {"chosen": [r.pk for r in reports]}, follow=True)
    assert said(response) == ["2 reports approved. They now count towards the results."]
    assert set(Submission.objects.values_list("status", flat=True)) == {SubmissionStatus.APPROVED}
    assert all(r.needs_rollup for r in Submission.objects.all())
    again = client.post(APPROVE, {"chosen": [r.pk for r in reports]}, follow=True)
    assert said(again) == [
        "2 reports not approved: already decided, or flagged for a closer look. "
        "Open a flagged report to approve it on its own."
    ]
    assert all(r.events.filter(action="approved").count() == 1 for r in Submission.objects.all())


def test_a_pair_that_disagrees_is_flagged_and_never_approved_in_bulk(client_for, booked, coordinator, settings):  # noqa: F811
    settings.MYSTERYSHOP_AGREEMENT_THRESHOLD = 70
    reports = send_both(client_for, booked, answers=("yes", "no"))
    client = client_for(coordinator)
    page = client.get(QUEUE).content.decode()
    assert 'name="chosen"' not in page, "a flagged report has no box to tick"
    assert page.count("The two volunteers disagree on many scored questions") == 2
    client.post(APPROVE, {"chosen": [r.pk for r in reports]})  # a forged post is refused too
    assert set(Submission.objects.values_list("status", flat=True)) == {SubmissionStatus.SUBMITTED}


def test_each_flag_is_named_in_words_and_keeps_the_report_out_of_bulk_approval(client_for, booked, coordinator):  # noqa: F811
    first, second = send_both(client_for, booked)
    visit, (assignment, _partner) = booked
    flagged = Submission.objects.with_flags()
    assert [r.flags for r in flagged.order_by("pk")] == [[], []]
    assignment.recognised_at = timezone.now()
    assignment.save()
    AnswerChange.objects.create(
        submission=second, question=second.answers.first().question, before=True, after=False, reason="My notes"
    )
    assert flagged.get(pk=first.pk).flags == ["The volunteer thinks they were recognised"]
    assert flagged.get(pk=second.pk).flags == ["Corrected after being returned"]
    SafetyAlert.objects.create(visit=visit, raised_at=timezone.now() - timedelta(minutes=5))
    assert "A safety alert was raised on this visit" in flagged.get(pk=first.pk).flags
    assert not Submission.objects.unflagged().exists()
    client_for(coordinator).post(APPROVE, {"chosen": [first.pk, second.pk]}, follow=True)
    assert set(Submission.objects.values_list("status", flat=True)) == {SubmissionStatus.SUBMITTED}


def test_nothing_ticked_is_refused_in_words_and_only_coordinators_approve(
    client_for,
    booked,  # noqa: F811
    coordinator,
    commissioner,
    force_liaison,  # noqa: F811
):
    reports = send_both(client_for, booked)
    assert said(client_for(coordinator).post(APPROVE, {}, follow=True)) == ["Tick the reports to approve first."]
    for user in (commissioner, force_liaison, reports[0].assignment.volunteer.user):
        assert client_for(user).post(APPROVE, {"chosen": [reports[0].pk]}).status_code == 403
    assert set(Submission.objects.values_list("status", flat=True)) == {SubmissionStatus.SUBMITTED}
    assert 'name="chosen"' not in client_for(commissioner).get(QUEUE).content.decode()
