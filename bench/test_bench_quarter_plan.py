"""Benchmark: draft a quarter plan with pairs for a large force (500 volunteers, 400 visits).

Run with `make bench`; the numbers go to bench/RESULTS.md by hand after a run.
Not part of `make test`: speed is measured here, not asserted in timed tests.
"""

import time
from datetime import time as clock
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from scenarios.models import Channel, ContactPoint, OpeningHours, PolicingArea
from visits import services
from visits.tests.factories import approved_scenario
from volunteers.models import Availability, Band, TrainingBooking, TrainingModule, TrainingSession, Volunteer


def build_force(volunteers=500, desks=60):
    area = PolicingArea.objects.create(name="Bench area")
    points = ContactPoint.objects.bulk_create(
        [ContactPoint(name=f"Desk {n}", channel=Channel.FRONT_DESK, policing_area=area, address="x", postcode=f"ST{n % 20 + 1} 1AA") for n in range(desks)]
    )  # fmt: skip
    OpeningHours.objects.bulk_create(
        [OpeningHours(contact_point=p, weekday=d, opens=clock(9), closes=clock(17)) for p in points for d in range(5)]
    )
    line = ContactPoint.objects.create(name="101", channel=Channel.PHONE_101, policing_area=area, always_open=True)
    approved_scenario(), approved_scenario(channel=Channel.PHONE_101)
    module = TrainingModule.objects.create(name="Bench induction", required=True)
    session = TrainingSession.objects.create(
        module=module, starts_at=timezone.now() - timedelta(days=10), ends_at=timezone.now() - timedelta(days=10, hours=-2),
        venue="x", capacity=600, trainer="x",
    )  # fmt: skip
    people = Volunteer.objects.bulk_create(
        [Volunteer(first_name="V", last_name=f"{n:04d}", email=f"v{n}@bench.example", phone="+447911123456",
                   postcode=f"ST{n % 20 + 1} 2BB", date_of_birth="1970-01-01", status="active") for n in range(volunteers)]
    )  # fmt: skip
    TrainingBooking.objects.bulk_create(
        [TrainingBooking(session=session, volunteer=v, booked_at=session.starts_at, attended=True) for v in people]
    )
    Availability.objects.bulk_create(
        [
            Availability(volunteer=v, weekday=d, band=b)
            for v in people
            for d in range(5)
            for b in (Band.MORNING, Band.AFTERNOON)
        ]
    )
    return points, line


def test_bench_quarter_plan_with_pairs_for_a_large_force(db):
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    points, line = build_force()
    targets = {p.pk: 6 for p in points} | {line.pk: 40}  # 360 desk visits + 40 calls = 400
    year = timezone.localdate().year + 1
    started = time.perf_counter()
    plan = services.draft_quarter_plan(year=year, quarter=2, targets=targets, by=coordinator, seed=1)
    drafted = time.perf_counter()
    services.confirm_plan(plan=plan, by=coordinator)
    result = services.fill_plan(plan=plan, by=coordinator)
    filled, unfilled = result.booked, result.left_open
    finished = time.perf_counter()
    visit = plan.visits.first()
    with CaptureQueriesContext(connection) as queries:
        services.candidates(visit)
    print(
        f"\nBENCH quarter plan: {plan.visits.count()} visits drafted in {drafted - started:.2f} s; "
        f"pairs for {filled} filled, {unfilled} left open, in {finished - drafted:.2f} s; "
        f"picker for one visit over 500 volunteers: {len(queries)} queries"
    )
    assert plan.visits.count() == 400
