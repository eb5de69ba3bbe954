"""The volunteers pages in a real Chromium: axe-core finds no WCAG 2.2 A/AA problem, and they reflow at 320 px."""

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
