"""In Chromium, as the people involved: the coordinator marks a practice scenario and enters its answer
key; a new volunteer does the practice on their phone and sees how their answers compare with the key;
the coordinator opens the questionnaire health page. With JavaScript on and off, at phone and desktop
width; every page is checked by axe-core and for reflow on the way (`Journey.check_page`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from mysteryshop.roles import Role
from mysteryshop.tests.factories import TEST_PASSWORD, UserFactory
from mysteryshop.tests.journey import DESKTOP, PHONE, Journey, Person, answer_questionnaire_page, pick
from reports.tests.test_questionnaire_health import paired_visit
from scenarios import services as scenario_services
from scenarios.models import KeyAnswer
from scenarios.tests.factories import ContactPointFactory, ScenarioFactory
from visits.models import Submission
from visits.tests.factories import ALL_CONFIRMED, approved_scenario, ready_volunteer
from visits.tests.test_capture import build_version


def people():
    sam = UserFactory(username="sam.patel", first_name="Sam", last_name="Patel", roles=[Role.COORDINATOR])
    TOTPDevice.objects.create(user=sam, name="Phone", confirmed=True)
    return sam, UserFactory(roles=[Role.COMMISSIONER])


@pytest.mark.parametrize(
    ("javascript", "volunteer_size", "coordinator_size"), [(True, PHONE, DESKTOP), (False, DESKTOP, PHONE)]
)
def test_a_coordinator_sets_up_a_practice_a_new_volunteer_does_it_and_the_coordinator_reads_the_health(
    browser, request, javascript, volunteer_size, coordinator_size
):
    if not javascript:
        browser = request.getfixturevalue("browser_without_javascript")
    sam_user, commissioner = people()
    draft = ScenarioFactory(
        title="Practice: a lost purse at the desk", author=sam_user, questionnaire_version=build_version()
    )
    draft.contact_points.add(ContactPointFactory(channel=draft.channel))
    margaret = ready_volunteer(first_name="Margaret", last_name="Hughes")
    # Three visits whose pairs answered "Were you greeted?" differently twice, before calibration began.
    live = approved_scenario(questionnaire_version=build_version())
    for n, answers in enumerate([(True, False), (False, True), (True, True)]):
        paired_visit(sam_user, live, answers, weeks_ahead=2 + n)
    sam = Person("Sam Patel", Role.COORDINATOR, username="sam.patel", password=TEST_PASSWORD, size=coordinator_size)
    volunteer = Person(
        "Margaret Hughes", Role.VOLUNTEER, username=margaret.user.username, password=TEST_PASSWORD, size=volunteer_size
    )
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        j = Journey(browser, traveller)
        # Sam marks the draft as a practice scenario.
        j.sign_in(sam)
        j.visit(f"/scenarios/{draft.pk}/edit/")
        j.choose("Practice scenario")
        j.press("Save as a draft")
        assert "Practice scenario" in j.page_text()
        scenario_services.submit_scenario(scenario=draft, by=sam_user, confirmed=ALL_CONFIRMED)
        scenario_services.approve_scenario(scenario=draft, by=commissioner)
        # ... and enters the key: greeted, given a reference number, waited a minute and a half.
        j.visit(f"/scenarios/{draft.pk}/")
        j.follow("Enter the answer key")
        pick(j, "Were you greeted?", "yes")
        pick(j, "Did they give a reference number?", "yes")
        answer_questionnaire_page(j)
        j.press("Save the answer key")
        assert "Answer key saved" in j.message()
        assert KeyAnswer.objects.filter(scenario=draft).count() == 3  # free text has no key

        # Margaret, new, is asked to practise first; she says she was not given a reference number.
        j.sign_in(volunteer)
        assert "Practise before your next visit" in j.page_text()
        j.follow("Do the practice")
        j.press("Start this practice")
        pick(j, "Were you greeted?", "yes")
        pick(j, "Did they give a reference number?", "no")
        answer_questionnaire_page(j)
        j.press("Save and continue")
        answer_questionnaire_page(j)
        j.press("Save and check your answers")
        j.press("Send my report")
        assert "This was a practice" in j.page_text()
        j.follow("See how your answers compare with the key")
        text = j.page_text()
        assert "Your answers beside the key" in j.heading()
        assert "2 of 3 answers (67%) are the same as the key" in text, text
        assert "Anything else?" not in text, "free text is not compared with a key"
        report = Submission.objects.get(assignment__volunteer=margaret)
        assert report.practice and report.status == "submitted"
        j.visit("/visits/practice/")
        assert "You did your last practice" in j.page_text()

        # Sam sees everyone's practice, then the questionnaire health of live visits.
        j.sign_in(sam)
        j.visit("/visits/practice/everyone/")
        j.follow("Margaret Hughes")
        assert "Practice by Margaret Hughes" in j.heading()
        j.visit("/reports/questionnaire-health/")
        assert "Questionnaire health" in j.heading()
        today = timezone.localdate()
        j.set_value("From", (today - timedelta(days=30)).isoformat())
        j.set_value("To", (today + timedelta(days=60)).isoformat())
        j.fill("Only with at least", "3")
        j.press("Show")
        candidates = j.page_text().split("Candidates to reword")[1].split("Every question")[0]
        assert "Were you greeted?" in candidates
        j.fill("Low agreement: kappa below", "5")
        j.press("Show")
        assert "There is a problem" in j.page_text() and j.driver.title.startswith("Error: ")
