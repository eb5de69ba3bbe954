"""A volunteer who chose Welsh sends their reports in Welsh, in Chromium, with JavaScript on and off (issue 21).

The demo's people, places and questionnaires, with the scheme offering Welsh: Margaret (on a phone, JavaScript
on) and Derek (on a desktop, JavaScript off) each choose Welsh on the Language page, open My visits in Welsh,
and send a report: a 101 call made in Welsh (its first page asks about the force's Welsh service) and a front
desk visit. Every page they reach is checked with axe-core, as Welsh. The answers are stored as any others, and
what is sent to them afterwards is in Welsh.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mysteryshop.demo import DEMO_PASSWORD
from mysteryshop.roles import Role
from mysteryshop.tests.journey import DESKTOP, PHONE, Journey, Person, answer_questionnaire_page, errors_on_page
from mysteryshop.tests.test_questionnaires_in_a_browser import demo_world
from mysteryshop.tests.test_welsh import BOTH

pytestmark = pytest.mark.journey


@pytest.fixture
def welsh_scheme(settings):
    settings.MYSTERYSHOP_WELSH = True
    settings.LANGUAGES = BOTH


def visit_in_welsh(volunteer, title: str, starts=None):
    """A visit on the demo scenario `title` (by default six days ago), booked and accepted by `volunteer`."""
    from django.contrib.auth import get_user_model

    from scenarios.models import ContactPoint, Scenario
    from visits.models import Assignment, Visit, VisitStatus

    scenario = Scenario.objects.get(title=title)
    starts = starts or timezone.now() - timedelta(days=6, hours=2)
    visit = Visit.objects.create(
        scenario=scenario, contact_point=ContactPoint.objects.filter(channel=scenario.channel).first(),
        starts_at=starts, ends_at=starts + timedelta(minutes=30), status=VisitStatus.CONFIRMED,
        created_by=get_user_model().objects.get(username="coordinator"),
    )  # fmt: skip
    blocked_from, blocked_until = Assignment.block_for(visit)
    return Assignment.objects.create(
        visit=visit, volunteer=volunteer, blocked_from=blocked_from, blocked_until=blocked_until,
        assigned_by=visit.created_by, accepted_at=starts - timedelta(days=7),
    )  # fmt: skip


def choose_welsh(j: Journey) -> None:
    j.visit("/accounts/language/")
    j.choose("Cymraeg")
    j.press("Save")
    assert j.driver.current_url.endswith("/cy/accounts/language/"), j.driver.current_url
    assert "Byddwn yn ysgrifennu atoch chi yn Gymraeg." in j.page_text()
    assert j.driver.find_element("tag name", "html").get_attribute("lang") == "cy"


def send_in_welsh(j: Journey, assignment, welsh_title: str) -> str:
    """From My visits in Welsh: open the visit, fill in every page, check and send; returns the pages' text."""
    j.visit("/cy/visits/mine/")
    assert "Fy ymweliadau" in j.heading()
    j.follow(welsh_title)
    assert j.heading() == welsh_title
    assert "Eich briff" in j.page_text() and "Your briefing" not in j.page_text()
    j.press("Llenwi’r holiadur")
    seen = []
    for _page in range(10):
        if "Gwiriwch eich atebion" in j.heading():
            break
        seen.append(j.page_text())
        assert "/cy/" in j.driver.current_url
        answer_questionnaire_page(j)
        j.press("Cadw a")
        assert not errors_on_page(j), f"{j.driver.current_url}: {errors_on_page(j)}"
    else:
        raise AssertionError(f"Never reached the check page: {j.driver.current_url}\n{j.page_text()}")
    seen.append(j.page_text())
    j.press("Anfon fy adroddiad")
    assert j.heading() == "Adroddiad wedi’i anfon", j.page_text()
    assert re.search(r"Eich cyfeirnod yw\s+MS-\d{6}", j.page_text()), j.page_text()
    return "\n".join(seen)


def test_a_volunteer_who_chose_welsh_sends_reports_in_welsh_with_javascript_on_and_off(
    welsh_scheme, browser, browser_without_javascript
):
    from mysteryshop.models import OutgoingEmail
    from visits.models import Answer, Submission
    from volunteers.models import Volunteer

    visits = demo_world()
    j = Journey(browser)
    margaret = Person("Margaret Hughes", Role.VOLUNTEER, username="volunteer1", password=DEMO_PASSWORD, size=PHONE)
    derek = Person(
        "Derek Okafor", Role.VOLUNTEER, username="volunteer2", password=DEMO_PASSWORD, size=DESKTOP,
        driver=browser_without_javascript,
    )  # fmt: skip

    # Margaret, JavaScript on: a 101 call made in Welsh, whose first page asks about the Welsh service.
    j.sign_in(margaret)
    choose_welsh(j)
    margaret_record = Volunteer.objects.get(user__username="volunteer1")
    assert margaret_record.language == "cy" and margaret_record.user.language == "cy"
    call = visit_in_welsh(margaret_record, "Asking 101 for help in Welsh")
    pages = send_in_welsh(j, call, "Gofyn i 101 am help yn Gymraeg")
    assert "Defnyddio’r Gymraeg" in pages  # the Welsh-language page of the questionnaire
    assert "A oedd y cyfarchiad ar y llinell yn Gymraeg yn ogystal â Saesneg?" in pages
    assert "Ie" in pages and "Was the greeting on the line" not in pages

    # Derek, JavaScript off: a front desk visit from the ordinary starter questionnaire, in Welsh.
    j.sign_in(derek)
    choose_welsh(j)
    front_desk = next(a for a in visits["volunteer2"] if a.visit.scenario.channel == "front_desk")
    pages = send_in_welsh(j, front_desk, "Ymholiad am eiddo coll")
    assert "A gawsoch chi eich cyfarch yn gwrtais?" in pages and "Were you greeted politely?" not in pages

    # Stored as any report: answers with no language, ready to roll up with English ones.
    for assignment in (call, front_desk):
        report = Submission.objects.get(assignment=assignment)
        assert report.status == "submitted"
        answers = Answer.objects.filter(submission=report)
        assert answers.exists()
        assert all(not isinstance(a.value, str) or not a.value.startswith(("Ie", "Na")) for a in answers)
    scored = Answer.objects.filter(submission__assignment=call, question__commitment_area__slug="welsh-language")
    assert scored.filter(meets__isnull=False).count() >= 2

    # What is sent to them from now on is Welsh: their visit's reminder.
    from visits import services

    visit_in_welsh(margaret_record, "Asking 101 for help in Welsh", starts=timezone.now() + timedelta(hours=3))
    services.send_reminders()
    reminder = OutgoingEmail.objects.filter(to=margaret_record.email).latest("pk")
    assert reminder.subject == "Nodyn atgoffa: eich ymweliad siopa cudd"
    assert "Gofyn i 101 am help yn Gymraeg" in reminder.body and "Dear" not in reminder.body
