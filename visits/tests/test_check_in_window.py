"""Checking in and out has a window around the visit, and a visit that has started has nothing left to
accept: no check-in weeks later, no "Accept this visit" after checking out and sending the report."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from selenium.webdriver.common.by import By

from mysteryshop.tests.factories import TEST_PASSWORD
from mysteryshop.tests.journey import PHONE, Journey, Person, answer_questionnaire_page
from visits import safety, services

from .factories import approved_scenario, make_visit, ready_volunteer


@pytest.fixture
def pair(coordinator):
    """A front-desk visit with both volunteers booked; neither has pressed Accept."""
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(title="Lost purse at the front desk"))
    first, second = [services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator) for _ in range(2)]
    return visit, first, second


def page(client, assignment) -> str:
    return client.get(reverse("visits:assignment-detail", args=[assignment.pk])).content.decode()


def test_check_in_is_refused_weeks_after_the_visit(client_for, pair):
    visit, first, _second = pair
    with time_machine.travel(visit.ends_at + timedelta(weeks=3), tick=False):
        client = client_for(first.volunteer.user)
        shown = page(client, first)
        assert "Checking in and out of this visit has closed." in shown
        assert "I have arrived</button>" not in shown and "I have left</button>" not in shown
        response = client.post(reverse("visits:assignment-check-in", args=[first.pk]), follow=True)
        assert "Checking in for this visit closed at" in response.content.decode()
        client.post(reverse("visits:assignment-check-out", args=[first.pk]))
    first.refresh_from_db()
    assert first.checked_in_at is None and first.checked_out_at is None


def test_check_in_closes_an_hour_after_the_visit_and_check_out_that_night(pair, settings):
    settings.MYSTERYSHOP_BOOKING_BUFFER_MINUTES = 60
    visit, first, second = pair
    with time_machine.travel(visit.ends_at + timedelta(minutes=61), tick=False):
        with pytest.raises(ValidationError, match="Checking in for this visit closed"):
            safety.check_in(assignment=first, by=first.volunteer.user)
        safety.check_out(assignment=first, by=first.volunteer.user)  # forgot to press it: still welcome
    with (
        time_machine.travel(visit.ends_at + safety.CHECK_OUT_CLOSES_AFTER + timedelta(minutes=1), tick=False),
        pytest.raises(ValidationError, match="Checking out of this visit closed"),
    ):
        safety.check_out(assignment=second, by=second.volunteer.user)
    first.refresh_from_db()
    assert first.checked_out_at is not None


def test_nothing_is_left_to_accept_once_the_visit_has_started(client_for, pair):
    visit, first, _second = pair
    assert "Accept this visit" in page(client_for(first.volunteer.user), first)
    with time_machine.travel(visit.starts_at + timedelta(minutes=1), tick=False):
        client = client_for(first.volunteer.user)
        assert "Accept this visit" not in page(client, first)
        response = client.post(reverse("visits:assignment-accept", args=[first.pk]), follow=True)
    assert "already started" in response.content.decode()
    first.refresh_from_db()
    assert first.accepted_at is None


def test_after_checking_out_and_sending_the_report_the_page_offers_neither_in_a_browser(browser, pair):
    """Margaret never pressed Accept. On the day she checks in and out and sends her report on her phone;
    the page then offers nothing to accept or check. Three weeks later it says checking in has closed."""
    visit, first, _second = pair
    volunteer = first.volunteer
    margaret = Person(str(volunteer), "volunteer", username=volunteer.user.username, password=TEST_PASSWORD, size=PHONE)
    buttons = "//button[normalize-space()='{}']"
    with time_machine.travel(visit.starts_at - timedelta(minutes=10), tick=True) as traveller:
        j = Journey(browser, traveller)
        j.sign_in(margaret)
        j.visit("/visits/mine/")
        j.follow("Lost purse at the front desk")
        j.press("I have arrived")
        assert "You are checked in" in j.page_text()
        traveller.move_to(visit.ends_at - timedelta(minutes=5))
        j.visit(f"/visits/mine/{first.pk}/")
        assert not j.driver.find_elements(By.XPATH, buttons.format("Accept this visit"))
        j.press("I have left")
        assert "You are checked out" in j.page_text()
        j.press("Fill in the questionnaire")
        while "Check your answers" not in j.heading():
            answer_questionnaire_page(j)
            j.press("Save and")
        j.press("Send my report")
        j.visit(f"/visits/mine/{first.pk}/")
        for label in ("Accept this visit", "I have arrived", "I have left"):
            assert not j.driver.find_elements(By.XPATH, buttons.format(label)), label
        assert "See your report" in j.page_text()

        traveller.move_to(visit.ends_at + timedelta(weeks=3))
        j.sign_in(margaret)
        j.visit(f"/visits/mine/{first.pk}/")
        assert "Checking in and out of this visit has closed." in j.page_text()
        for label in ("Accept this visit", "I have arrived", "I have left"):
            assert not j.driver.find_elements(By.XPATH, buttons.format(label)), label
