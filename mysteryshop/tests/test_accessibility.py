"""Foundation pages in a real Chromium: axe-core finds no WCAG 2.2 A/AA problem,
and the pages reflow at 320 px and with text at 200%."""

import pytest
from django.urls import reverse
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PATIENCE, axe_violations, browser_sign_in, layout_problems

PUBLIC_PAGES = ["home", "login", "password_reset"]
LANDING = {
    "applicant": "volunteers:applicant-home",
    "volunteer": "visits:my-visits",
    "coordinator": "reports:coordinator-home",
    "commissioner": "reports:commissioner-home",
    "force_liaison": "reports:liaison-home",
}


def check_page(browser, path):
    browser.set_window_size(1280, 900)
    browser.get(browser.base_url + path)
    assert browser.find_elements("css selector", "h1"), f"{path} has no h1"
    assert len(browser.find_elements("css selector", "h1")) == 1, f"{path} has more than one h1"
    assert axe_violations(browser) == [], path
    browser.set_window_size(320, 800)
    assert layout_problems(browser) == [], f"{path} at 320 px"
    browser.execute_script("document.documentElement.style.fontSize = '200%';")
    assert layout_problems(browser) == [], f"{path} at 200% text"


@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_public_pages_are_accessible(browser, url_name):
    check_page(browser, reverse(url_name))


@pytest.mark.parametrize("role", LANDING)
def test_each_landing_page_is_accessible(browser, role, request, client_for):
    browser_sign_in(browser, client_for(request.getfixturevalue(role)))
    check_page(browser, reverse(LANDING[role]))


def test_form_errors_are_accessible_too(browser, db):
    browser.get(browser.base_url + reverse("login"))
    browser.find_element("id", "id_username").send_keys("nobody")
    browser.find_element("id", "id_password").send_keys("wrong password")
    browser.find_element("css selector", "main form button[type=submit]").click()
    summary = WebDriverWait(browser, PATIENCE).until(lambda b: b.find_element("css selector", "[data-error-summary]"))
    assert "There is a problem" in summary.text
    assert axe_violations(browser) == []


def test_skip_link_is_the_first_thing_keyboard_users_reach(browser, db):
    from selenium.webdriver.common.keys import Keys

    browser.get(browser.base_url + reverse("home"))
    browser.find_element("tag name", "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.text == "Skip to main content"
    focused.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main-content"
