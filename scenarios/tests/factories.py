from datetime import time

import factory

from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from scenarios.models import (
    Channel,
    CommitmentArea,
    ContactPoint,
    OpeningHours,
    PolicingArea,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionType,
    Scenario,
    Section,
)


class PolicingAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicingArea
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Area {n}")


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Police Station {n}")
    channel = Channel.FRONT_DESK
    policing_area = factory.SubFactory(PolicingAreaFactory)
    address = "1 High Street, Stafford"
    postcode = "ST16 2DQ"

    @factory.post_generation
    def weekday_hours(self, create, extracted, **kwargs):
        """By default a front desk opens 09:00–17:00 Monday to Friday, closed 13:00–14:00."""
        if create and self.channel == Channel.FRONT_DESK and extracted is not False:
            for weekday in range(5):
                OpeningHours.objects.create(
                    contact_point=self, weekday=weekday, opens=time(9), closes=time(17),
                    lunch_starts=time(13), lunch_ends=time(14),
                )  # fmt: skip


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    title = factory.Sequence(lambda n: f"Questionnaire {n}")
    channel = Channel.FRONT_DESK


class QuestionnaireVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionnaireVersion

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    number = 1


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    version = factory.SubFactory(QuestionnaireVersionFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    kind = QuestionType.YES_NO
    label = factory.Sequence(lambda n: f"Question {n}?")
    order = factory.Sequence(lambda n: n)


def area(slug="professional-service"):
    return CommitmentArea.objects.get(slug=slug)


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    channel = Channel.FRONT_DESK
    title = factory.Sequence(lambda n: f"Scenario {n}")
    what_to_say = "Ask about lost property."
    safety_notes = "Stay together; leave if unsafe."
    emergency_plan = "Step out of role; call 999 only for a real emergency; tell the coordinator."
    good_practice = "Polite, clear next steps."
    questionnaire_version = factory.LazyAttribute(
        lambda s: QuestionFactory(section__version__questionnaire__channel=s.channel).section.version
    )
    volunteers_needed = factory.LazyAttribute(
        lambda s: 2 if s.channel in ("front_desk", "neighbourhood_meeting") else 1
    )
    author = factory.LazyFunction(lambda: UserFactory(roles=[Role.COORDINATOR]))
