"""Days away that fall on a booked visit or training session: the volunteer is asked first, and only on
their say-so are the bookings given up, with the coordinator (and any partner) told."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import delivered_email
from visits import services
from visits.models import Assignment, Visit
from volunteers import services as volunteer_services
from volunteers.models import AwayPeriod, TrainingBooking
from volunteers.tests.factories import TrainingSessionFactory

from .factories import make_visit, ready_volunteer

ADD = reverse("volunteers:away-add")


@pytest.fixture
def booked(coordinator, django_capture_on_commit_callbacks):
    """Margaret and a partner booked on a visit; e-mails so far cleared."""
    visit = make_visit(coordinator=coordinator)
    margaret, partner = ready_volunteer(first_name="Margaret"), ready_volunteer()
    with django_capture_on_commit_callbacks(execute=True):
        mine = services.assign(visit=visit, volunteer=margaret, by=coordinator)
        services.assign(visit=visit, volunteer=partner, by=coordinator)
    delivered_email().clear()
    return visit, mine, partner


def days_around(visit):
    day = timezone.localtime(visit.starts_at).date()
    return {"starts_on": (day - timedelta(days=1)).isoformat(), "ends_on": (day + timedelta(days=1)).isoformat()}


def test_adding_days_away_over_a_booked_visit_asks_first_and_keeps_the_booking(client_for, booked):
    visit, mine, _partner = booked
    response = client_for(mine.volunteer.user).post(ADD, days_around(visit))
    page = response.content.decode()
    assert response.status_code == 200
    assert "You are booked on a day you will be away" in page
    assert visit.contact_point.name in page and "Add the days away and give up this booking" in page
    assert not AwayPeriod.objects.exists(), "nothing is saved until the volunteer says so"
    mine.refresh_from_db()
    assert mine.declined_at is None
    assert delivered_email() == []


def test_confirming_gives_up_the_visit_and_tells_the_coordinator_and_partner(
    client_for, booked, coordinator, django_capture_on_commit_callbacks
):
    visit, mine, partner = booked
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mine.volunteer.user).post(ADD, {**days_around(visit), "give_up": "yes"}, follow=True)
    assert "your bookings on those days are given up" in response.content.decode()
    assert AwayPeriod.objects.filter(volunteer=mine.volunteer).count() == 1
    mine.refresh_from_db()
    assert mine.declined_at is not None and mine.decline_reason == "Away that day."
    (told,) = [m for m in delivered_email() if m.to == [coordinator.email]]
    assert "Away that day." in told.body
    assert any("Please do not go alone" in m.body for m in delivered_email() if m.to == [partner.email])
    assert list(Visit.objects.held()) == [visit]


def test_days_away_that_miss_every_booking_are_saved_at_once(client_for, booked):
    visit, mine, _partner = booked
    later = timezone.localtime(visit.starts_at).date() + timedelta(days=10)
    response = client_for(mine.volunteer.user).post(ADD, {"starts_on": later, "ends_on": later})
    assert response.status_code == 302
    assert AwayPeriod.objects.count() == 1
    assert Assignment.objects.active().filter(pk=mine.pk).exists()


def test_a_booked_training_session_on_those_days_is_listed_and_given_up_too(client_for, volunteer):
    session = TrainingSessionFactory(starts_at=timezone.now() + timedelta(days=5))
    volunteer_services.book(session=session, volunteer=volunteer.volunteer)
    day = timezone.localtime(session.starts_at).date()
    client = client_for(volunteer)
    page = client.post(ADD, {"starts_on": day, "ends_on": day}).content.decode()
    assert f"Training: {session}" in page
    client.post(ADD, {"starts_on": day, "ends_on": day, "give_up": "yes"})
    assert TrainingBooking.objects.get(session=session).booked_at is None


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        (-3, -1, "The first day away must be today or later."),
        (0, 400, "Add days away a year at a time at most."),
        (800, 801, "The first day away must be within 2 years."),
        (5, 2, "The last day away must be on or after the first day."),
    ],
)
def test_days_away_are_kept_to_sensible_dates_with_a_message_by_the_field(client_for, volunteer, starts, ends, message):
    today = timezone.localdate()
    response = client_for(volunteer).post(
        ADD, {"starts_on": today + timedelta(days=starts), "ends_on": today + timedelta(days=ends)}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and 'class="error-summary' in page
    assert not AwayPeriod.objects.exists()
