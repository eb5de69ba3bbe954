"""The sign-in security pages in a real Chromium: no WCAG 2.2 A/AA problem, errors included, and reflow at 320 px."""

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import accessibility_problems, axe_violations, browser_sign_in, wait_for, wait_for_next_page


def submit_code(browser, code: str) -> None:
    field = browser.find_element("id", "id_code")
    field.clear()
    field.send_keys(code)
    browser.find_element("css selector", "main form button[type=submit]").click()


def test_setting_up_an_app_is_accessible_even_with_errors(browser, client, coordinator):
    client.force_login(coordinator)  # past the password, with no app yet
    browser_sign_in(browser, client)
    assert accessibility_problems(browser, [reverse("two-factor-setup")]) == {}
    browser.set_window_size(1280, 900)
    browser.get(browser.base_url + reverse("two-factor-setup"))
    assert browser.find_element("css selector", "img.qr-code").get_attribute("alt")
    submit_code(browser, "12ab")
    assert "There is a problem" in wait_for(browser, "[data-error-summary]").text
    assert axe_violations(browser) == []


def test_the_code_steps_are_accessible_even_with_errors(browser, client, coordinator):
    TOTPDevice.objects.create(user=coordinator, confirmed=True)
    client.force_login(coordinator)
    browser_sign_in(browser, client)
    assert accessibility_problems(browser, [reverse("two-factor-verify"), reverse("two-factor-recovery")]) == {}
    browser.set_window_size(1280, 900)
    for page in ("two-factor-verify", "two-factor-recovery"):
        browser.get(browser.base_url + reverse(page))
        submit_code(browser, "zzzzzz")
        summary = wait_for(browser, "[data-error-summary]")
        assert "There is a problem" in summary.text
        field = browser.find_element("id", "id_code")
        assert "id_code_error" in field.get_attribute("aria-describedby")
        assert axe_violations(browser) == [], page


def test_sign_in_security_and_new_recovery_codes_are_accessible(browser, client_for, commissioner):
    browser_sign_in(browser, client_for(commissioner))
    assert accessibility_problems(browser, [reverse("signin-security")]) == {}
    browser.set_window_size(1280, 900)
    browser.get(browser.base_url + reverse("signin-security"))
    browser.find_element("xpath", "//button[normalize-space()='Make new recovery codes']").click()
    assert len(wait_for(browser, "ol.recovery-codes").find_elements("css selector", "li")) == 10
    assert axe_violations(browser) == []


def test_the_lockout_page_is_accessible(browser, volunteer):
    for _ in range(5):
        browser.get(browser.base_url + reverse("login"))
        browser.find_element("id", "id_username").send_keys(volunteer.username)
        browser.find_element("id", "id_password").send_keys("not the password")
        form = browser.find_element("css selector", "main form")
        form.find_element("css selector", "button[type=submit]").click()
        wait_for_next_page(browser, form)
    assert browser.find_element("css selector", "h1").text == "Signing in is paused for now"
    assert axe_violations(browser) == []
