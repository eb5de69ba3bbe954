"""Filling in the questionnaire, sending it once, and the coordinator's review."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.models import QuestionType
from scenarios.tests.factories import QuestionFactory, QuestionnaireVersionFactory, SectionFactory, area
from visits import capture, services
from visits.models import Submission, SubmissionStatus, VisitStatus

from .factories import approved_scenario, make_visit, ready_volunteer


def build_version():
    version = QuestionnaireVersionFactory()
    first = SectionFactory(version=version, order=1, title="At the desk")
    second = SectionFactory(version=version, order=2, title="Afterwards")
    greeted = QuestionFactory(
        section=first, order=1, label="Were you greeted?", commitment_area=area(), weight=2, expected_answer=True
    )
    QuestionFactory(
        section=first, order=2, label="Did they give a reference number?", commitment_area=area("keeping-informed"),
        expected_answer=True, condition_question=greeted, condition_values=[True],
    )  # fmt: skip
    QuestionFactory(section=second, order=1, kind=QuestionType.DURATION, label="How long did you wait?", commitment_area=area("initial-contact"), maximum=Decimal(120))  # fmt: skip
    QuestionFactory(section=second, order=2, kind=QuestionType.TEXT, label="Anything else?", required=False)
    return version


@pytest.fixture
def booked(coordinator):
    """A two-person visit that started ten minutes ago, and its assignments."""
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=build_version()))
    people = [ready_volunteer(), ready_volunteer()]
    assignments = [services.assign(visit=visit, volunteer=person, by=coordinator) for person in people]
    traveller = time_machine.travel(visit.starts_at + timedelta(minutes=10), tick=True)
    traveller.start()
    yield visit, assignments
    traveller.stop()


def q(version, label):
    from scenarios.models import Question

    return Question.objects.get(section__version=version, label=label)


def fill(client, assignment, *, greeted="yes", reference="yes", minutes="1", seconds="30", reason=""):
    version = assignment.visit.scenario.questionnaire_version
    page1 = reverse("visits:report-section", args=[assignment.pk, 1])
    client.post(
        page1,
        {
            f"q_{q(version, 'Were you greeted?').pk}": greeted,
            f"q_{q(version, 'Did they give a reference number?').pk}": reference,
        },
    )
    wait = q(version, "How long did you wait?").pk
    page2 = {f"q_{wait}_0": minutes, f"q_{wait}_1": seconds} | ({"correction_reason": reason} if reason else {})
    return client.post(reverse("visits:report-section", args=[assignment.pk, 2]), page2)


def test_a_volunteer_fills_in_checks_and_sends_a_report(client_for, booked):
    visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    response = fill(client, assignment)
    assert response["Location"] == reverse("visits:report-check", args=[assignment.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Check your answers before sending" in page and "1 min 30 s" in page
    client.post(reverse("visits:report-submit", args=[assignment.pk]))
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.overall_score == Decimal("100.0")
    assert submission.scores == {"professional-service": 100.0, "keeping-informed": 100.0, "initial-contact": 100.0}
    visit.refresh_from_db()
    assert visit.status == VisitStatus.COMPLETED
    assert visit.scenario.questionnaire_version.is_frozen


def test_submitting_twice_or_refreshing_keeps_one_report(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    fill(client, assignment)
    for _ in range(3):
        client.post(reverse("visits:report-submit", args=[assignment.pk]))
    assert Submission.objects.count() == 1
    assert Submission.objects.get().events.filter(action="submitted").count() == 1


def test_a_sent_report_is_read_only(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    fill(client, assignment)
    client.post(reverse("visits:report-submit", args=[assignment.pk]))
    fill(client, assignment, greeted="no")
    version = assignment.visit.scenario.questionnaire_version
    assert Submission.objects.get().answers.get(question=q(version, "Were you greeted?")).value is True


def test_a_hidden_question_is_not_required_and_its_stale_answer_is_dropped(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    fill(client, assignment, greeted="yes", reference="yes")
    fill(client, assignment, greeted="no", reference="yes")
    submission = Submission.objects.get()
    version = assignment.visit.scenario.questionnaire_version
    assert not submission.answers.filter(question=q(version, "Did they give a reference number?")).exists()
    capture.submit(submission=submission, by=assignment.volunteer.user)
    submission.refresh_from_db()
    assert submission.scores["professional-service"] == 0.0
    assert "keeping-informed" not in submission.scores, "a hidden question is left out of the score"


def test_errors_are_summarised_and_linked_to_their_fields(client_for, booked):
    _visit, (assignment, _other) = booked
    response = client_for(assignment.volunteer.user).post(reverse("visits:report-section", args=[assignment.pk, 1]), {})
    content = response.content.decode()
    assert "There is a problem" in content
    greeted = q(assignment.visit.scenario.questionnaire_version, "Were you greeted?").pk
    assert f'href="#id_q_{greeted}_0"' in content and "Select yes or no" in content


def test_save_and_come_back_later_keeps_what_is_valid(client_for, booked):
    _visit, (assignment, _other) = booked
    version = assignment.visit.scenario.questionnaire_version
    wait = q(version, "How long did you wait?").pk
    client_for(assignment.volunteer.user).post(
        reverse("visits:report-section", args=[assignment.pk, 2]),
        {f"q_{wait}_0": "2", f"q_{wait}_1": "5", "later": "1"},
    )
    assert Submission.objects.get().answers.get(question_id=wait).value == 125


def test_sending_with_a_required_answer_missing_says_which_page(client_for, booked):
    _visit, (assignment, _other) = booked
    submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
    with pytest.raises(ValidationError, match="page 1"):
        capture.submit(submission=submission, by=assignment.volunteer.user)


def test_a_forged_post_for_someone_elses_visit_is_refused(client_for, booked, other_volunteer):
    _visit, (assignment, _other) = booked
    response = client_for(other_volunteer).post(reverse("visits:report-section", args=[assignment.pk, 1]), {})
    assert response.status_code == 404
    assert client_for(other_volunteer).post(reverse("visits:report-submit", args=[assignment.pk])).status_code == 404
    assert not Submission.objects.exists()


def test_a_cancelled_visit_takes_no_report(client_for, booked, coordinator):
    visit, (assignment, _other) = booked
    services.cancel_visit(visit=visit, by=coordinator, reason="Desk closed unexpectedly")
    response = client_for(assignment.volunteer.user).post(
        reverse("visits:report-start", args=[assignment.pk]), follow=True
    )
    assert "There is no report to make for this visit" in response.content.decode()
    assert not Submission.objects.exists()


def test_opening_the_questionnaire_makes_no_report_until_the_volunteer_starts_it(client_for, booked):
    """Opening a page (a link, a prefetch, a crawler) never makes a draft: starting is a POST."""
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    start = reverse("visits:report-start", args=[assignment.pk])
    assert client.get(start).status_code == 405
    response = client.get(reverse("visits:report-section", args=[assignment.pk, 1]))
    assert response.status_code == 302 and response["Location"] == assignment.get_absolute_url()
    assert client.get(reverse("visits:report-check", args=[assignment.pk])).status_code == 302
    page = client.get(assignment.get_absolute_url()).content.decode()
    assert f'<form method="post" action="{start}">' in page and "Fill in the questionnaire" in page
    assert not Submission.objects.exists()

    response = client.post(start)
    assert response["Location"] == reverse("visits:report-section", args=[assignment.pk, 1])
    assert client.post(start).status_code == 302, "starting twice opens the same report"
    assert Submission.objects.count() == 1
    assert client.get(reverse("visits:report-section", args=[assignment.pk, 1])).status_code == 200
    assert "Carry on with the questionnaire" in client.get(assignment.get_absolute_url()).content.decode()


def test_a_pair_that_disagrees_is_flagged_for_the_reviewer(client_for, booked, settings):
    settings.MYSTERYSHOP_AGREEMENT_THRESHOLD = 70
    _visit, (first, second) = booked
    for assignment, answer in ((first, "yes"), (second, "no")):
        client = client_for(assignment.volunteer.user)
        fill(client, assignment, greeted=answer, reference="yes", minutes="5")
        client.post(reverse("visits:report-submit", args=[assignment.pk]))
    reports = Submission.objects.all()
    assert all(report.low_agreement for report in reports)
    assert {report.agreement for report in reports} == {Decimal("50.0")}


def test_approval_marks_the_report_for_roll_up_and_sends_the_task_after_commit(
    client_for, booked, coordinator, django_capture_on_commit_callbacks
):
    _visit, (assignment, _other) = booked
    fill(client_for(assignment.volunteer.user), assignment)
    submission = Submission.objects.get()
    capture.submit(submission=submission, by=assignment.volunteer.user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(coordinator).post(reverse("visits:review-approve", args=[submission.pk]))
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED and submission.needs_rollup
    assert len(callbacks) == 1, "the roll-up task is sent only once the approval has committed"


def test_returning_needs_a_comment_and_the_volunteer_can_correct_and_resend(client_for, booked, coordinator):
    _visit, (assignment, _other) = booked
    volunteer = client_for(assignment.volunteer.user)
    fill(volunteer, assignment)
    volunteer.post(reverse("visits:report-submit", args=[assignment.pk]))
    submission = Submission.objects.get()
    reviewer = client_for(coordinator)
    reviewer.post(reverse("visits:review-return", args=[submission.pk]), {"comment": ""})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    reviewer.post(reverse("visits:review-return", args=[submission.pk]), {"comment": "Please add the wait time."})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    volunteer = client_for(assignment.volunteer.user)
    fill(volunteer, assignment, minutes="3", reason="I checked my notes.")
    volunteer.post(reverse("visits:report-submit", args=[assignment.pk]))
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.scores["initial-contact"] == 0.0


def test_the_review_queue_is_oldest_first_and_for_opcc_staff_only(
    client_for, booked, coordinator, force_liaison, volunteer
):
    _visit, (first, second) = booked
    for assignment in (first, second):
        fill(client_for(assignment.volunteer.user), assignment)
        capture.submit(submission=Submission.objects.get(assignment=assignment), by=assignment.volunteer.user)
    reports = list(Submission.objects.awaiting_review())
    assert reports[0].submitted_at <= reports[1].submitted_at
    assert client_for(coordinator).get(reverse("visits:review-queue")).status_code == 200
    for user in (force_liaison, volunteer):
        assert client_for(user).get(reverse("visits:review-queue")).status_code == 403
        assert client_for(user).get(reverse("visits:review-detail", args=[reports[0].pk])).status_code in (403, 404)
    assert client_for(volunteer).post(reverse("visits:review-approve", args=[reports[0].pk])).status_code == 403


@pytest.mark.django_db
@settings(max_examples=30, deadline=None)
@given(
    outcomes=st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=8),
    weights=st.lists(st.integers(1, 10), min_size=8, max_size=8),
)
def test_the_overall_score_is_the_weighted_share_of_applicable_questions_met(outcomes, weights):
    version = QuestionnaireVersionFactory()
    section = SectionFactory(version=version)
    saved = {}
    for number, outcome in enumerate(outcomes):
        question = QuestionFactory(
            section=section,
            kind=QuestionType.YES_NO_NA,
            commitment_area=area(),
            expected_answer="yes",
            weight=weights[number],
        )
        saved[question.pk] = {True: "yes", False: "no", None: "na"}[outcome]
    met = sum(w for o, w in zip(outcomes, weights, strict=False) if o)
    applicable = sum(w for o, w in zip(outcomes, weights, strict=False) if o is not None)
    scores, overall = capture.score_answers(version_id=version.pk, saved=saved)
    if applicable:
        assert overall == Decimal(round(100 * met / applicable, 1)).quantize(Decimal("0.1"))
        assert 0 <= overall <= 100
    else:
        assert overall is None and scores == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sends_create_one_report_and_one_event(coordinator):
    if connection.vendor != "postgresql":
        pytest.skip("Needs real concurrent transactions.")
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=build_version()))
    assignment = services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    with time_machine.travel(visit.starts_at + timedelta(minutes=10), tick=True):
        submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
        version = visit.scenario.questionnaire_version
        from visits.models import Answer

        for label, value in (
            ("Were you greeted?", True),
            ("Did they give a reference number?", True),
            ("How long did you wait?", 60),
        ):
            Answer.objects.create(submission=submission, question=q(version, label), value=value)
        barrier = threading.Barrier(2)

        def send():
            barrier.wait()
            try:
                capture.submit(submission=submission, by=assignment.volunteer.user)
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert Submission.objects.count() == 1
    assert Submission.objects.get().events.filter(action="submitted").count() == 1


def test_a_volunteer_claims_expenses_from_the_visit(client_for, booked):
    from volunteers.models import ExpenseClaim

    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    form_page = client.get(reverse("visits:assignment-expense", args=[assignment.pk])).content.decode()
    assert "Visit to " in form_page
    response = client.post(
        reverse("visits:assignment-expense", args=[assignment.pk]), {"purpose": "Visit", "miles": "8"}
    )
    assert response.status_code == 302
    claim = ExpenseClaim.objects.get()
    assert claim.visit_link.assignment == assignment
    assert claim.volunteer == assignment.volunteer


def test_expenses_cannot_be_claimed_on_someone_elses_visit(client_for, booked, other_volunteer):
    _visit, (assignment, _other) = booked
    response = client_for(other_volunteer).post(
        reverse("visits:assignment-expense", args=[assignment.pk]), {"purpose": "x", "miles": "8"}
    )
    assert response.status_code == 404


def test_coordinator_marks_a_quote_and_redacts_names(client_for, booked, coordinator):
    from visits.models import Answer

    _visit, (assignment, _other) = booked
    submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
    answer = Answer.objects.create(
        submission=submission, question=q(assignment.visit.scenario.questionnaire_version, "Anything else?"),
        value="PC Jones was very kind.",
    )  # fmt: skip
    client = client_for(coordinator)
    response = client.post(
        reverse("visits:answer-review", args=[answer.pk]),
        {f"a{answer.pk}-notable": "good_practice", f"a{answer.pk}-redacted_text": "[Officer] was very kind."},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.notable == "good_practice"
    assert answer.released_text == "[Officer] was very kind."


def test_only_coordinators_mark_answers(client_for, booked, volunteer):
    from visits.models import Answer

    _visit, (assignment, _other) = booked
    submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
    answer = Answer.objects.create(
        submission=submission, question=q(assignment.visit.scenario.questionnaire_version, "Anything else?"), value="x"
    )
    client = client_for(assignment.volunteer.user)
    assert (
        client.post(reverse("visits:answer-review", args=[answer.pk]), {f"a{answer.pk}-notable": "concern"}).status_code
        == 403
    )
    assert client.get(reverse("visits:answer-review", args=[answer.pk])).status_code in (403, 405)


def _photo_with_location():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    image = Image.new("RGB", (30, 30), "blue")
    exif = Image.Exif()
    exif[0x8825] = {2: (52.0, 48.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("sign.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_photo_is_stored_without_location_and_served_only_to_those_allowed(
    client_for, booked, coordinator, other_volunteer, force_liaison
):
    from PIL import Image

    from visits.models import Evidence

    _visit, (assignment, _other) = booked
    capture.start(assignment=assignment, by=assignment.volunteer.user)
    owner = client_for(assignment.volunteer.user)
    owner.post(
        reverse("visits:evidence-add", args=[assignment.pk]),
        {"photo": _photo_with_location(), "caption": "Opening hours sign"},
    )
    evidence = Evidence.objects.get()
    with evidence.file.open("rb") as handle, Image.open(handle) as image:
        assert not image.getexif()
    url = reverse("visits:evidence-file", args=[evidence.pk])
    assert client_for(assignment.volunteer.user).get(url).status_code == 200
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(other_volunteer).get(url).status_code == 404
    assert client_for(force_liaison).get(url).status_code == 403


def test_a_fake_photo_is_refused_with_a_message(client_for, booked):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from visits.models import Evidence

    _visit, (assignment, _other) = booked
    capture.start(assignment=assignment, by=assignment.volunteer.user)
    fake = SimpleUploadedFile("sign.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = client_for(assignment.volunteer.user).post(
        reverse("visits:evidence-add", args=[assignment.pk]), {"photo": fake}, follow=True
    )
    assert "is not a photo we can read" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_number_of_photos_is_limited(client_for, booked, settings):
    from visits.models import Evidence

    settings.MYSTERYSHOP_EVIDENCE_MAX_PHOTOS = 1
    _visit, (assignment, _other) = booked
    capture.start(assignment=assignment, by=assignment.volunteer.user)
    client = client_for(assignment.volunteer.user)
    client.post(reverse("visits:evidence-add", args=[assignment.pk]), {"photo": _photo_with_location()})
    response = client.post(
        reverse("visits:evidence-add", args=[assignment.pk]), {"photo": _photo_with_location()}, follow=True
    )
    assert "up to 1 photos" in response.content.decode()
    assert Evidence.objects.count() == 1


def test_answers_are_saved_as_they_are_typed(client_for, booked):
    _visit, (assignment, _other) = booked
    capture.start(assignment=assignment, by=assignment.volunteer.user)
    greeted = q(assignment.visit.scenario.questionnaire_version, "Were you greeted?")
    response = client_for(assignment.volunteer.user).post(
        reverse("visits:report-autosave", args=[assignment.pk, 1]), {f"q_{greeted.pk}": "yes"}
    )
    assert response.json() == {"saved": True}
    assert Submission.objects.get().answers.get(question=greeted).value is True


def test_autosave_refuses_a_sent_report_and_someone_elses(client_for, booked, other_volunteer):
    _visit, (assignment, _other) = booked
    url = reverse("visits:report-autosave", args=[assignment.pk, 1])
    assert client_for(other_volunteer).post(url, {}).status_code == 404
    client = client_for(assignment.volunteer.user)
    fill(client, assignment)
    client.post(reverse("visits:report-submit", args=[assignment.pk]))
    assert client.post(url, {}).status_code == 409


def test_each_areas_score_is_weighted_within_that_area():
    """Two areas, unequal weights: each area's share is its own met weight over its own applicable weight."""
    # Kills an area score divided by the total applicable weight (`/ total`), a count of questions met in
    # place of their weights (`+ 1`), and weights added to `met` whatever the outcome.
    scores, overall = capture.weighted_scores(
        [("contact", 3, True), ("contact", 1, False), ("voice", 1, True), ("voice", 4, False), ("voice", 2, None)]
    )
    assert scores == {"contact": 75.0, "voice": 20.0}
    assert overall == Decimal("44.4")  # (3 + 1) of (4 + 5)


def test_saving_a_page_runs_the_same_queries_for_two_questions_or_ten(coordinator):
    """Autosave runs on every change: a page is one upsert and one delete, not a query per question."""
    from django.test.utils import CaptureQueriesContext

    from scenarios.forms import SectionForm

    counts = []
    for size in (2, 10):
        version = QuestionnaireVersionFactory()
        section = SectionFactory(version=version, order=1, title="At the desk")
        questions = [QuestionFactory(section=section, order=n, label=f"Question {n}?") for n in range(1, size + 1)]
        visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=version))
        assignment = services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
        with time_machine.travel(visit.starts_at + timedelta(minutes=10), tick=False):
            submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
            for answer in ("yes", "no"):  # the second save changes every answer already kept
                form = SectionForm(section, data={f"q_{q.pk}": answer for q in questions}, answers_so_far={})
                assert form.is_valid(), form.errors
                with CaptureQueriesContext(connection) as queries:
                    capture.save_section(submission=submission, section=section, form=form)
                counts.append(len(queries))
        assert [a.value for a in submission.answers.order_by("question__order")] == [False] * size
    assert counts[:2] == counts[2:], counts
