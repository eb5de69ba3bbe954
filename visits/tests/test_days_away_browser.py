"""In Chromium on a phone: a volunteer adds days away over a visit they are booked on. They are told
what they would give up and asked first; once they confirm, the visit is theirs no more, the coordinator
and their partner are told, and the coordinator sees the visit short of a volunteer."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from selenium.webdriver.common.by import By

from conftest import delivered_email
from mysteryshop.roles import Role
from mysteryshop.tests.factories import TEST_PASSWORD, UserFactory
from mysteryshop.tests.journey import PHONE, Journey, Person
from visits import services
from volunteers.models import AwayPeriod

from .factories import approved_scenario, make_visit, ready_volunteer


def test_days_away_over_a_booked_visit_are_confirmed_then_the_visit_is_given_up(browser):
    sam_user = UserFactory(username="sam.patel", first_name="Sam", last_name="Patel", roles=[Role.COORDINATOR])
    TOTPDevice.objects.create(user=sam_user, name="Phone", confirmed=True)
    visit = make_visit(coordinator=sam_user, scenario=approved_scenario(title="Lost purse at the front desk"))
    margaret = ready_volunteer(first_name="Margaret", last_name="Hughes")
    derek = ready_volunteer(first_name="Derek", last_name="Okafor")
    mine = services.assign(visit=visit, volunteer=margaret, by=sam_user)
    services.assign(visit=visit, volunteer=derek, by=sam_user)
    delivered_email().clear()
    day = timezone.localtime(visit.starts_at).date()
    me = Person("Margaret Hughes", Role.VOLUNTEER, username=margaret.user.username, password=TEST_PASSWORD, size=PHONE)
    sam = Person("Sam Patel", Role.COORDINATOR, username="sam.patel", password=TEST_PASSWORD)

    with time_machine.travel(timezone.now(), tick=True) as traveller:
        j = Journey(browser, traveller)
        j.sign_in(me)
        j.visit("/volunteers/me/availability/")
        j.set_value("First day away", (day - timedelta(days=2)).isoformat())
        j.set_value("Last day away", (day + timedelta(days=2)).isoformat())
        j.press("Add the days away")
        text = j.page_text()
        assert "You are booked on a day you will be away" in text
        assert "Lost purse at the front desk" in text and f"{day:%A %-d %B %Y}" in text
        assert not AwayPeriod.objects.exists() and delivered_email() == []

        j.press("Keep my booking")  # changes her mind: nothing is saved
        assert not AwayPeriod.objects.exists()
        j.set_value("First day away", (day - timedelta(days=2)).isoformat())
        j.set_value("Last day away", (day + timedelta(days=2)).isoformat())
        j.press("Add the days away")
        j.press("Add the days away and give up this booking")
        assert "your bookings on those days are given up" in j.page_text()
        assert f"{day - timedelta(days=2):%-d %B %Y} to {day + timedelta(days=2):%-d %B %Y}" in j.page_text()
        j.visit("/visits/mine/")
        assert "You have no visits booked at the moment." in j.page_text()
        assert any("Please do not go alone" in m.body for m in delivered_email() if m.to == [derek.email])
        assert any("Away that day." in m.body for m in delivered_email() if m.to == [sam_user.email])

        j.sign_in(sam)
        assert "1 visit is short of a volunteer" in j.page_text()
        j.follow("book a replacement")
        j.open(j.driver.find_element(By.CSS_SELECTOR, "main table a"))
        assert "Margaret Hughes – declined: “Away that day.”" in j.page_text()
    mine.refresh_from_db()
    assert mine.declined_at is not None
