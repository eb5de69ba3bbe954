"""A person at a browser: signing in, typing, clicking, and checking each page as it goes.

The journey test and the keyboard test drive Chromium through these helpers, so
each step reads as what a person does ("press the button that says Approve"),
and every page reached is checked with axe-core, at 320 px wide and with text
at 200%, once per person and page.
"""

from __future__ import annotations

import io
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.urls import Resolver404, resolve
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.common.by import By

from conftest import axe_violations, layout_problems, wait_for_next_page

SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "docs" / "screenshots"
PHONE, DESKTOP = (390, 844), (1280, 900)
PASSWORD = "Correct horse battery staple 42"


@dataclass
class Person:
    """Someone using the site on their own device (their own cookies), in a given window size."""

    name: str
    role: str
    username: str = ""
    password: str = PASSWORD
    size: tuple[int, int] = DESKTOP
    driver: object = None
    cookies: list = field(default_factory=list)


class Journey:
    """The browsers, the clock and who is at the keyboard."""

    def __init__(self, browser, traveller=None):
        self.browser = browser
        # axe-core on a busy shared machine can take longer than WebDriver's default 30 seconds.
        browser.set_script_timeout(120)
        self.base_url = browser.base_url
        self.traveller = traveller
        self.person: Person | None = None
        self.checked: set[tuple[str, str]] = set()
        self.check_seconds = 0.0
        self.shots: set[str] = set()

    # --- Who is at the keyboard ------------------------------------------------------------

    @property
    def driver(self):
        return (self.person and self.person.driver) or self.browser

    def become(self, person: Person) -> None:
        """Put `person` at their own device: their cookies, their window size."""
        if self.person is not None and self.person.driver is None:
            self.person.cookies = self.browser.get_cookies()
        self.person = person
        driver = self.driver
        driver.set_script_timeout(120)
        if driver is self.browser:
            self.browser.get(self.base_url + "/healthz")
            self.browser.delete_all_cookies()
            for cookie in person.cookies:
                cookie.pop("expiry", None)
                self.browser.add_cookie(cookie)
        driver.set_window_size(*person.size)

    def sign_in(self, person: Person) -> None:
        """Go to the site as `person`; sign in (password, then a code for staff) unless still signed in."""
        self.become(person)
        self.visit("/", check=False)
        signed_in = self.driver.find_elements(By.CSS_SELECTOR, "form[action$='/accounts/logout/']")
        if signed_in and "/accounts/" not in self.driver.current_url:
            return
        self.visit("/accounts/login/")
        self.fill("Username", person.username)
        self.fill("Password", person.password)
        self.press("Sign in")
        if "/accounts/two-factor/" in self.driver.current_url:
            self.fill("Code", self.current_code(person.username))
            self.press("Continue")
        assert "/accounts/" not in self.driver.current_url, self.page_text()

    def current_code(self, username: str) -> str:
        """The 6 digits the person's authenticator app shows now, as they would read them off it.

        A code works once; if this person already used the one showing, they wait for the next.
        """
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        step_now = int(time.time() - device.t0) // device.step
        if device.last_t is not None and step_now <= device.last_t:
            self.wait(seconds=device.step * (device.last_t - step_now + 1))
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        return f"{code:0{device.digits}d}"

    def wait(self, *, seconds: float) -> None:
        """Let time pass: on the travelling clock when there is one, else for real."""
        if self.traveller is not None:
            self.traveller.shift(seconds)
        else:
            time.sleep(seconds)

    # --- Looking and acting ----------------------------------------------------------------

    def visit(self, path: str, *, check: bool = True) -> None:
        self.driver.get(self.base_url + path)
        if check:
            self.check_page()

    def page_text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def heading(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def field(self, label: str):
        """The form control whose label starts with `label` (as a person finds a field)."""
        for element in self.driver.find_elements(By.CSS_SELECTOR, "main label"):
            if element.text.strip().startswith(label) and element.get_attribute("for"):
                return self.driver.find_element(By.ID, element.get_attribute("for"))
        raise NoSuchElementException(f"No field labelled {label!r} on {self.driver.current_url}")

    def fill(self, label: str, text: str) -> None:
        element = self.field(label)
        element.clear()
        element.send_keys(text)

    def choose(self, label: str) -> None:
        """Tick a checkbox or pick a radio button by its label."""
        self.choose_element(self.field(label))

    def choose_element(self, element) -> None:
        if not element.is_selected():
            self.click(element)

    def select(self, label: str, option: str) -> None:
        from selenium.webdriver.support.select import Select

        Select(self.field(label)).select_by_visible_text(option)

    def set_value(self, label: str, value: str) -> None:
        """Date and time fields: what a person picks, set as the picker would (the typed form depends on locale)."""
        self.driver.execute_script("arguments[0].value = arguments[1];", self.field(label), value)

    def click(self, element) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def press(self, text: str, *, check: bool = True) -> None:
        """Press the button (or follow the link) in the page's main part whose text starts with `text`."""
        for element in self.driver.find_elements(By.CSS_SELECTOR, "main button, main a, main input[type=submit]"):
            if element.text.strip().startswith(text) and element.is_displayed():
                self.open(element, check=check)
                return
        raise NoSuchElementException(f"No button or link {text!r} on {self.driver.current_url}:\n{self.page_text()}")

    def follow(self, text: str) -> None:
        """Follow the first link in the page's main part whose text includes `text`."""
        links = [a for a in self.driver.find_elements(By.CSS_SELECTOR, "main a") if text in a.text and a.is_displayed()]
        if not links:
            raise NoSuchElementException(f"No link {text!r} on {self.driver.current_url}:\n{self.page_text()}")
        self.open(links[0])

    def open(self, element, *, check: bool = True) -> None:
        """Click a link or button and wait for the next page."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.click(element)
        wait_for_next_page(self.driver, old)
        if check:
            self.check_page()

    def message(self) -> str:
        return " ".join(e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".alert, [data-error-summary]"))

    # --- Checking each page ----------------------------------------------------------------

    def page_name(self) -> str:
        path = self.driver.current_url.removeprefix(self.base_url).split("?")[0]
        try:
            return resolve(path).view_name
        except Resolver404:
            return path

    def check_page(self) -> None:
        """axe-core's WCAG 2.2 A/AA rules, then reflow at 320 px and with text at 200%, once per person and page."""
        key = (self.person.name if self.person else "anonymous", self.page_name())
        if key in self.checked:
            return
        self.checked.add(key)
        started = time.monotonic()
        try:
            self._check_page(key)
        finally:
            self.check_seconds += time.monotonic() - started

    def _check_page(self, key) -> None:
        driver, where = self.driver, f"{key[0]} on {key[1]}"
        assert len(driver.find_elements(By.TAG_NAME, "h1")) == 1, f"{where}: not exactly one h1"
        # With the page's JavaScript switched off, WebDriver's plain scripts still run (so the
        # reflow checks below do) but axe-core never finishes: it needs the page's timers.
        if getattr(driver, "page_javascript", True):
            violations = axe_violations(driver)
            assert violations == [], f"{where}: {violations}"
        size = driver.get_window_size()

        def check(how: str) -> None:
            problems = layout_problems(driver)
            assert problems == [], f"{where} {how}: {problems}; wide elements: {wide_elements(driver)}"

        driver.set_window_size(320, 800)
        check("at 320 px")
        driver.execute_script("document.documentElement.style.fontSize = '200%';")  # text at 200%: phone, desktop
        check("at 320 px, text at 200%")
        driver.set_window_size(1280, 900)
        check("with text at 200%")
        driver.execute_script("document.documentElement.style.fontSize = '';")
        driver.set_window_size(size["width"], size["height"])

    def screenshot(self, name: str) -> None:
        """With SCREENSHOTS=1, save this page at phone and desktop width as docs/screenshots/<name>-<size>.png."""
        if not SCREENSHOTS or name in self.shots:
            return
        self.shots.add(name)
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        driver, size = self.driver, self.driver.get_window_size()
        for label, (width, height) in (("phone", PHONE), ("desktop", DESKTOP)):
            driver.set_window_size(width, height)
            driver.execute_script("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur();")
            save_png(driver.get_screenshot_as_png(), SCREENSHOT_DIR / f"{name}-{label}.png")
        driver.set_window_size(size["width"], size["height"])


def save_png(png: bytes, path: Path) -> None:
    """The visible window only, in a 256-colour palette so each file stays small."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def wide_elements(driver) -> list[str]:
    """The innermost elements that stick out past the window's right edge, to say what to fix."""
    return driver.execute_script(
        "const w = document.documentElement.clientWidth; const out = [];"
        "for (const e of document.querySelectorAll('body *')) {"
        "  const r = e.getBoundingClientRect();"
        "  if (r.right > w + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))"
        "    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' ' + Math.round(r.right) + '>' + w + ' ' + (e.textContent || '').trim().slice(0, 40));"
        "} return out.slice(0, 8);"
    )


# --- The questionnaire, answered as a volunteer would ------------------------------------------

GOOD_ANSWERS = {"yes", "5", "4"}


def answer_questionnaire_page(journey: Journey, *, answers: dict[str, str] | None = None) -> None:
    """Answer every question shown on this page: good news unless `answers` says otherwise
    (question text → the value to pick), in a volunteer's own words."""
    driver = journey.driver
    for _ in range(2):  # answering one question may show another
        for question in driver.find_elements(By.CSS_SELECTOR, "main .question"):
            if not question.is_displayed():
                continue
            wanted = next((value for text, value in (answers or {}).items() if question.text.startswith(text)), None)
            _answer(journey, question, wanted)


def _answer(journey: Journey, question, wanted: str | None = None) -> None:
    radios = question.find_elements(By.CSS_SELECTOR, "input[type=radio]")
    if radios:
        if not any(r.is_selected() for r in radios):
            good = [
                r
                for r in radios
                if r.get_attribute("value") == wanted or (not wanted and r.get_attribute("value") in GOOD_ANSWERS)
            ]
            journey.click((good or radios)[0])
        return
    boxes = question.find_elements(By.CSS_SELECTOR, "input[type=checkbox]")
    if boxes:
        if not any(b.is_selected() for b in boxes):
            journey.click(boxes[0])
        return
    for element in question.find_elements(By.CSS_SELECTOR, "input, textarea"):
        if element.get_attribute("value"):
            continue
        kind = element.get_attribute("type")
        if kind == "time":
            journey.driver.execute_script("arguments[0].value = '10:05';", element)
        elif kind == "date":
            journey.driver.execute_script("arguments[0].value = arguments[1];", element, time.strftime("%Y-%m-%d"))
        elif kind == "number":
            element.send_keys("1" if re.search(r"_0$", element.get_attribute("id") or "") else "30")
        elif kind in ("text", "textarea", None) or element.tag_name == "textarea":
            element.send_keys("The officer at the desk was calm and explained the next steps clearly.")


def question_on_page(journey: Journey, label: str):
    """The wrapper of the question whose wording starts with `label`, whether it shows or not."""
    for element in journey.driver.find_elements(By.CSS_SELECTOR, "main .question"):
        heading = element.find_elements(By.CSS_SELECTOR, "legend, label")
        if heading and heading[0].get_attribute("textContent").strip().startswith(label):
            return element
    raise NoSuchElementException(f"No question {label!r} on {journey.driver.current_url}")


def pick(journey: Journey, label: str, value: str) -> None:
    """Choose the answer with this value (yes, no, na, 4, an option's key) to the question `label`."""
    question = question_on_page(journey, label)
    journey.click(question.find_element(By.CSS_SELECTOR, f"input[value='{value}']"))


def errors_on_page(journey: Journey) -> str:
    return " ".join(e.text for e in journey.driver.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
