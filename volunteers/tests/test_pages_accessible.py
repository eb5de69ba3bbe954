"""The volunteers pages in a real Chromium: axe-core finds no WCAG 2.2 A/AA problem, and they reflow at 320 px."""

import pytest
from django.urls import reverse

from conftest import accessibility_problems, axe_violations, browser_sign_in, wait_for
from volunteers.models import ExpenseClaim, Volunteer

from .factories import TrainingSessionFactory


def test_public_application_pages_are_accessible_even_with_errors(browser, db):
    assert (
        accessibility_problems(
            browser, [reverse("volunteers:application-create"), reverse("volunteers:privacy-notice")]
        )
        == {}
    )
    browser.set_window_size(1280, 900)
    browser.get(browser.base_url + reverse("volunteers:application-create"))
    browser.find_element("css selector", "main form button[type=submit]").click()
    assert "There is a problem" in wait_for(browser, "[data-error-summary]").text
    assert axe_violations(browser) == []


def test_volunteer_pages_are_accessible(browser, client_for, volunteer):
    from volunteers import services

    services.create_expense_claim(
        volunteer=Volunteer.objects.get(user=volunteer),
        purpose="Parking",
        items=[{"kind": "parking", "amount_pence": 200}],
    )
    browser_sign_in(browser, client_for(volunteer))
    paths = [
        reverse("volunteers:volunteer-home"), reverse("volunteers:profile"), reverse("volunteers:availability"),
        reverse("volunteers:my-training"), reverse("volunteers:my-expenses"), reverse("volunteers:expense-create"),
    ]  # fmt: skip
    assert accessibility_problems(browser, paths) == {}


def test_coordinator_volunteer_pages_are_accessible(browser, client_for, coordinator, volunteer):
    from volunteers import services

    session = TrainingSessionFactory()
    person = Volunteer.objects.get(user=volunteer)
    claim = services.create_expense_claim(
        volunteer=person, purpose="Parking", items=[{"kind": "parking", "amount_pence": 200}]
    )
    browser_sign_in(browser, client_for(coordinator))
    paths = [
        reverse("volunteers:volunteer-list"), reverse("volunteers:volunteer-detail", args=[person.pk]),
        reverse("volunteers:training-list"), reverse("volunteers:training-detail", args=[session.pk]),
        reverse("volunteers:training-create"), reverse("volunteers:expense-list"),
        reverse("volunteers:expense-detail", args=[claim.pk]),
    ]  # fmt: skip
    assert accessibility_problems(browser, paths) == {}
    assert ExpenseClaim.objects.count() == 1


def test_the_erasure_page_is_accessible_even_with_errors(browser, client_for, coordinator, volunteer):
    person = Volunteer.objects.get(user=volunteer)
    url = reverse("volunteers:volunteer-erase", args=[person.pk])
    browser_sign_in(browser, client_for(coordinator))
    assert accessibility_problems(browser, [url]) == {}
    browser.set_window_size(1280, 900)
    browser.get(browser.base_url + url)
    browser.find_element("css selector", "main form button[type=submit]").click()
    assert "There is a problem" in wait_for(browser, "[data-error-summary]").text
    assert axe_violations(browser) == []
    assert Volunteer.objects.get(pk=person.pk).anonymised_at is None


@pytest.mark.parametrize("javascript", ["on", "off"])
def test_a_person_applies_on_a_phone_from_the_home_page(browser, request, db, javascript):
    """From the home page's invitation to the thank-you page, at phone width, with JavaScript on (checked
    with axe-core on every page, errors included) and off; a mistake is explained and nothing typed is lost."""
    from selenium.webdriver.common.by import By

    from mysteryshop.tests.journey import PHONE, Journey, Person

    driver = browser if javascript == "on" else request.getfixturevalue("browser_without_javascript")
    j = Journey(browser)
    j.become(Person("Ada Lovelace", "applicant", size=PHONE, driver=None if javascript == "on" else driver))
    j.visit("/")
    j.press("Apply to volunteer")
    assert j.heading() == "Apply to be a mystery shopper"
    j.fill("First name", "Ada")
    j.fill("Last name", "Lovelace")
    j.fill("Email address", f"ada.{javascript}@example.org")
    j.fill("UK phone number", "07911 123456")
    j.fill("Postcode", "ST16 2DQ")
    j.fill("Day", "10")
    j.fill("Year", "1955")
    j.choose("I have read the privacy notice")
    j.press("Send my application")
    # The month was left out and the question about the force not answered: both explained, linked, kept.
    summary = j.driver.find_element(By.CSS_SELECTOR, "[data-error-summary]").text
    assert "Date of birth must include a month" in summary, summary
    assert "Select whether you work or volunteer for the police force" in summary
    links = [
        a.get_attribute("href").split("#")[1] for a in j.driver.find_elements(By.CSS_SELECTOR, "[data-error-summary] a")
    ]
    assert links == ["id_date_of_birth_0", "id_force_connection_0"]
    assert j.field("Day").get_attribute("value") == "10" and j.field("Year").get_attribute("value") == "1955"
    assert j.field("Email address").get_attribute("value") == f"ada.{javascript}@example.org"
    j.check_page()  # the page with its errors, through axe-core too (with JavaScript on)
    j.fill("Month", "3")
    j.choose("No")
    j.press("Send my application")
    assert j.heading() == "Thank you for applying", j.page_text()
    volunteer = Volunteer.objects.get(email=f"ada.{javascript}@example.org")
    assert str(volunteer.date_of_birth) == "1955-03-10" and volunteer.force_connection == "none"


# Words split across two lines inside the page's main part: a range over each word gives one box per line.
SPLIT_WORDS = """
const out = [];
const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (!node.parentElement.offsetParent) continue;  // not shown
  for (const match of node.textContent.matchAll(/\\S+/g)) {
    const range = document.createRange();
    range.setStart(node, match.index);
    range.setEnd(node, match.index + match[0].length);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (lines.size > 1) out.push(match[0]);
  }
}
return out;
"""


def test_my_training_keeps_every_word_whole_on_a_phone(browser, client_for, volunteer):
    from django.utils import timezone

    from volunteers.models import TrainingBooking

    from .factories import TrainingModuleFactory

    for name, refresh in (
        ("Induction: being a mystery shopper", None),
        ("Safeguarding and personal safety", 24),
        ("Recording observations accurately", 12),
    ):
        session = TrainingSessionFactory(
            module=TrainingModuleFactory(name=name, refresh_months=refresh),
            starts_at=timezone.now() - timezone.timedelta(days=400),
        )
        TrainingBooking.objects.create(
            session=session, volunteer=volunteer.volunteer, booked_at=session.starts_at, attended=True
        )
    browser_sign_in(browser, client_for(volunteer))
    browser.set_window_size(390, 844)
    browser.get(browser.base_url + reverse("volunteers:my-training"))
    wait_for(browser, "main h1")
    assert "Needs refreshing" in browser.find_element("css selector", "main").text
    assert browser.execute_script(SPLIT_WORDS) == []
