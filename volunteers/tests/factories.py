from datetime import date, timedelta

import factory
from django.utils import timezone

from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from volunteers.models import Status, TrainingBooking, TrainingModule, TrainingSession, Volunteer


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    phone = "+447911123456"
    postcode = "ST16 2DQ"
    date_of_birth = date(1960, 5, 17)
    status = Status.ACTIVE


def volunteer_for(user, **kwargs) -> Volunteer:
    """The volunteer record behind a signed-in user."""
    return VolunteerFactory(user=user, first_name=user.first_name, last_name=user.last_name, email=user.email, **kwargs)


def active_volunteer(**kwargs) -> Volunteer:
    return VolunteerFactory(user=UserFactory(roles=[Role.VOLUNTEER]), **kwargs)


class TrainingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingModule
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Module {n}")
    required = True
    refresh_months = 24


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    module = factory.SubFactory(TrainingModuleFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=2))
    venue = "OPCC offices, Stafford"
    capacity = 10
    trainer = "Jo Trainer"


def trained(volunteer, module, *, on=None):
    """Record that a volunteer attended a session of `module` (by default a month ago)."""
    starts = on or timezone.now() - timedelta(days=30)
    session = TrainingSessionFactory(module=module, starts_at=starts)
    return TrainingBooking.objects.create(session=session, volunteer=volunteer, booked_at=starts, attended=True)
