from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from scenarios import services as scenario_services
from scenarios.models import LAWFULNESS_CHECKLIST
from scenarios.tests.factories import ContactPointFactory, ScenarioFactory
from visits import services
from volunteers.models import Availability, Band
from volunteers.tests.factories import TrainingModuleFactory, VolunteerFactory, trained

LONDON = ZoneInfo("Europe/London")


def next_weekday(weekday: int = 1, weeks_ahead: int = 2) -> date:
    """A date a few weeks ahead on the given weekday (Tuesday by default), never a bank holiday in tests."""
    day = timezone.localdate() + timedelta(weeks=weeks_ahead)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    from scenarios.models import is_bank_holiday

    while is_bank_holiday(day):
        day += timedelta(days=7)
    return day


ALL_CONFIRMED = [name for name, _ in LAWFULNESS_CHECKLIST]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def approved_scenario(channel="front_desk", **kwargs):
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    commissioner = UserFactory(roles=[Role.COMMISSIONER])
    scenario = ScenarioFactory(channel=channel, author=coordinator, **kwargs)
    scenario_services.submit_scenario(scenario=scenario, by=coordinator, confirmed=ALL_CONFIRMED)
    return scenario_services.approve_scenario(scenario=scenario, by=commissioner)


def make_visit(*, coordinator, day=None, hour=10, minutes=30, contact_point=None, scenario=None):
    scenario = scenario or approved_scenario()
    contact_point = contact_point or ContactPointFactory(channel=scenario.channel)
    day = day or next_weekday()
    return services.create_visit(
        scenario=scenario, contact_point=contact_point, starts_at=at(day, hour),
        ends_at=at(day, hour) + timedelta(minutes=minutes), by=coordinator,
    )  # fmt: skip


def ready_volunteer(**kwargs):
    """An active, trained volunteer free on weekday mornings and afternoons."""
    volunteer = VolunteerFactory(user=UserFactory(roles=[Role.VOLUNTEER]), **kwargs)
    module = TrainingModuleFactory(name="Induction", refresh_months=None)
    trained(volunteer, module)
    Availability.objects.bulk_create(
        [
            Availability(volunteer=volunteer, weekday=day, band=band)
            for day in range(5)
            for band in (Band.MORNING, Band.AFTERNOON)
        ]
    )
    return volunteer
