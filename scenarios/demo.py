"""Demo contact points, the starter questionnaires and scenarios in every state."""

from __future__ import annotations

from datetime import time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import (
    LAWFULNESS_CHECKLIST,
    Channel,
    CommitmentArea,
    ContactPoint,
    OpeningHours,
    PolicingArea,
    Questionnaire,
    Scenario,
    ScenarioStatus,
)

FRONT_DESKS = [
    # name, area, address, postcode, (weekday hours), lunch?, open Saturday?
    ("Stafford Police Station", "North", "Eastgate Street, Stafford", "ST16 2DQ", (time(8), time(20)), False, True),
    ("Hanley Police Station", "North", "Bethesda Street, Hanley, Stoke-on-Trent", "ST1 3DR", (time(8), time(18)), True, True),
    ("Newcastle-under-Lyme Police Station", "North", "Merrial Street, Newcastle-under-Lyme", "ST5 2AB", (time(9), time(17)), True, False),
    ("Cannock Police Station", "South", "Wolverhampton Road, Cannock", "WS11 1AR", (time(9), time(17)), True, False),
    ("Burton Police Station", "East", "Horninglow Street, Burton upon Trent", "DE14 1PA", (time(8), time(18)), False, False),
    ("Tamworth Police Station", "South", "Spinning School Lane, Tamworth", "B79 7BB", (time(10), time(16)), True, False),
]  # fmt: skip

SCENARIOS = [
    # channel, title, questionnaire title, status
    (Channel.FRONT_DESK, "Lost property enquiry", "Front desk visit", ScenarioStatus.APPROVED),
    (Channel.FRONT_DESK, "Asking how to report anti-social behaviour", "Front desk visit", ScenarioStatus.APPROVED),
    (Channel.PHONE_101, "Follow-up on a reported bike theft", "101 call", ScenarioStatus.APPROVED),
    (Channel.PHONE_101, "Noise nuisance: who deals with it?", "101 call", ScenarioStatus.APPROVED),
    (Channel.WEBSITE, "Finding your neighbourhood team", "Website task", ScenarioStatus.APPROVED),
    (Channel.WEBSITE, "Reporting a minor road traffic collision online", "Website task", ScenarioStatus.DRAFT),
    (
        Channel.ONLINE_REPORTING,
        "Trying the online form for a lost bicycle",
        "Online reporting",
        ScenarioStatus.APPROVED,
    ),
    (Channel.NEIGHBOURHOOD_MEETING, "Attending a PACT meeting", "Neighbourhood meeting", ScenarioStatus.APPROVED),
    (Channel.FRONT_DESK, "Asking about a firearms licence renewal", "Front desk visit", ScenarioStatus.SUBMITTED),
]
# When the scheme offers Welsh: visits made in Welsh, to test the force's Welsh language service.
WELSH_SCENARIOS = [
    (Channel.FRONT_DESK, "Lost property enquiry in Welsh", "Front desk visit in Welsh", ScenarioStatus.APPROVED),
    (Channel.PHONE_101, "Asking 101 for help in Welsh", "101 call in Welsh", ScenarioStatus.APPROVED),
    (Channel.WEBSITE, "Finding your neighbourhood team in Welsh", "Website task in Welsh", ScenarioStatus.APPROVED),
]


def seed() -> None:
    areas = {
        name: PolicingArea.objects.get_or_create(name=f"{name} Staffordshire")[0] for name in ("North", "South", "East")
    }
    for name, area, address, postcode, (opens, closes), lunch, saturday in FRONT_DESKS:
        point, created = ContactPoint.objects.get_or_create(
            name=name,
            channel=Channel.FRONT_DESK,
            defaults={
                "policing_area": areas[area],
                "address": address,
                "postcode": postcode,
                "access_notes": "Step-free entrance at the front; hearing loop at the counter.",
                "parking_notes": "Pay-and-display car park nearby; two disabled bays outside.",
            },
        )
        if created:
            for weekday in range(6 if saturday else 5):
                OpeningHours.objects.create(
                    contact_point=point,
                    weekday=weekday,
                    opens=opens if weekday < 5 else time(9),
                    closes=closes if weekday < 5 else time(13),
                    lunch_starts=time(13) if lunch and weekday < 5 else None,
                    lunch_ends=time(14) if lunch and weekday < 5 else None,
                )
    for channel, name in (
        (Channel.PHONE_101, "101 non-emergency line"),
        (Channel.WEBSITE, "Force website"),
        (Channel.ONLINE_REPORTING, "Online crime reporting"),
    ):
        ContactPoint.objects.get_or_create(
            name=name,
            channel=channel,
            defaults={"policing_area": areas["North"], "always_open": True, "open_on_bank_holidays": True},
        )
    next_month = timezone.localdate().replace(day=1) + timedelta(days=40)
    for number, (venue, area) in enumerate((("Rising Brook Community Centre", "North"), ("Cannock Library", "South"))):
        ContactPoint.objects.get_or_create(
            name=f"Neighbourhood meeting, {venue}",
            channel=Channel.NEIGHBOURHOOD_MEETING,
            defaults={
                "policing_area": areas[area],
                "address": venue,
                "meeting_date": next_month + timedelta(days=7 * number + 1),
                "meeting_start": time(18, 30),
                "meeting_end": time(20),
            },
        )
    services.load_starter_questionnaires()
    _seed_scenarios()


def _seed_scenarios() -> None:
    User = get_user_model()
    coordinator, commissioner = User.objects.get(username="coordinator"), User.objects.get(username="commissioner")
    areas = list(CommitmentArea.objects.all()[:3])
    from .starter_cy import WELSH

    for channel, title, questionnaire_title, status in SCENARIOS + (
        WELSH_SCENARIOS if settings.MYSTERYSHOP_WELSH else []
    ):
        if Scenario.objects.filter(title=title).exists():
            continue
        version = Questionnaire.objects.get(title=questionnaire_title).versions.order_by("-number").first()
        scenario = Scenario.objects.create(
            channel=channel,
            title=title,
            what_to_say=f"Explain you would like help with this: {title.lower()}. Ask what happens next and how you will be kept informed.",
            cover_story="You live locally and have not contacted the police before.",
            what_not_to_do="Do not give a false name to the police, report a crime that did not happen, or argue. Never call 999.",
            safety_notes="Stay with your partner. If anything feels unsafe, or a real emergency happens, stop the visit at once and leave; call 999 only for a real emergency.",
            emergency_plan="If you see a crime, an injury or anyone in danger, step out of role at once: help as any member of the public would, call 999 only for a real emergency, then tell the coordinator. Never carry on with the scenario.",
            good_practice="A polite greeting, the enquiry understood, next steps explained, a reference number given, and signposting if the police are not the right service.",
            questionnaire_version=version,
            volunteers_needed=2 if channel in (Channel.FRONT_DESK, Channel.NEIGHBOURHOOD_MEETING) else 1,
            author=coordinator,
            shared_with_force=status != ScenarioStatus.DRAFT,
        )  # fmt: skip
        for field in scenario.translated_fields:
            scenario.set_welsh(field, WELSH.get(getattr(scenario, field), ""))
        scenario.save(update_fields=["welsh", "welsh_source"])
        scenario.good_practice_areas.set(areas)
        scenario.contact_points.set(ContactPoint.objects.filter(channel=channel))
        scenario.log_action("created", by=coordinator)
        if status in (ScenarioStatus.SUBMITTED, ScenarioStatus.APPROVED):
            services.submit_scenario(
                scenario=scenario, by=coordinator, confirmed=[name for name, _ in LAWFULNESS_CHECKLIST]
            )
        if status == ScenarioStatus.APPROVED:
            services.approve_scenario(scenario=scenario, by=commissioner)
