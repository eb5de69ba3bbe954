"""Dates typed on the volunteers' forms: a date of birth no more than 100 years ago, training sessions within
sensible dates, and clock times across clock changes in plain words (never "couldn't be interpreted")."""

from datetime import date, datetime, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from volunteers.models import TrainingSession, Volunteer

from .factories import TrainingModuleFactory
from .test_apply import URL as APPLY
from .test_apply import born, valid

LONDON = timezone.get_default_timezone()
MARCH_2027 = datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)


def test_a_date_of_birth_a_hundred_years_ago_or_more_is_refused(client, db):
    response = client.post(APPLY, valid(**born(date(1926, 5, 1))))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Date of birth must be less than 100 years ago" in page and 'href="#id_date_of_birth' in page
    assert not Volunteer.objects.exists()
    ninety = timezone.localdate() - timedelta(days=90 * 365)
    assert client.post(APPLY, valid(**born(ninety))).status_code == 302


def session(client, starts, ends, **changes):
    data = {
        "module": TrainingModuleFactory().pk, "starts_at": starts, "ends_at": ends, "venue": "OPCC offices",
        "capacity": "12", "trainer": "Ruth Bailey", **changes,
    }  # fmt: skip
    return client.post(reverse("volunteers:training-create"), data)


def test_a_training_time_the_clocks_skip_is_refused_in_plain_words(client_for, coordinator):
    with time_machine.travel(MARCH_2027, tick=False):
        response = session(client_for(coordinator), "2027-03-28T01:30", "2027-03-28T03:00")
    page = response.content.decode()
    assert "the clocks go forward at 1am, so 01:30 does not exist" in page and 'href="#id_starts_at"' in page
    assert "interpreted in time zone" not in page
    assert not TrainingSession.objects.exists()


def test_a_training_session_across_the_clock_change_is_explained(client_for, coordinator):
    with time_machine.travel(MARCH_2027, tick=False):
        response = session(client_for(coordinator), "2027-10-31T00:30", "2027-10-31T02:30")
    assert "is 180 minutes, not 120" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_a_training_session_is_within_the_next_two_years(client_for, coordinator):
    with time_machine.travel(MARCH_2027, tick=False):
        client = client_for(coordinator)
        response = session(client, "2030-03-02T10:00", "2030-03-02T12:00")
        assert "no more than 2 years ahead" in response.content.decode()
        assert session(client, "2027-03-02T10:00", "2027-03-02T12:00").status_code == 302
    assert TrainingSession.objects.count() == 1
