"""The questionnaire with the keyboard alone: Tab, Space, arrows, Enter and typing; no clicks.
Every control that takes focus shows it (WCAG 2.1.1 keyboard, 2.4.7 focus visible)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PATIENCE, browser_sign_in, wait_for
from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory

FOCUS_STYLE = (
    "const s = getComputedStyle(arguments[0]);"
    "return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';"
)
GOOD = ("yes", "5")


def a_visit_under_way():
    """A front-desk visit on the starter questionnaire, booked for a volunteer."""
    from scenarios.models import Channel
    from scenarios.services import load_starter_questionnaires
    from visits import services
    from visits.tests.factories import approved_scenario, make_visit, ready_volunteer

    version = next(v for v in load_starter_questionnaires() if v.questionnaire.channel == Channel.FRONT_DESK)
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=version))
    volunteer = ready_volunteer(first_name="Margaret", last_name="Hughes")
    return visit, services.assign(visit=visit, volunteer=volunteer, by=coordinator)


def focused(browser):
    return browser.switch_to.active_element


def press(browser, *keys) -> None:
    """Keys go to whatever has focus, as on a real keyboard."""
    ActionChains(browser).send_keys(*keys).perform()


def answer_with_keys(browser, element, done: set) -> None:
    """What a keyboard user does on reaching `element`: choose, type or move on."""
    kind, name = element.get_attribute("type"), element.get_attribute("name")
    if kind == "radio" and name not in done:
        group = browser.find_elements(By.CSS_SELECTOR, f"input[type=radio][name='{name}']")
        values = [radio.get_attribute("value") for radio in group]
        wanted = next((values.index(v) for v in GOOD if v in values), 0)
        press(browser, Keys.SPACE)  # Space picks the radio button that has focus: the first of the group
        for _ in range(wanted):
            press(browser, Keys.ARROW_DOWN)  # arrows move along the group, picking as they go
        done.add(name)
    elif kind == "checkbox" and name not in done:
        press(browser, Keys.SPACE)
        done.add(name)
    elif kind == "time" and name not in done:
        press(browser, "1005A")  # hours, minutes (and AM where the browser shows a 12-hour clock)
        done.add(name)
    elif kind == "number" and element.get_attribute("id") not in done:
        press(browser, "1" if element.get_attribute("id").endswith("_0") else "30")
        done.add(element.get_attribute("id"))
    elif element.tag_name == "textarea" and name not in done:
        press(browser, "Polite and helpful; we were given a leaflet about lost property.")
        done.add(name)


def _gone(element) -> bool:
    try:
        element.is_enabled()
    except Exception:  # noqa: BLE001 - the old page has gone
        return True
    return False


def test_the_questionnaire_can_be_completed_with_the_keyboard_alone(browser, client_for):
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        visit, assignment = a_visit_under_way()
        traveller.move_to(visit.starts_at + timedelta(minutes=40))
        browser_sign_in(browser, client_for(assignment.volunteer.user))
        browser.set_window_size(390, 844)
        browser.get(browser.base_url + reverse("visits:assignment-detail", args=[assignment.pk]))
        start = browser.find_element(By.XPATH, "//main//button[normalize-space()='Fill in the questionnaire']")
        browser.execute_script("arguments[0].focus();", start)
        press(browser, Keys.ENTER)
        WebDriverWait(browser, PATIENCE).until(lambda b: "/report/page-1/" in b.current_url)
        wait_for(browser, "main form")

        done, not_visible, pages = set(), [], 0
        for _ in range(400):
            if "Your reference is" in browser.find_element(By.TAG_NAME, "main").text:
                break
            element = focused(browser)
            if element.tag_name != "body" and not browser.execute_script(FOCUS_STYLE, element):
                not_visible.append(element.get_attribute("outerHTML")[:120])
            text = element.text.strip()
            if element.tag_name == "button" and text.startswith(
                ("Save and continue", "Save and check", "Send my report")
            ):
                old = browser.find_element(By.TAG_NAME, "html")
                press(browser, Keys.ENTER)
                WebDriverWait(browser, PATIENCE, poll_frequency=0.05).until(lambda b, old=old: _gone(old))
                pages += 1
                continue
            answer_with_keys(browser, element, done)
            press(browser, Keys.TAB)
        else:
            raise AssertionError(f"Could not finish with the keyboard; stuck at {browser.current_url}")

    assert pages == 4  # three pages of questions and Send my report
    assert not not_visible, f"Focus not visible on: {not_visible}"
    assignment.refresh_from_db()
    assert assignment.submission.status == "submitted"
    assert assignment.submission.answers.filter(value="yes").exists()
