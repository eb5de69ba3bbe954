"""A volunteer's reports as they see them: questions named in errors, conditions carried from earlier pages,
the report's state on My visits, the confirmation after sending, and a report returned to correct."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from conftest import delivered_email
from visits import capture, services
from visits.models import SubmissionStatus

from .factories import approved_scenario, make_visit, ready_volunteer
from .test_capture import build_version, fill, q


@pytest.fixture
def booked(coordinator):
    """A two-person visit that started ten minutes ago, and its assignments."""
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=build_version()))
    assignments = [services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator) for _ in range(2)]
    with time_machine.travel(visit.starts_at + timedelta(minutes=10), tick=True):
        yield visit, assignments


def sent(client, assignment):
    fill(client, assignment)
    return client.post(reverse("visits:report-submit", args=[assignment.pk]))


def page_title(content: str) -> str:
    return re.search(r"<title>(.*?)</title>", content, flags=re.DOTALL).group(1)


# --- Errors name the question (item 3) ----------------------------------------------------------


def test_errors_name_the_question_in_the_summary_and_beside_the_field(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    fill(client, assignment)  # page 1 answered
    wait = q(assignment.visit.scenario.questionnaire_version, "How long did you wait?").pk
    response = client.post(reverse("visits:report-section", args=[assignment.pk, 2]), {})
    content = response.content.decode()
    message = "Enter the minutes and seconds for “How long did you wait?”"
    summary = content[content.index("There is a problem") : content.index("</ul>", content.index("There is a problem"))]
    assert f'<a href="#id_q_{wait}_0">{message}</a>' in summary
    beside = content[content.index(f'id="div_id_q_{wait}"') :]
    assert message in beside[: beside.index('class="question')], "the message sits with the duration's boxes"
    assert page_title(content).startswith("Error: Afterwards")


def test_a_page_without_errors_has_a_plain_title(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    client.post(reverse("visits:report-start", args=[assignment.pk]))
    content = client.get(reverse("visits:report-section", args=[assignment.pk, 1]))
    assert page_title(content.content.decode()).startswith("At the desk")


def test_a_duration_typed_wrongly_says_which_question_and_what_to_type(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    response = fill(client, assignment, minutes="two", seconds="75")
    content = response.content.decode()
    assert "Enter the minutes for “How long did you wait?” as a whole number" in content


# --- Conditions on an earlier page (item 1, the server's half) -----------------------------------


def test_a_page_carries_the_earlier_answer_its_conditions_use(client_for, coordinator):
    """The browser script decides from this exactly as the server does (see test_questionnaires_in_a_browser)."""
    version = build_version()
    first, second = version.sections.order_by("order")
    greeted = q(version, "Were you greeted?")
    from scenarios.tests.factories import QuestionFactory

    QuestionFactory(
        section=second, order=3, label="Were they polite?", condition_question=greeted, condition_values=[True]
    )
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=version))
    assignment = services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    with time_machine.travel(visit.starts_at + timedelta(minutes=10), tick=True):
        client = client_for(assignment.volunteer.user)
        for answer, shown in (("yes", True), ("no", False)):
            client.post(
                reverse("visits:report-section", args=[assignment.pk, 1]), {f"q_{greeted.pk}": answer, "later": "1"}
            )
            page = client.get(reverse("visits:report-section", args=[assignment.pk, 2])).content.decode()
            wrapper = re.search(rf'<div class="question mb-4" data-condition-question="q_{greeted.pk}"[^>]*>', page)
            earlier = re.search(r'data-condition-earlier="([^"]*)"', wrapper.group(0)).group(1)
            assert json.loads(earlier.replace("&quot;", '"')) == [answer]
            assert (" hidden" not in wrapper.group(0)) is shown


def test_a_condition_on_the_same_page_shows_without_javascript_with_a_hint(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    client.post(reverse("visits:report-start", args=[assignment.pk]))
    page = client.get(reverse("visits:report-section", args=[assignment.pk, 1]))
    content = page.content.decode()
    wrapper = re.search(r'<div class="question mb-4" data-condition-question=[^>]*>', content).group(0)
    assert "hidden" not in wrapper and "data-condition-earlier" not in wrapper
    assert "Answer this only if the answer to “Were you greeted?” is “Yes”." in content


# --- The report's state on My visits, and the confirmation (item 4) ------------------------------


def test_my_visits_shows_a_report_in_progress_not_that_the_visit_was_accepted(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    # Accepted before the visit began (the visit in `booked` has started, when nothing is left to accept).
    type(assignment).objects.filter(pk=assignment.pk).update(accepted_at=assignment.visit.starts_at)
    client.post(
        reverse("visits:report-section", args=[assignment.pk, 1]),
        {f"q_{q(assignment.visit.scenario.questionnaire_version, 'Were you greeted?').pk}": "yes", "later": "1"},
    )
    page = client.get(reverse("visits:my-visits")).content.decode()
    assert "Reports to send" in page and "Report started, not sent yet." in page
    assert "Carry on with your report" in page
    assert "You have accepted" not in page


def test_sending_a_report_shows_its_reference_and_what_happens_next(client_for, booked):
    _visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    response = sent(client, assignment)
    assert response["Location"] == reverse("visits:report-sent", args=[assignment.pk])
    page = client.get(response["Location"]).content.decode()
    reference = assignment.submission.reference
    assert "Report sent" in page and f'Your reference is<br><strong class="fs-3">{reference}</strong>' in page
    assert "What happens next" in page
    again = client.post(reverse("visits:report-submit", args=[assignment.pk]))
    assert again["Location"] == response["Location"], "pressing send again shows the same confirmation"
    my_visits = client.get(reverse("visits:my-visits")).content.decode()
    assert "the OPCC is checking it" in my_visits


def test_the_confirmation_is_only_for_a_sent_report(client_for, booked):
    _visit, (assignment, other) = booked
    client = client_for(assignment.volunteer.user)
    url = reverse("visits:report-sent", args=[assignment.pk])
    fill(client, assignment)
    assert client.get(url)["Location"] == reverse("visits:report-check", args=[assignment.pk])
    assert client.get(reverse("visits:report-sent", args=[other.pk])).status_code == 404


# --- A report returned for correction (item 2) ---------------------------------------------------


@pytest.fixture
def returned(client_for, booked, coordinator, django_capture_on_commit_callbacks):
    _visit, (assignment, _other) = booked
    sent(client_for(assignment.volunteer.user), assignment)
    delivered_email().clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator).post(
            reverse("visits:review-return", args=[assignment.submission.pk]),
            {"comment": "Please give the wait in minutes and seconds."},
        )
    assignment.submission.refresh_from_db()
    assert assignment.submission.status == SubmissionStatus.RETURNED
    return assignment


def test_returning_a_report_emails_the_volunteer_the_comment_and_a_link(returned):
    message = delivered_email()[-1]
    assert message.to == [returned.volunteer.email]
    assert message.subject == "Please correct your mystery shop report"
    assert "Please give the wait in minutes and seconds." in message.body
    assert reverse("visits:report-section", args=[returned.pk, 1]) in message.body
    assert returned.submission.reference in message.body


def test_my_visits_lists_reports_to_correct_first_with_the_comment(client, returned):
    from conftest import sign_in_as

    page = sign_in_as(client, returned.volunteer.user).get(reverse("visits:my-visits")).content.decode()
    heading = page.index("Reports to correct")
    assert heading < page.index("Coming up") and heading < page.index("Past visits")
    assert "The OPCC asks: “Please give the wait in minutes and seconds.”" in page
    assert reverse("visits:report-section", args=[returned.pk, 1]) in page
    past = page[page.index("Past visits") :]
    assert returned.visit.scenario.title not in past, "a returned report is not a past visit"


def test_the_volunteer_home_lists_reports_to_correct_first(client, returned):
    from conftest import sign_in_as

    page = sign_in_as(client, returned.volunteer.user).get(reverse("volunteers:volunteer-home")).content.decode()
    assert page.index("Reports to correct") < page.index("Training")
    assert "The OPCC asks: “Please give the wait in minutes and seconds.”" in page
    assert "Correct this report" in page


def test_a_corrected_report_leaves_the_list_once_sent_again(client, returned):
    from conftest import sign_in_as

    client = sign_in_as(client, returned.volunteer.user)
    client.post(reverse("visits:report-submit", args=[returned.pk]))
    assert "Reports to correct" not in client.get(reverse("visits:my-visits")).content.decode()
    assert list(capture.reports_to_correct(returned.volunteer)) == []


# --- Found while using the site: answers shown as the volunteer gave them -------------------------


def test_check_your_answers_shows_each_answer_as_it_was_given(client_for, coordinator):
    """An option whose key is inside another's ("easy" in "very-easy") was shown as both; dates were ISO."""
    from scenarios.tests.factories import QuestionFactory, QuestionnaireVersionFactory, SectionFactory
    from visits.models import Answer

    version = QuestionnaireVersionFactory()
    section = SectionFactory(version=version, order=1, title="The form")
    options = [{"key": "very-easy", "label": "Very easy"}, {"key": "easy", "label": "Easy"}]
    how_easy = QuestionFactory(section=section, order=1, kind="single_choice", label="How easy?", options=options)
    which = QuestionFactory(section=section, order=2, kind="multiple_choice", label="Which?", options=options)
    when = QuestionFactory(section=section, order=3, kind="date", label="What day?")
    rating = QuestionFactory(section=section, order=4, kind="rating", label="Overall?")
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=version))
    assignment = services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    with time_machine.travel(visit.starts_at + timedelta(minutes=10), tick=True):
        submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
        for question, value in ((how_easy, "very-easy"), (which, ["easy"]), (when, "2026-12-03"), (rating, 5)):
            Answer.objects.create(submission=submission, question=question, value=value)
        page = client_for(assignment.volunteer.user).get(reverse("visits:report-check", args=[assignment.pk]))
    answers = re.findall(r"<dd[^>]*>(.*?)</dd>", page.content.decode(), flags=re.DOTALL)
    assert answers == ["Very easy", "Easy", "3 December 2026", "5 – Excellent"]
