"""The safety pages in a real Chromium: no WCAG 2.2 A/AA problem, reflow at 320 px, and the
standard comment filling the comment box."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import PATIENCE, accessibility_problems, browser_sign_in
from visits import capture, safety, services
from visits.models import StandardComment, Submission

from .factories import approved_scenario, make_visit, ready_volunteer
from .test_capture import build_version, fill


def test_check_in_and_recognition_on_a_phone_are_accessible(browser, client_for, coordinator):
    visit = make_visit(coordinator=coordinator)
    person = ready_volunteer()
    assignment = services.assign(visit=visit, volunteer=person, by=coordinator)
    services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)  # nobody goes alone
    with time_machine.travel(visit.starts_at + timedelta(minutes=5), tick=True):
        browser_sign_in(browser, client_for(person.user))
        assert accessibility_problems(browser, [reverse("visits:assignment-detail", args=[assignment.pk])]) == {}
        # The big button works without any script: a plain form post.
        browser.find_element(By.XPATH, "//button[normalize-space()='I have arrived']").click()
        WebDriverWait(browser, PATIENCE).until(lambda b: "You are checked in" in b.page_source)
    assignment.refresh_from_db()
    assert assignment.checked_in_at is not None


def test_coordinator_safety_and_review_pages_are_accessible(browser, client_for, coordinator):
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=build_version()))
    person = ready_volunteer()
    assignment = services.assign(visit=visit, volunteer=person, by=coordinator)
    StandardComment.objects.create(title="Wait time", text="Please give how long you waited.")
    with time_machine.travel(visit.starts_at, tick=True):
        fill(client_for(person.user), assignment)
        capture.submit(submission=Submission.objects.get(), by=person.user)
    with time_machine.travel(visit.ends_at + timedelta(hours=1), tick=True):
        safety.raise_check_out_alerts()
        browser_sign_in(browser, client_for(coordinator))
        submission = Submission.objects.get()
        paths = [
            reverse("visits:visit-detail", args=[visit.pk]),
            reverse("visits:standard-comment-list"),
            reverse("visits:standard-comment-create"),
            reverse("visits:coverage-mix"),
            reverse("visits:volunteer-returns", args=[person.pk]),
            reverse("visits:review-detail", args=[submission.pk]),
        ]
        assert accessibility_problems(browser, paths) == {}
        browser.get(browser.base_url + reverse("visits:review-detail", args=[submission.pk]))
        Select(browser.find_element(By.NAME, "standard")).select_by_visible_text("Wait time")
        box = browser.find_element(By.NAME, "comment")
        assert box.get_attribute("value") == "Please give how long you waited."
