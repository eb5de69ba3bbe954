"""In Chromium, as the people involved: one of a pair declines on their phone; the partner is told not
to go alone and cannot check in; the coordinator sees the visit short of a volunteer and books a
replacement; once the replacement accepts, the visit goes ahead. Or nobody is found, and it is
cancelled before it starts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from selenium.webdriver.common.by import By

from conftest import delivered_email
from mysteryshop.roles import Role
from mysteryshop.tests.factories import TEST_PASSWORD, UserFactory
from mysteryshop.tests.journey import PHONE, Journey, Person
from visits import services, tasks
from visits.models import VisitStatus

from .factories import approved_scenario, make_visit, ready_volunteer


def person_for(volunteer, *, size=PHONE) -> Person:
    return Person(str(volunteer), Role.VOLUNTEER, username=volunteer.user.username, password=TEST_PASSWORD, size=size)


@pytest.fixture
def booked_pair():
    """Sam the coordinator has booked Margaret and Derek on a front-desk visit; both accepted."""
    user = UserFactory(username="sam.patel", first_name="Sam", last_name="Patel", roles=[Role.COORDINATOR])
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    visit = make_visit(coordinator=user, scenario=approved_scenario(title="Lost purse at the front desk"))
    margaret = ready_volunteer(first_name="Margaret", last_name="Hughes")
    derek = ready_volunteer(first_name="Derek", last_name="Okafor")
    for volunteer in (margaret, derek):
        assignment = services.assign(visit=visit, volunteer=volunteer, by=user)
        services.accept(assignment=assignment, by=volunteer.user)
    delivered_email().clear()
    sam = Person("Sam Patel", Role.COORDINATOR, username="sam.patel", password=TEST_PASSWORD)
    return visit, sam, margaret, derek


def derek_declines(j: Journey, derek) -> None:
    j.sign_in(person_for(derek))
    j.visit("/visits/mine/")
    j.follow("Lost purse at the front desk")
    j.click(j.driver.find_element(By.XPATH, "//summary[normalize-space()='I can no longer go']"))
    j.fill("Reason", "My mother has gone into hospital.")
    j.press("Decline this visit")
    assert "The coordinator will find someone else" in j.page_text()


def margaret_is_told_not_to_go_alone(j: Journey, margaret) -> None:
    (told,) = [m for m in delivered_email() if m.to == [margaret.email]]
    assert "Please do not go alone" in told.body
    j.sign_in(person_for(margaret))
    j.visit("/visits/mine/")
    assert "On hold, short of a volunteer. Please do not go alone." in j.page_text()
    j.follow("Lost purse at the front desk")
    text = j.page_text()
    assert "On hold: please do not go alone" in text and "With: nobody at the moment." in text
    assert "If you have not both checked out" not in text
    assert not j.driver.find_elements(By.XPATH, "//button[normalize-space()='I have arrived']")


def test_a_partner_left_alone_waits_until_a_replacement_accepts(browser, booked_pair):
    visit, sam, margaret, derek = booked_pair
    priya = ready_volunteer(first_name="Priya", last_name="Shah")
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        j = Journey(browser, traveller)
        derek_declines(j, derek)
        margaret_is_told_not_to_go_alone(j, margaret)

        j.sign_in(sam)
        assert "1 visit is short of a volunteer" in j.page_text()
        j.follow("book a replacement")
        assert "Short of a volunteer (1)" in j.page_text()
        j.open(j.driver.find_element(By.CSS_SELECTOR, "main table a"))
        assert "Short of a volunteer: on hold" in j.page_text()
        assert "Derek Okafor" in j.page_text()
        j.press("Book")  # the only one who can go: Priya Shah
        assert "Priya Shah is booked" in j.page_text()
        assert "has not yet accepted" in j.page_text(), "booked is not enough: the replacement must accept"

        j.sign_in(person_for(priya))
        j.visit("/visits/mine/")
        j.follow("Lost purse at the front desk")
        j.press("Accept this visit")

        j.sign_in(person_for(margaret))
        j.visit("/visits/mine/")
        assert "On hold" not in j.page_text()
        j.follow("Lost purse at the front desk")
        assert "With: Priya S." in j.page_text() and "On hold" not in j.page_text()
        assert any(
            m.subject == "Your mystery shop visit is going ahead" for m in delivered_email() if m.to == [margaret.email]
        )

        traveller.move_to(visit.starts_at - timedelta(minutes=5))
        j.sign_in(person_for(margaret))
        j.visit("/visits/mine/")
        j.follow("Lost purse at the front desk")
        j.press("I have arrived")
        assert "You are checked in" in j.page_text()


def test_a_visit_nobody_joins_in_time_is_cancelled_before_it_starts(browser, booked_pair):
    visit, _sam, margaret, derek = booked_pair
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        j = Journey(browser, traveller)
        derek_declines(j, derek)
        margaret_is_told_not_to_go_alone(j, margaret)

        traveller.move_to(services.hold_deadline(visit) + timedelta(minutes=1))
        assert tasks.cancel_held_visits() == 1  # Celery beat runs this every five minutes
        visit.refresh_from_db()
        assert visit.status == VisitStatus.CANCELLED
        assert any("cancelled" in m.subject for m in delivered_email() if m.to == [margaret.email])

        j.sign_in(person_for(margaret))
        j.visit("/visits/mine/")
        assert "You have no visits booked at the moment." in j.page_text()
        j.visit(f"/visits/mine/{visit.assignments.get(volunteer=margaret).pk}/")
        assert "This visit has been cancelled." in j.page_text()
        assert not j.driver.find_elements(By.XPATH, "//button[normalize-space()='I have arrived']")
