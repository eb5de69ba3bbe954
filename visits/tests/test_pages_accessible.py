"""The visits pages in a real Chromium: no WCAG 2.2 A/AA problem, reflow at 320 px."""

from django.urls import reverse

from conftest import accessibility_problems, browser_sign_in
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
