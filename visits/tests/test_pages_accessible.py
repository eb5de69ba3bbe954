"""The visits pages in a real Chromium: no WCAG 2.2 A/AA problem, reflow at 320 px."""

from django.urls import reverse

from conftest import PATIENCE, accessibility_problems, browser_sign_in
from visits import services

from .factories import make_visit, ready_volunteer


def test_schedule_pages_are_accessible(browser, client_for, coordinator):
    visit = make_visit(coordinator=coordinator)
    ready_volunteer(), ready_volunteer()
    browser_sign_in(browser, client_for(coordinator))
    paths = [
        reverse("visits:visit-list"), reverse("visits:visit-detail", args=[visit.pk]), reverse("visits:visit-create"),
        reverse("visits:plan-list"), reverse("visits:plan-create"), reverse("visits:coverage"),
    ]  # fmt: skip
    assert accessibility_problems(browser, paths) == {}


def test_a_volunteers_visit_pages_are_accessible_on_a_phone(browser, client_for, coordinator):
    visit = make_visit(coordinator=coordinator)
    person = ready_volunteer()
    assignment = services.assign(visit=visit, volunteer=person, by=coordinator)
    browser_sign_in(browser, client_for(person.user))
    assert (
        accessibility_problems(
            browser, [reverse("visits:my-visits"), reverse("visits:assignment-detail", args=[assignment.pk])]
        )
        == {}
    )


def test_the_questionnaire_and_review_pages_are_accessible(browser, client_for, coordinator):
    import time_machine

    from visits import capture
    from visits.models import Submission

    from .factories import approved_scenario
    from .test_capture import build_version, fill

    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=build_version()))
    person = ready_volunteer()
    assignment = services.assign(visit=visit, volunteer=person, by=coordinator)
    with time_machine.travel(visit.starts_at, tick=True):
        fill(client_for(person.user), assignment)
        browser_sign_in(browser, client_for(person.user))
        paths = [reverse("visits:report-section", args=[assignment.pk, n]) for n in (1, 2)]
        paths.append(reverse("visits:report-check", args=[assignment.pk]))
        assert accessibility_problems(browser, paths) == {}
        capture.submit(submission=Submission.objects.get(), by=person.user)
        browser.delete_all_cookies()
        browser_sign_in(browser, client_for(coordinator))
        paths = [reverse("visits:review-queue"), reverse("visits:review-detail", args=[Submission.objects.get().pk])]
        assert accessibility_problems(browser, paths) == {}


def test_the_stopwatch_fills_in_minutes_and_seconds(browser, client_for, coordinator):
    import time_machine
    from selenium.webdriver.support.ui import WebDriverWait

    from visits import capture

    from .factories import approved_scenario
    from .test_capture import build_version

    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=build_version()))
    person = ready_volunteer()
    assignment = services.assign(visit=visit, volunteer=person, by=coordinator)
    with time_machine.travel(visit.starts_at, tick=True):
        capture.start(assignment=assignment, by=person.user)
        browser_sign_in(browser, client_for(person.user))
        browser.get(browser.base_url + reverse("visits:report-section", args=[assignment.pk, 2]))
        browser.find_element("css selector", "[data-stopwatch-start]").click()
        inputs = browser.find_elements("css selector", "[data-duration] input")
        # Wait until the running stopwatch has counted a second, however long that takes on a busy machine.
        WebDriverWait(browser, PATIENCE).until(lambda b: int(inputs[1].get_attribute("value") or 0) >= 1)
        browser.find_element("css selector", "[data-stopwatch-stop]").click()
        minutes, seconds = (int(field.get_attribute("value")) for field in inputs)
        assert 60 * minutes + seconds >= 1 and 0 <= seconds < 60
        assert "Stopped at" in browser.find_element("css selector", "[data-stopwatch-status]").text


def test_answers_are_saved_as_the_volunteer_types_in_a_real_browser(browser, client_for, coordinator):
    import time_machine
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    from visits import capture
    from visits.models import Submission

    from .factories import approved_scenario
    from .test_capture import build_version

    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=build_version()))
    person = ready_volunteer()
    assignment = services.assign(visit=visit, volunteer=person, by=coordinator)
    with time_machine.travel(visit.starts_at, tick=True):
        capture.start(assignment=assignment, by=person.user)
        browser_sign_in(browser, client_for(person.user))
        browser.get(browser.base_url + reverse("visits:report-section", args=[assignment.pk, 1]))
        radio = browser.find_element("css selector", "input[type=radio][value=yes]")
        browser.execute_script("arguments[0].focus();", radio)
        radio.send_keys(Keys.SPACE)
        WebDriverWait(browser, PATIENCE).until(
            lambda b: "saved" in b.find_element("css selector", "[data-autosave-status]").text
        )
    assert Submission.objects.get().answers.count() == 1
