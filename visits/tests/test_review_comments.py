"""Standard comments for reviewers, each volunteer's record of returned reports, and who visited
each contact point (the mix): OPCC pages that force liaison and volunteers never reach."""

from django.urls import reverse

from visits import capture, safety
from visits.models import StandardComment, Submission, SubmissionStatus
from volunteers.models import Disability, Gender

from .test_capture import booked, build_version, fill  # noqa: F401 (booked is a fixture)


def sent_report(client_for, assignment) -> Submission:
    client = client_for(assignment.volunteer.user)
    fill(client, assignment)
    client.post(reverse("visits:report-submit", args=[assignment.pk]))
    return Submission.objects.get(assignment=assignment)


# --- Standard comments ---------------------------------------------------------------------------


def test_a_coordinator_adds_changes_and_deletes_standard_comments(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(
        reverse("visits:standard-comment-create"),
        {"title": "Missing wait time", "text": "Please give how long you waited, in minutes and seconds."},
    )
    assert response["Location"] == reverse("visits:standard-comment-list")
    comment = StandardComment.objects.get()
    assert comment.created_by == coordinator
    client.post(reverse("visits:standard-comment-edit", args=[comment.pk]), {"title": "Wait time", "text": "Say."})
    comment.refresh_from_db()
    assert (comment.title, comment.text) == ("Wait time", "Say.")
    assert "Wait time" in client.get(reverse("visits:standard-comment-list")).content.decode()
    assert client.get(reverse("visits:standard-comment-delete", args=[comment.pk])).status_code == 405
    client.post(reverse("visits:standard-comment-delete", args=[comment.pk]))
    assert not StandardComment.objects.exists()


def test_a_standard_comment_needs_a_name_and_text(client_for, coordinator):
    response = client_for(coordinator).post(reverse("visits:standard-comment-create"), {"title": "", "text": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not StandardComment.objects.exists()


def test_only_coordinators_manage_standard_comments(client_for, commissioner, volunteer, force_liaison, client):
    comment = StandardComment.objects.create(title="Photos", text="Add a photo of the notice.")
    for user in (commissioner, volunteer, force_liaison):
        signed_in = client_for(user)
        assert signed_in.get(reverse("visits:standard-comment-list")).status_code == 403
        assert signed_in.post(reverse("visits:standard-comment-edit", args=[comment.pk]), {"title": "x", "text": "y"}).status_code == 403  # fmt: skip
        assert signed_in.post(reverse("visits:standard-comment-delete", args=[comment.pk])).status_code == 403
        client.logout()
    assert client.get(reverse("visits:standard-comment-list")).status_code == 302
    comment.refresh_from_db()
    assert comment.title == "Photos"


def test_the_reviewer_chooses_a_standard_comment_to_return_a_report(client_for, booked, coordinator):  # noqa: F811
    _visit, (assignment, _other) = booked
    submission = sent_report(client_for, assignment)
    comment = StandardComment.objects.create(title="Wait time", text="Please give how long you waited.")
    client = client_for(coordinator)
    page = client.get(reverse("visits:review-detail", args=[submission.pk])).content.decode()
    assert 'data-text="Please give how long you waited."' in page and "standard-comments.js" in page
    response = client.post(
        reverse("visits:review-return", args=[submission.pk]), {"standard": comment.pk, "comment": ""}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    assert submission.review_comment == "Please give how long you waited."


def test_returning_with_neither_a_comment_nor_a_standard_one_is_refused(client_for, booked, coordinator):  # noqa: F811
    _visit, (assignment, _other) = booked
    submission = sent_report(client_for, assignment)
    response = client_for(coordinator).post(reverse("visits:review-return", args=[submission.pk]), {}, follow=True)
    assert "Say what the volunteer needs to correct" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


# --- The record of returned reports --------------------------------------------------------------


def test_opcc_staff_see_a_volunteers_returned_reports(client_for, booked, coordinator, commissioner):  # noqa: F811
    _visit, (assignment, _other) = booked
    submission = sent_report(client_for, assignment)
    capture.return_for_correction(submission=submission, by=coordinator, comment="The wait time is missing.")
    url = reverse("visits:volunteer-returns", args=[assignment.volunteer.pk])
    for user in (coordinator, commissioner):
        page = client_for(user).get(url).content.decode()
        assert "1 report returned for correction" in page and "The wait time is missing." in page
    detail = client_for(coordinator).get(assignment.volunteer.get_absolute_url()).content.decode()
    assert url in detail


def test_nobody_else_sees_the_returned_reports(client_for, booked, coordinator, force_liaison, client):  # noqa: F811
    _visit, (assignment, other) = booked
    submission = sent_report(client_for, assignment)
    capture.return_for_correction(submission=submission, by=coordinator, comment="The wait time is missing.")
    url = reverse("visits:volunteer-returns", args=[assignment.volunteer.pk])
    for user in (assignment.volunteer.user, other.volunteer.user, force_liaison):
        assert client_for(user).get(url).status_code == 403
        client.logout()
    assert client.get(url).status_code == 302


# --- Who visited ---------------------------------------------------------------------------------


def test_the_coverage_mix_counts_who_visited_each_contact_point(client_for, booked, commissioner):  # noqa: F811
    visit, (assignment, other) = booked
    assignment.volunteer.gender, assignment.volunteer.disability = Gender.WOMAN, Disability.YES
    assignment.volunteer.save()
    sent_report(client_for, assignment)  # the first report completes the visit
    mix = safety.coverage_mix(year=visit.starts_at.year)
    row = next(row for row in mix["rows"] if row["contact_point"] == visit.contact_point)
    assert row["total"] == 2
    assert row["genders"][mix["genders"].index("Woman")] == 1
    assert row["genders"][mix["genders"].index("Not answered")] == 1
    assert row["disabilities"][mix["disabilities"].index("Yes")] == 1
    assert row["ages"][mix["ages"].index("65 and over")] == 2
    page = client_for(commissioner).get(reverse("visits:coverage-mix"), {"year": visit.starts_at.year})
    assert page.status_code == 200 and str(visit.contact_point) in page.content.decode()
    assert client_for(commissioner).get(reverse("visits:coverage-mix"), {"year": "nonsense"}).status_code == 200


def test_force_liaison_and_volunteers_never_see_the_coverage_mix(client_for, force_liaison, volunteer, client):
    for user in (force_liaison, volunteer):
        assert client_for(user).get(reverse("visits:coverage-mix")).status_code == 403
        client.logout()
