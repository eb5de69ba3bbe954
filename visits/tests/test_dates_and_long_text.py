"""Dates and times typed on the visit and plan forms: sensible ranges, clock changes refused or explained in
plain words; and a reason that is too long is said to be, never dropped."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from scenarios.tests.factories import ContactPointFactory
from visits import services
from visits.models import Visit

from .factories import LONDON, approved_scenario, make_visit, ready_volunteer

# 1 March 2027: the clocks go forward at 1am on Sunday 28 March 2027 and back at 2am on Sunday 31 October 2027.
MARCH_2027 = datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)


@pytest.fixture
def call_101(db):
    line = ContactPointFactory(channel="phone_101", always_open=True)
    return approved_scenario(channel="phone_101"), line


def plan(client, scenario, line, day, starts, ends):
    return client.post(
        reverse("visits:visit-create"),
        {"scenario": scenario.pk, "contact_point": line.pk, "day": day, "starts": starts, "ends": ends},
    )


@pytest.mark.parametrize(
    ("day", "starts", "ends", "field", "message"),
    [
        ("2027-03-28", "01:15", "01:45", "starts", "the clocks go forward at 1am, so 01:15 does not exist"),
        ("2027-03-28", "00:50", "02:10", "ends", "is 20 minutes, not 80"),
        ("2027-10-31", "01:30", "01:50", "starts", "the clocks go back at 2am, so 01:30 happens twice"),
        ("2127-03-02", "10:00", "10:30", "day", "no more than 2 years ahead"),
        ("2027-02-27", "10:00", "10:30", "day", "Choose a date from today on."),
    ],
)
def test_the_visit_form_refuses_times_that_do_not_exist_or_mislead_in_plain_words(
    client_for, coordinator, call_101, day, starts, ends, field, message
):
    scenario, line = call_101
    with time_machine.travel(MARCH_2027, tick=False):
        response = plan(client_for(coordinator), scenario, line, day, starts, ends)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert f'href="#id_{field}"' in page, "the error summary links to the field"
    assert "interpreted in time zone" not in page
    assert not Visit.objects.exists()


def test_an_ordinary_call_on_the_day_the_clocks_change_is_planned_at_the_time_typed(client_for, coordinator, call_101):
    scenario, line = call_101
    with time_machine.travel(MARCH_2027, tick=False):
        response = plan(client_for(coordinator), scenario, line, "2027-03-28", "02:15", "02:45")
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.starts_at == datetime(2027, 3, 28, 2, 15, tzinfo=LONDON)
    assert (visit.ends_at - visit.starts_at).total_seconds() == 30 * 60


@pytest.mark.parametrize(("year", "ok"), [(2027, True), (2029, True), (2030, False), (2026, False), (2126, False)])
def test_a_quarter_plan_is_for_this_year_or_the_next_two(client_for, coordinator, year, ok):
    with time_machine.travel(MARCH_2027, tick=False):
        from visits.forms import PlanForm

        form = PlanForm(
            {"year": year, "quarter": 4, "front_desk": 0, "phone_101": 0, "website": 0, "online_reporting": 0,
             "neighbourhood_meeting": 0}
        )  # fmt: skip
        assert form.is_valid() is ok, form.errors
        if not ok:
            assert form.errors["year"] == ["Plan a quarter of 2027 to 2029."]


@pytest.fixture
def booked_pair(coordinator):
    visit = make_visit(coordinator=coordinator)
    first, second = [services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator) for _ in range(2)]
    return visit, first, second


def test_a_decline_reason_too_long_is_said_to_be_and_nothing_is_declined(client_for, booked_pair):
    _visit, first, _second = booked_pair
    reason = "I am so sorry. " * 80  # 1,200 characters
    response = client_for(first.volunteer.user).post(
        reverse("visits:assignment-decline", args=[first.pk]), {"reason": reason}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "at most 1000 characters" in page and 'href="#id_reason"' in page
    assert "I am so sorry." in page, "what was typed is kept"
    assert 'maxlength="1000"' not in page, "a browser would cut a pasted reason off without saying so"
    first.refresh_from_db()
    assert first.declined_at is None


def test_a_note_about_being_recognised_too_long_is_said_to_be_and_kept(client_for, booked_pair):
    visit, first, _second = booked_pair
    with time_machine.travel(visit.ends_at, tick=False):
        response = client_for(first.volunteer.user).post(
            reverse("visits:assignment-recognised", args=[first.pk]), {"note": "x" * 2500}
        )
    assert response.status_code == 400 and "at most 2000 characters" in response.content.decode()
    first.refresh_from_db()
    assert first.recognised_at is None


def test_a_cancel_reason_too_long_is_said_to_be_and_kept(client_for, coordinator, booked_pair):
    visit, _first, _second = booked_pair
    response = client_for(coordinator).post(reverse("visits:visit-cancel", args=[visit.pk]), {"reason": "y" * 1500})
    page = response.content.decode()
    assert response.status_code == 400 and "at most 1000 characters" in page and "y" * 1500 in page
    visit.refresh_from_db()
    assert visit.status != "cancelled"
    missing = client_for(coordinator).post(reverse("visits:visit-cancel", args=[visit.pk]), {"reason": ""})
    assert "Give a reason for cancelling." in missing.content.decode()


def test_a_year_out_of_range_in_the_address_shows_this_year_not_an_error(client_for, coordinator):
    client = client_for(coordinator)
    for name in ("visits:coverage", "visits:coverage-mix"):
        for year in ("99999", "-5", "0", "twenty"):
            response = client.get(reverse(name) + f"?year={year}")
            assert response.status_code == 200, (name, year)
            assert response.context["year"] == timezone.localdate().year
