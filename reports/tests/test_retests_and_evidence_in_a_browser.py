"""In Chromium, as the people involved: a coordinator accepts a fixed response and plans a re-test; a
volunteer corrects a returned report giving a reason (JavaScript on and off, phone width); a coordinator
makes and shares an evidence pack; force liaison read the shared pack on the appeal's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import accessibility_problems, axe_violations, browser_sign_in, layout_problems, wait_for_next_page
from reports import findings
from reports.models import Retest
from visits import capture
from visits.models import AnswerChange, Submission
from visits.tests import test_capture
from visits.tests.test_capture import fill, q

from .test_appeals import appeal, rolled_up  # noqa: F401
from .test_evidence_packs import REASON, evidenced, identities  # noqa: F401
from .test_findings import released_report  # noqa: F401
from .test_retests import accepted, failing_report, retest_day  # noqa: F401

booked = test_capture.booked  # the fixture
PHONE = (390, 844)


def press(driver, text: str) -> None:
    """Press a button and wait for the page it leads to."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.XPATH, f"//button[normalize-space()='{text}']").click()
    wait_for_next_page(driver, page)


def main_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "main").text


@pytest.fixture
def responded(coordinator, force_liaison, failing_report):  # noqa: F811
    finding = findings.raise_finding(
        by=coordinator, title="Greet everyone at the desk", what_was_found="Volunteers were not greeted.",
        recommendation="Greet everyone who comes to the desk.",
        contact_point=failing_report.assignment.visit.contact_point, cited_reports=[failing_report],
    )  # fmt: skip
    return findings.respond_to_finding(finding=finding, by=force_liaison, response="Desk staff now greet everyone.")


def test_coordinator_accepts_a_fixed_response_and_plans_a_retest(browser, client_for, coordinator, responded):
    browser_sign_in(browser, client_for(coordinator))
    browser.get(browser.base_url + responded.get_absolute_url())
    press(browser, "Accept the response")
    assert "Response accepted" in main_text(browser)
    assert "plan a visit of the same kind" in main_text(browser)
    assert axe_violations(browser) == []
    # A day outside next quarter is refused on the page, with the error linked to the field.
    day = browser.find_element(By.ID, "id_day")
    browser.execute_script("arguments[0].value = arguments[1]", day, (retest_day() - timedelta(days=120)).isoformat())
    browser.execute_script("arguments[0].value = '10:00'", browser.find_element(By.ID, "id_starts"))
    browser.execute_script("arguments[0].value = '10:30'", browser.find_element(By.ID, "id_ends"))
    press(browser, "Plan the re-test visit")
    assert browser.title.startswith("Error: ")
    summary = browser.find_element(By.CSS_SELECTOR, "[data-error-summary] a[href='#id_day']")
    assert "Choose a day in the next quarter" in summary.text
    assert Select(browser.find_element(By.ID, "id_scenario")).first_selected_option.text != "---------"
    browser.execute_script(
        "arguments[0].value = arguments[1]", browser.find_element(By.ID, "id_day"), retest_day().isoformat()
    )
    press(browser, "Plan the re-test visit")
    assert "Re-test planned for" in main_text(browser) and "The force is not told" in main_text(browser)
    retest = Retest.objects.get()
    assert retest.visit.contact_point == responded.contact_point
    assert "A verification visit" in main_text(browser)
    assert axe_violations(browser) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_volunteer_corrects_a_returned_report_giving_a_reason_on_a_phone(
    django_db_serialized_rollback, live_server, request, javascript, client_for, coordinator, booked
):
    driver = request.getfixturevalue("browser" if javascript else "browser_without_javascript")
    _visit, (assignment, _other) = booked
    volunteer = client_for(assignment.volunteer.user)
    fill(volunteer, assignment)
    volunteer.post(reverse("visits:report-submit", args=[assignment.pk]))
    submission = Submission.objects.get(assignment=assignment)
    capture.return_for_correction(submission=submission, by=coordinator, comment="Please check the wait time.")
    driver.set_window_size(*PHONE)
    browser_sign_in(driver, client_for(assignment.volunteer.user))
    driver.get(driver.base_url + reverse("visits:report-section", args=[assignment.pk, 2]))
    assert "Please check the wait time." in main_text(driver)
    wait = q(assignment.visit.scenario.questionnaire_version, "How long did you wait?").pk
    minutes = driver.find_element(By.NAME, f"q_{wait}_0")
    minutes.clear()
    minutes.send_keys("6")
    press(driver, "Save and check your answers")
    assert driver.title.startswith("Error: ")
    link = driver.find_element(By.CSS_SELECTOR, "[data-error-summary] a[href='#id_correction_reason']")
    assert "Say why you changed your answer" in link.text
    assert driver.find_element(By.NAME, f"q_{wait}_0").get_attribute("value") == "6", "nothing typed is lost"
    assert layout_problems(driver) == []
    if javascript:
        assert axe_violations(driver) == []
    driver.find_element(By.ID, "id_correction_reason").send_keys("I looked at my notes again.")
    press(driver, "Save and check your answers")
    assert "Check your answers" in main_text(driver) and "6 min 30 s" in main_text(driver)
    change = AnswerChange.objects.get()
    assert (change.before, change.after, change.reason) == (90, 390, "I looked at my notes again.")


def test_coordinator_makes_and_shares_an_evidence_pack_and_force_liaison_read_it(
    browser,
    client_for,
    coordinator,
    force_liaison,
    evidenced,  # noqa: F811
):
    browser_sign_in(browser, client_for(coordinator))
    browser.get(browser.base_url + evidenced.get_absolute_url())
    assert "Force liaison see it only if you share it" in main_text(browser)
    press(browser, "Make the evidence pack")
    text = main_text(browser)
    assert "Not shared with the force." in text and REASON in text and "First opened" in text
    assert browser.find_element(By.LINK_TEXT, "Download the evidence pack (PDF)")
    press(browser, "Share the evidence pack with the force")
    assert "Shared with the force" in main_text(browser)
    assert accessibility_problems(browser, [evidenced.get_absolute_url()]) == {}

    browser.delete_all_cookies()
    browser.set_window_size(*PHONE)
    browser_sign_in(browser, client_for(force_liaison))
    browser.get(browser.base_url + evidenced.get_absolute_url())
    text = main_text(browser)
    assert "The OPCC shared this evidence pack with you" in text and REASON in text
    for identity in identities(evidenced):
        assert identity not in browser.page_source
    assert layout_problems(browser) == []
    assert accessibility_problems(browser, [evidenced.get_absolute_url()]) == {}
