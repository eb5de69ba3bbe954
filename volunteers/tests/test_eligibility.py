"""Who may be scheduled: active, with every required training module current; and when they are free."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from volunteers.models import Availability, AwayPeriod, Band, Status
from volunteers.services import eligible_volunteers

from .factories import TrainingModuleFactory, VolunteerFactory, trained

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def modules(db):
    return TrainingModuleFactory(name="Induction", refresh_months=None), TrainingModuleFactory(
        name="Personal safety", refresh_months=12
    )


def test_an_active_volunteer_with_current_training_is_eligible(modules):
    volunteer = VolunteerFactory()
    for module in modules:
        trained(volunteer, module)
    assert list(eligible_volunteers(on=timezone.localdate())) == [volunteer]


def test_missing_any_required_module_makes_a_volunteer_ineligible(modules):
    volunteer = VolunteerFactory()
    trained(volunteer, modules[0])
    assert not eligible_volunteers(on=timezone.localdate()).exists()


def test_training_past_its_refresh_period_no_longer_counts(modules):
    volunteer = VolunteerFactory()
    trained(volunteer, modules[0], on=timezone.now() - timedelta(days=900))
    trained(volunteer, modules[1], on=timezone.now() - timedelta(days=400))
    assert not eligible_volunteers(on=timezone.localdate()).exists()
    trained(volunteer, modules[1])
    assert eligible_volunteers(on=timezone.localdate()).get() == volunteer


@pytest.mark.parametrize("status", [Status.PAUSED, Status.TRAINING, Status.LEFT])
def test_only_active_volunteers_are_eligible(modules, status):
    volunteer = VolunteerFactory(status=status)
    for module in modules:
        trained(volunteer, module)
    assert not eligible_volunteers(on=timezone.localdate()).exists()


def test_booked_but_not_attended_does_not_count(modules):
    volunteer = VolunteerFactory()
    for module in modules:
        booking = trained(volunteer, module)
        booking.attended = False
        booking.save()
    assert not eligible_volunteers(on=timezone.localdate()).exists()


def test_eligibility_is_one_query_whatever_the_number_of_volunteers(modules, django_assert_num_queries):
    for _ in range(5):
        volunteer = VolunteerFactory()
        for module in modules:
            trained(volunteer, module)
    with django_assert_num_queries(2):  # the required modules, then the volunteers
        assert len(list(eligible_volunteers(on=timezone.localdate()))) == 5


MONDAY = date(2027, 6, 7)


def window(hour, minutes=30, day=MONDAY):
    start = datetime.combine(day, time(hour), tzinfo=LONDON)
    return start, start + timedelta(minutes=minutes)


def test_availability_covers_the_visit_window(db):
    morning_person = VolunteerFactory()
    Availability.objects.create(volunteer=morning_person, weekday=0, band=Band.MORNING)
    from volunteers.models import Volunteer

    assert list(Volunteer.objects.available_between(*window(10))) == [morning_person]
    assert not Volunteer.objects.available_between(*window(14)).exists()
    assert not Volunteer.objects.available_between(*window(10, day=MONDAY + timedelta(days=1))).exists()
    assert not Volunteer.objects.available_between(*window(11, minutes=90)).exists(), "runs into the afternoon"


def test_days_away_override_the_weekly_pattern(db):
    from volunteers.models import Volunteer

    volunteer = VolunteerFactory()
    Availability.objects.create(volunteer=volunteer, weekday=0, band=Band.MORNING)
    AwayPeriod.objects.create(volunteer=volunteer, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=6))
    assert not Volunteer.objects.available_between(*window(10)).exists()
