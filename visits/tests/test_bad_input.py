"""Bad input to the questionnaire and its photos: a clear message or a success, never a 500, and saved
answers are never corrupted: a refused page leaves them as they were, and whatever is saved can still be
shown, checked and scored."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mysteryshop.tests.test_uploads import upload_strategy
from visits import capture
from visits.models import Answer, Evidence, Submission

from .test_capture import booked, q  # noqa: F401 (booked is a fixture)

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
ANY_VALUE = st.text(max_size=50) | st.sampled_from(["yes", "no", "na", "", "-1", "1e308", "\x00", "99999999999999999"])


def saved_answers(submission) -> dict:
    return dict(Answer.objects.filter(submission=submission).values_list("question_id", "value"))


def still_readable(client, assignment, submission) -> None:
    """Whatever was saved, the volunteer's check page draws and the report can be scored."""
    assert client.get(reverse("visits:report-check", args=[assignment.pk])).status_code == 200
    capture.score(Submission.objects.get(pk=submission.pk))


def test_any_answers_to_a_questionnaire_page_give_a_message_or_the_next_page(client_for, booked):  # noqa: F811
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    client.raise_request_exception = False
    submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
    version = submission.version
    greeted, reference = q(version, "Were you greeted?").pk, q(version, "Did they give a reference number?").pk
    wait, anything = q(version, "How long did you wait?").pk, q(version, "Anything else?").pk
    Answer.objects.create(submission=submission, question_id=greeted, value=True)
    Answer.objects.create(submission=submission, question_id=wait, value=90)
    fields = [f"q_{greeted}", f"q_{reference}", f"q_{wait}_0", f"q_{wait}_1", f"q_{anything}"]

    @FUZZ
    @given(
        number=st.sampled_from([1, 2]),
        values=st.dictionaries(st.sampled_from(fields), ANY_VALUE | st.lists(ANY_VALUE, max_size=3)),
        later=st.booleans(),
    )
    def check(number, values, later):
        before = saved_answers(submission)
        url = reverse("visits:report-section", args=[assignment.pk, number])
        with transaction.atomic():
            response = client.post(url, values | ({"later": "1"} if later else {}))
            assert response.status_code in (400, 302), response.status_code
            if response.status_code == 400:
                assert "There is a problem" in response.content.decode()
                assert saved_answers(submission) == before, "a refused page changed saved answers"
            still_readable(client, assignment, submission)
            transaction.set_rollback(True)

    check()


def test_answers_saved_as_they_are_typed_never_fail_on_bad_input(client_for, booked):  # noqa: F811
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    client.raise_request_exception = False
    submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
    version = submission.version
    wait = q(version, "How long did you wait?").pk

    @FUZZ
    @given(values=st.dictionaries(st.sampled_from([f"q_{wait}_0", f"q_{wait}_1", "q_0", "number"]), ANY_VALUE))
    def check(values):
        with transaction.atomic():
            response = client.post(reverse("visits:report-autosave", args=[assignment.pk, 2]), values)
            assert response.status_code == 200, response.status_code
            still_readable(client, assignment, submission)
            transaction.set_rollback(True)

    check()


def test_any_file_as_a_photo_gives_a_message_or_is_added(client_for, booked):  # noqa: F811
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    client.raise_request_exception = False
    capture.start(assignment=assignment, by=assignment.volunteer.user)
    url = reverse("visits:evidence-add", args=[assignment.pk])

    @FUZZ
    @given(upload=upload_strategy(), caption=st.text(max_size=250))
    def check(upload, caption):
        with transaction.atomic():
            response = client.post(url, {"photo": upload, "caption": caption}, follow=True)
            assert response.status_code == 200, response.status_code
            content = response.content.decode()
            if Evidence.objects.exists():
                assert "Photo added." in content
                evidence = Evidence.objects.get()
                assert evidence.content_type in ("image/jpeg", "image/png")
            else:
                assert "alert-danger" in content or "There is a problem" in content, "refused without a message"
            transaction.set_rollback(True)

    check()
