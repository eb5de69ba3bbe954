"""A coordinator's tasks through the real pages, in Chromium, each as a person would do it.

Building a questionnaire with every type of question (without JavaScript: the type first, then
its fields); planning a quarter, booking it and discarding a draft; booking a visit where rules
leave people out; returning a report and seeing it on the volunteer's side, on a phone.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from selenium.webdriver.common.by import By

from conftest import delivered_email
from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from mysteryshop.tests.journey import PHONE, Journey, Person, errors_on_page

pytestmark = pytest.mark.journey


def staff(role=Role.COORDINATOR, name="Sam Patel") -> Person:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person = Person(name, role, username=name.lower().replace(" ", "."))
    first, last = name.split(" ", 1)
    user = UserFactory(username=person.username, first_name=first, last_name=last, roles=[role])
    user.set_password(person.password)
    user.save()
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return person


def volunteer_person(volunteer, *, size=PHONE) -> Person:
    person = Person(f"{volunteer.first_name} {volunteer.last_name}", Role.VOLUNTEER, username=volunteer.user.username)
    volunteer.user.set_password(person.password)
    volunteer.user.save()
    person.size = size
    return person


# --- Building a questionnaire with every type of question (items 7 and 8) -----------------------------------


QUESTIONS = [
    # type (as the first step lists it), wording, then what to fill: (how, label, value)
    ("Yes or no", "Were you greeted?", [("select", "Scores towards", "Making it easy to contact us"), ("choose", "Yes", "")]),
    ("Yes, no or not applicable", "Was the entrance step-free?", [("select", "Scores towards", "Making it easy to contact us"), ("choose", "Yes", "")]),
    ("Rating from 1 to 5", "How polite were they?", [("select", "Scores towards", "Providing a professional and high-quality service"), ("fill", "It meets the commitment when the rating is at least", "4")]),
    ("Choose one", "When were you seen?", [("fill", "Options", "Straight away\nAfter a wait\nNot at all"), ("select", "Scores towards", "Dealing with your initial contact"), ("fill", "It meets the commitment when the answer is one of these options", "Straight away")]),
    ("Choose any", "Which leaflets were on show?", [("fill", "Options", "Victim support\nCrime prevention\nNone")]),
    ("Number", "How many people were waiting?", [("select", "Scores towards", "Making it easy to contact us"), ("fill", "It meets the commitment when the number is at least", "0"), ("fill", "…and at most", "3")]),
    ("Duration", "How long did you wait?", [("select", "Scores towards", "Making it easy to contact us"), ("fill", "Minutes", "5"), ("fill", "Seconds", "0")]),
    ("Time of day", "What time did you arrive?", []),
    ("Date", "What day did you go?", []),
    ("Free text", "Anything else?", [("select", "Show this question only if", "Arriving: Were you greeted?"), ("fill", "…has one of these answers", "No")]),
]  # fmt: skip


def add_question(j: Journey, kind: str, wording: str, steps) -> None:
    j.press("Add a question")
    assert "What type of question is it?" in j.page_text()
    j.choose(kind)
    j.press("Continue")
    j.fill("Question", wording)
    for how, label, value in steps:
        if how == "fill":
            j.fill(label, value)
        elif how == "select":
            j.select(label, value)
        else:
            j.choose(label)
    j.press("Save the question")
    assert "Question saved." in j.message(), j.page_text()


def test_a_coordinator_builds_a_questionnaire_with_every_type_of_question(browser, browser_without_javascript):
    from scenarios.models import Question, QuestionType

    j = Journey(browser)
    coordinator = staff()
    coordinator.driver = browser_without_javascript
    j.sign_in(coordinator)
    j.visit("/scenarios/questionnaires/new/")
    j.fill("Title", "Station visit, short")
    j.select("Channel", "Front desk")
    j.press("Create")
    j.fill("Title", "Arriving")
    j.press("Add the section")

    # The server error: scored, with a commitment area, and nothing said about what meets it.
    j.press("Add a question")
    j.choose("Yes or no")
    j.press("Continue")
    assert "Options" not in j.page_text() and "Words beside 1" not in j.page_text(), "only the type's own fields"
    j.fill("Question", "Were you greeted?")
    j.select("Scores towards", "Making it easy to contact us")
    j.press("Save the question")
    assert "Choose the answer that meets the commitment." in errors_on_page(j)
    assert j.driver.title.startswith("Error: ")
    j.choose("Yes")
    j.press("Save the question")
    assert "Question saved." in j.message()

    for kind, wording, steps in QUESTIONS[1:]:
        add_question(j, kind, wording, steps)
    text = j.page_text()
    for rule in (
        "met when the answer is “Yes”.",
        "met when the rating is 4 or higher.",
        "met when the answer is “Straight away”.",
        "met when the number is between 0 and 3.",
        "met when it takes 5 minutes or less.",
        "Shown only when the answer to “Were you greeted?” is “No”.",
    ):
        assert rule in text, rule
    assert " the within " not in text and "True" not in text
    assert set(Question.objects.values_list("kind", flat=True)) == set(QuestionType.values)

    j.press("Preview as a volunteer")
    for _kind, wording, _steps in QUESTIONS:
        assert wording in j.page_text()


# --- Plan → book → discard (item 9) ----------------------------------------------------------------------


def plan_world():
    """Two front desks open every weekday, an approved front desk scenario, six volunteers ready to go."""
    from scenarios.models import Channel, OpeningHours
    from scenarios.tests.factories import ContactPointFactory
    from visits.tests.factories import approved_scenario, ready_volunteer

    for name in ("Leek Police Station", "Stone Police Station"):
        point = ContactPointFactory(name=name, channel=Channel.FRONT_DESK, weekday_hours=False)
        for weekday in range(5):
            OpeningHours.objects.create(contact_point=point, weekday=weekday, opens=time(9), closes=time(17))
    approved_scenario(channel=Channel.FRONT_DESK)
    return [ready_volunteer() for _ in range(6)]


def draft_a_plan(j: Journey, *, year: int, quarter: str) -> None:
    j.visit("/visits/plans/new/")
    j.fill("Year", str(year))
    j.select("Quarter", quarter)
    j.fill("Visits to each front desk", "1")
    for label in ("Calls to the 101 line", "Website tasks", "Online reporting tasks", "Visits to each neighbourhood"):
        j.fill(label, "0")
    j.press("Draft")
    assert "Draft plan made" in j.message(), j.page_text()


def test_a_coordinator_plans_books_and_discards_safely(browser):
    from visits.models import Assignment, QuarterPlan

    plan_world()
    j = Journey(browser)
    j.sign_in(staff())
    year = timezone.localdate().year + 1
    draft_a_plan(j, year=year, quarter="April to June")
    assert "Book volunteers" not in j.page_text() and "Suggest and book" not in j.page_text()
    assert "nobody is booked or told yet" in j.page_text()
    j.press("Discard this draft")
    assert "Discard the draft plan" in j.heading() and "Nobody is booked" in j.page_text()
    j.press("No, keep it")
    assert QuarterPlan.objects.count() == 1

    j.press("Confirm the plan")
    assert "each volunteer booked is e-mailed an invitation" in j.page_text()
    delivered_email().clear()
    j.press("Book volunteers for every open visit and e-mail them")
    assert "Booked 2 visits; each volunteer booked has been e-mailed an invitation" in j.message()
    assert not re.search(r"\(\d+, \d+\)", j.page_text()), "no Python tuple in the banner"
    assert len(delivered_email()) == 4

    # A draft for another quarter with a visit someone was booked on (as could happen before booking
    # needed a confirmed plan): discarding it asks, names them, and sends them a cancellation.
    draft_a_plan(j, year=year, quarter="July to September")
    draft = QuarterPlan.objects.get(state="draft")
    visit = draft.visits.order_by("starts_at").first()
    blocked_from, blocked_until = Assignment.block_for(visit)
    booked = Assignment.objects.filter(visit__plan__state="confirmed").first().volunteer
    told = Assignment.objects.create(
        visit=visit, volunteer=booked, blocked_from=blocked_from, blocked_until=blocked_until,
        assigned_by=visit.created_by,
    )  # fmt: skip
    uid = told.ics_uid
    delivered_email().clear()
    j.visit(draft.get_absolute_url())
    j.press("Discard this draft")
    assert str(booked) in j.page_text() and "will be cancelled" in j.page_text()
    j.press("Yes, discard this draft")
    assert "Draft plan discarded. 1 volunteer booked on its visits was e-mailed a cancellation." in j.message()
    assert not QuarterPlan.objects.filter(pk=draft.pk).exists()
    (message,) = delivered_email()
    assert message.to == [booked.email]
    cancel = Calendar.from_ical(message.attachments[0][1])
    assert cancel["METHOD"] == "CANCEL" and cancel.walk("VEVENT")[0]["UID"] == uid


# --- Booking a visit where rules leave people out (item 10) -----------------------------------------------


def test_a_coordinator_sees_why_each_volunteer_cannot_go_and_books_who_can(browser):
    from visits.models import Conflict
    from visits.tests.factories import make_visit, ready_volunteer
    from volunteers.models import AwayPeriod

    coordinator = staff()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=coordinator.username)
    visit = make_visit(coordinator=user)
    day = timezone.localtime(visit.starts_at).date()
    free = ready_volunteer(first_name="Frances", last_name="Able")
    away = ready_volunteer(first_name="Arthur", last_name="Bell")
    AwayPeriod.objects.create(volunteer=away, starts_on=day, ends_on=day)
    conflicted = ready_volunteer(first_name="Carol", last_name="Cole")
    Conflict.objects.create(volunteer=conflicted, contact_point=visit.contact_point, reason="Husband works there")
    untrained = ready_volunteer(first_name="Usha", last_name="Dean")
    untrained.training_bookings.update(attended=False)

    j = Journey(browser)
    j.sign_in(coordinator)
    j.visit(visit.get_absolute_url())
    text = j.page_text()
    assert "Who cannot go, and why" in text
    assert f"{away} is away that day." in text
    assert f"{conflicted} has a declared conflict of interest with this contact point." in text
    assert f"{untrained} has not done all the required training" in text
    assert "may be booked nearby, unavailable" not in text
    j.press("Book")  # the only one: "Book" and, for a screen reader, the name
    assert f"{free} is booked." in j.message()
    assert f"{free} – waiting for a reply" in j.page_text()


# --- Returning a report, and the volunteer seeing it (item 2) ---------------------------------------------


def a_sent_report(first_name="Margaret", last_name="Hughes", place="Hanley Police Station"):
    """A front desk visit an hour ago, on the starter questionnaire, and the volunteer's report sent."""
    from scenarios.models import Channel, QuestionnaireVersion
    from scenarios.services import load_starter_questionnaires
    from scenarios.tests.factories import ContactPointFactory
    from visits import capture, services
    from visits.models import Answer, Assignment, Visit, VisitStatus
    from visits.tests.factories import approved_scenario, ready_volunteer

    version = QuestionnaireVersion.objects.filter(questionnaire__channel=Channel.FRONT_DESK).first() or next(
        v for v in load_starter_questionnaires() if v.questionnaire.channel == Channel.FRONT_DESK
    )
    scenario = approved_scenario(channel=Channel.FRONT_DESK, questionnaire_version=version, title="Lost purse")
    volunteer = ready_volunteer(first_name=first_name, last_name=last_name)
    starts = timezone.now() - timedelta(hours=1)
    visit = Visit.objects.create(
        scenario=scenario, contact_point=ContactPointFactory(name=place), starts_at=starts,
        ends_at=starts + timedelta(minutes=30), status=VisitStatus.CONFIRMED, created_by=scenario.author,
    )  # fmt: skip
    blocked_from, blocked_until = Assignment.block_for(visit)
    assignment = Assignment.objects.create(
        visit=visit, volunteer=volunteer, blocked_from=blocked_from, blocked_until=blocked_until,
        assigned_by=scenario.author, accepted_at=starts - timedelta(days=3),
    )  # fmt: skip
    submission = capture.start(assignment=assignment, by=volunteer.user)
    answers = {"yes_no": True, "yes_no_na": "yes", "time": "10:05", "duration": 90, "rating": 4, "text": "Fine."}
    for question in version.questions_in_order():
        Answer.objects.create(submission=submission, question=question, value=answers[question.kind])
    services.accept(assignment=assignment, by=volunteer.user)
    capture.submit(submission=submission, by=volunteer.user)
    return assignment


def test_a_returned_report_reaches_the_volunteer_who_corrects_and_sends_it(browser):
    assignment = a_sent_report()
    margaret = volunteer_person(assignment.volunteer)
    j = Journey(browser)
    j.sign_in(staff())
    j.visit("/visits/reports/")
    j.open(j.driver.find_element(By.CSS_SELECTOR, "main table a"))
    j.fill("What needs correcting", "Please give the wait in minutes and seconds as you timed it.")
    delivered_email().clear()
    j.press("Return for correction")
    assert "Report returned to the volunteer" in j.message()
    (message,) = delivered_email()
    assert message.to == [assignment.volunteer.email] and "Please give the wait" in message.body

    j.sign_in(margaret)
    j.visit("/visits/mine/")
    text = j.page_text()
    assert text.index("Reports to correct") < text.index("Coming up")
    assert "The OPCC asks: “Please give the wait in minutes and seconds as you timed it.”" in text
    past = text[text.index("Past visits") :]
    assert "Lost purse" not in past and "completed" not in past
    j.visit("/volunteers/home/")
    assert "Reports to correct" in j.page_text() and "Please give the wait" in j.page_text()
    j.press("Correct this report")
    assert "The OPCC asked you to correct this report" in j.page_text()
    j.fill("Minutes", "2")
    # A change after a return carries the volunteer's reason, kept as evidence for any appeal.
    j.fill("If you change an answer on this page, say why", "I timed it again from my notes.")
    for _page in range(5):
        if "Check your answers" in j.heading():
            break
        j.press("Save and")
        assert not errors_on_page(j), errors_on_page(j)
    j.press("Send my report")
    assert j.heading() == "Report sent"
    j.visit("/visits/mine/")
    assert "Reports to correct" not in j.page_text()
    assert "the OPCC is checking it" in j.page_text()


# --- What needs the coordinator, and approving several at once (issue 19) ------------------------------------


def tick(j: Journey, name: str) -> None:
    """Tick the box whose label, as a screen reader reads it, is `name` (sighted people read "Approve" in its row)."""
    label = j.driver.find_element(By.XPATH, f"//main//label[normalize-space()='{name}']")
    j.choose_element(j.driver.find_element(By.ID, label.get_attribute("for")))


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_coordinator_sees_what_needs_them_and_approves_several_at_once(
    browser, browser_without_javascript, javascript
):
    from visits.models import Submission
    from volunteers import services as volunteer_services
    from volunteers.models import ExpenseClaim

    first, second = a_sent_report(), a_sent_report("Ann", "Jones", "Longton Police Station")
    for n, pence in enumerate((1250, 480), start=1):
        volunteer_services.create_expense_claim(
            volunteer=first.volunteer, purpose=f"Parking {n}", items=[{"kind": "parking", "amount_pence": pence}]
        )
    j = Journey(browser)
    coordinator = staff()
    coordinator.size = PHONE
    if not javascript:
        coordinator.driver = browser_without_javascript
    j.sign_in(coordinator)
    j.visit("/reports/coordinator/")
    needs = j.driver.find_element(By.CSS_SELECTOR, "[aria-labelledby=needs-you]").text
    assert "2\nReports waiting for review" in needs and "2\nExpense claims to decide: £17.30 in all" in needs

    j.follow("Reports waiting for review")
    sent = timezone.localtime(Submission.objects.get(assignment=second).submitted_at)
    tick(j, f"Approve the report sent {sent:%-d %b %Y %H:%M} by Ann Jones")
    j.press("Approve the ticked reports")
    assert "1 report approved. It now counts towards the results." in j.message()
    assert Submission.objects.get(assignment=second).status == "approved"
    assert Submission.objects.get(assignment=first).status == "submitted"

    j.visit("/reports/coordinator/")
    j.follow("Expense claims to decide")
    assert "2 claims, £17.30 in all" in j.page_text()
    for n, amount in ((1, "£12.50"), (2, "£4.80")):
        tick(j, f"Approve Parking {n}, {amount}, from Margaret Hughes")
    j.press("Approve the ticked claims")
    assert "2 claims approved, £17.30 in all." in j.message()
    assert set(ExpenseClaim.objects.values_list("state", flat=True)) == {"approved"}
