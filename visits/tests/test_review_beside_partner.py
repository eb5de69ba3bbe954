"""The reviewer's page: the partner's answers beside this report's, the differences marked in words, the
redaction box starting from the volunteer's words with identifying details masked; the same queries
whatever the number of questions. And a finding's reports to cite each open for the coordinator."""

from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scenarios.models import QuestionType
from scenarios.tests.factories import QuestionFactory, QuestionnaireVersionFactory, SectionFactory
from visits import capture, services
from visits.models import Answer, Submission

from .factories import approved_scenario, make_visit, ready_volunteer
from .test_capture import booked, fill  # noqa: F401 (booked is a fixture)


def send(client_for, assignment, **answers):
    client = client_for(assignment.volunteer.user)
    fill(client, assignment, **answers)
    client.post(reverse("visits:report-submit", args=[assignment.pk]))
    return Submission.objects.get(assignment=assignment)


def review_page(client_for, coordinator, report) -> str:
    return client_for(coordinator).get(reverse("visits:review-detail", args=[report.pk])).content.decode()


def test_the_partners_answers_show_beside_with_the_differences_in_words(client_for, booked, coordinator):  # noqa: F811
    _visit, (first, second) = booked
    mine = send(client_for, first, greeted="yes", minutes="1")
    send(client_for, second, greeted="yes", minutes="4")
    page = review_page(client_for, coordinator, mine)
    assert "The two reports differ on 1 of 3 questions" in page
    assert 'href="#first-difference"' in page and page.count('id="first-difference"') == 1
    assert page.count(">Differs</strong>") == 1
    assert page.count("Partner's answer</span>") == 3
    assert "This report</span>1 min 30 s" in page and "Partner's answer</span>4 min 30 s" in page
    assert f"{second.volunteer}'s report" in page


def test_the_first_difference_is_marked_on_the_question_that_differs(client_for, booked, coordinator):  # noqa: F811
    _visit, (first, second) = booked
    mine = send(client_for, first, minutes="1")
    send(client_for, second, minutes="4")
    page = review_page(client_for, coordinator, mine)
    assert '<dt class="col-sm-4" id="first-difference">How long did you wait?' in page


def test_two_reports_that_agree_say_so(client_for, booked, coordinator):  # noqa: F811
    _visit, (first, second) = booked
    mine = send(client_for, first)
    send(client_for, second)
    page = review_page(client_for, coordinator, mine)
    assert "The two reports differ on 0 of 3 questions" in page
    assert "Differs" not in page and "#first-difference" not in page


def test_a_question_only_the_partner_answered_has_a_row_and_counts_as_a_difference(client_for, booked, coordinator):  # noqa: F811
    _visit, (first, second) = booked
    # Not greeted: the reference number question is not asked of this volunteer; the partner answered it.
    mine = send(client_for, first, greeted="no")
    send(client_for, second, greeted="yes", reference="yes")
    page = review_page(client_for, coordinator, mine)
    assert "The two reports differ on 2 of 3 questions" in page
    assert "Did they give a reference number?" in page
    assert "This report</span>—" in page


def test_a_partner_who_has_not_sent_is_waited_for_and_their_draft_never_shown(client_for, booked, coordinator):  # noqa: F811
    _visit, (first, second) = booked
    mine = send(client_for, first)
    fill(client_for(second.volunteer.user), second, minutes="9")  # saved, not sent
    page = review_page(client_for, coordinator, mine)
    assert "The partner has not sent their report yet" in page
    assert "9 min" not in page and "Partner's answer" not in page and "differ on" not in page


def test_a_partner_who_has_not_started_is_waited_for(client_for, booked, coordinator):  # noqa: F811
    _visit, (first, _second) = booked
    mine = send(client_for, first)
    page = review_page(client_for, coordinator, mine)
    assert "The partner has not started their report" in page
    assert "Partner's answer" not in page


def test_a_report_returned_to_the_partner_is_not_shown_while_they_correct_it(client_for, booked, coordinator):  # noqa: F811
    _visit, (first, second) = booked
    mine = send(client_for, first)
    theirs = send(client_for, second, minutes="9")
    capture.return_for_correction(submission=theirs, by=coordinator, comment="Check the waiting time.")
    page = review_page(client_for, coordinator, mine)
    assert "returned to them for correction" in page
    assert "9 min" not in page and "Partner's answer" not in page


def test_a_volunteer_never_sees_the_partners_answers(client_for, booked, coordinator):  # noqa: F811
    _visit, (first, second) = booked
    send(client_for, first, minutes="1")
    theirs = send(client_for, second, minutes="9")
    client = client_for(first.volunteer.user)
    check = client.get(reverse("visits:report-check", args=[first.pk])).content.decode()
    assert "9 min" not in check and "Partner's answer" not in check and "differ on" not in check
    assert client.get(reverse("visits:review-detail", args=[theirs.pk])).status_code == 403


def text_answer(report, value: str) -> Answer:
    """The report's free-text answer ("Anything else?"), holding `value`."""
    question = report.version.sections.get(order=2).questions.get(label="Anything else?")
    answer, _ = Answer.objects.update_or_create(submission=report, question=question, defaults={"value": value})
    return answer


def test_the_redaction_box_starts_masked_and_never_replaces_saved_text(client_for, booked, coordinator):  # noqa: F811
    _visit, (first, second) = booked
    mine = send(client_for, first)
    name = first.volunteer.first_name
    text = text_answer(mine, f"PC Smith helped {name} and me; call 07700 900123 or jo@example.org")
    url = reverse("visits:review-detail", args=[mine.pk])
    client = client_for(coordinator)
    page = client.get(url).content.decode()
    assert "PC [removed] helped [removed] and me; call [removed] or [removed]</textarea>" in page
    client.post(
        reverse("visits:answer-review", args=[text.pk]),
        {f"a{text.pk}-notable": "", f"a{text.pk}-redacted_text": "My own words"},
    )
    text.refresh_from_db()
    assert text.redacted_text == "My own words"
    assert "My own words</textarea>" in client.get(url).content.decode()
    text.refresh_from_db()
    assert text.redacted_text == "My own words", "showing the page saves nothing"


def test_the_redaction_box_masks_both_volunteers_names_from_their_records(client_for, booked, coordinator):  # noqa: F811
    _visit, (first, second) = booked
    mine = send(client_for, first)
    partner, user = second.volunteer, second.volunteer.user
    user.first_name, user.last_name = "Rosalind", "Featherstonehaugh"
    user.save(update_fields=["first_name", "last_name"])
    text_answer(
        mine,
        f"{partner.first_name.upper()} {partner.last_name} (rosalind featherstonehaugh) and "
        f"{first.volunteer.last_name} waited.",
    )
    page = review_page(client_for, coordinator, mine)
    assert "[removed] [removed] ([removed] [removed]) and [removed] waited.</textarea>" in page


def test_the_redaction_box_of_an_empty_answer_starts_empty(client_for, booked, coordinator):  # noqa: F811
    _visit, (first, _second) = booked
    mine = send(client_for, first)
    text = text_answer(mine, None)
    page = review_page(client_for, coordinator, mine)
    assert f'name="a{text.pk}-redacted_text"' in page
    assert "None</textarea>" not in page


def a_pair_report(coordinator, questions: int) -> Submission:
    version = QuestionnaireVersionFactory()
    section = SectionFactory(version=version, order=1, title="At the desk")
    made = [QuestionFactory(section=section, order=n, label=f"Question {n}?") for n in range(1, questions + 1)]
    QuestionFactory(
        section=section, order=questions + 1, kind=QuestionType.TEXT, label="Anything else?", required=False
    )
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=version))
    assignments = [services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator) for _ in range(2)]
    reports = []
    with time_machine.travel(visit.starts_at + timedelta(minutes=10), tick=False):
        for assignment in assignments:
            report = capture.start(assignment=assignment, by=assignment.volunteer.user)
            # The second volunteer answers every other question the other way: half the answers differ.
            other = assignment is assignments[1]
            values = {q: (q.order % 2 == 0) != (other and q.order % 2 == 1) for q in made}
            Answer.objects.bulk_create([Answer(submission=report, question=q, value=v) for q, v in values.items()])
            reports.append(capture.submit(submission=report, by=assignment.volunteer.user))
    return reports[0]


def test_the_review_page_runs_the_same_queries_for_few_questions_or_many(client_for, coordinator):
    counts = []
    for questions in (2, 12):
        report = a_pair_report(coordinator, questions)
        client = client_for(coordinator)
        client.get(reverse("visits:review-detail", args=[report.pk]))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("visits:review-detail", args=[report.pk])).content.decode()
        assert f"differ on {questions // 2} of {questions} questions" in page
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
