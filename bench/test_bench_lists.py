"""Benchmark: the coordinator's past-visits list at demo size and with 20,000 past visits.

The list is cut to a page first and only that page's booked places are counted, so its server time
should stay flat as visits pile up. Measured side by side, in the same run, with the plainest way to
get the same page (one hand-written SQL query for the page's rows and their booked places, plus the
count) and with the old way (every past visit annotated with its booked count before the limit).
Run with `make bench`; the numbers go to bench/RESULTS.md by hand after a run.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in_as
from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from visits.models import Assignment, Visit, VisitStatus
from visits.tests.factories import make_visit
from volunteers.models import Volunteer

PLAIN_PAGE = """
SELECT v.id, v.starts_at, cp.name, s.title, s.volunteers_needed, v.status,
       (SELECT count(*) FROM visits_assignment a WHERE a.visit_id = v.id AND a.declined_at IS NULL) AS booked
FROM visits_visit v
JOIN scenarios_contactpoint cp ON cp.id = v.contact_point_id
JOIN scenarios_scenario s ON s.id = v.scenario_id
WHERE v.starts_at < now()
ORDER BY v.starts_at DESC, v.id DESC
LIMIT 50
"""


def timed(function, repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def _plain():
    with connection.cursor() as cursor:
        cursor.execute(PLAIN_PAGE)
        cursor.fetchall()
        cursor.execute("SELECT count(*) FROM visits_visit WHERE starts_at < now()")


def _old_way():
    places = Assignment.objects.active().filter(visit=OuterRef("pk")).order_by().values("visit")
    booked = Coalesce(Subquery(places.annotate(n=Count("pk")).values("n")), 0)
    visits = Visit.objects.filter(starts_at__lt=timezone.now()).annotate(booked=booked)
    list(visits.order_by("-starts_at").annotate(all_places=Count("assignments"))[:200])


def add_past_visits(like: Visit, people: list[Volunteer], count: int, start: int) -> None:
    made = Visit.objects.bulk_create(
        [
            Visit(scenario=like.scenario, contact_point=like.contact_point, created_by=like.created_by,
                  status=VisitStatus.COMPLETED, starts_at=timezone.now() - timedelta(hours=6 * (n + 1)),
                  ends_at=timezone.now() - timedelta(hours=6 * (n + 1)) + timedelta(minutes=30))
            for n in range(start, start + count)
        ],
        batch_size=2000,
    )  # fmt: skip
    Assignment.objects.bulk_create(
        [
            Assignment(visit=visit, volunteer=people[(2 * n + k) % len(people)], assigned_by=like.created_by,
                       blocked_from=visit.starts_at, blocked_until=visit.ends_at)
            for n, visit in enumerate(made)
            for k in (0, 1)
        ],
        batch_size=4000,
    )  # fmt: skip


def test_bench_the_past_visits_list_stays_flat(transactional_db, client):
    if connection.vendor != "postgresql":
        pytest.skip("The list benchmark needs PostgreSQL.")
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    like = make_visit(coordinator=coordinator)
    people = Volunteer.objects.bulk_create(
        [Volunteer(first_name="V", last_name=f"{n:03d}", email=f"v{n}@bench.example", phone="+447911123456",
                   postcode="ST1 1AA", date_of_birth="1970-01-01", status="active") for n in range(100)]
    )  # fmt: skip
    sign_in_as(client, coordinator)
    url = reverse("visits:visit-list") + "?show=past"
    results = {}
    done = 0
    for size in (150, 20_000):
        add_past_visits(like, people, size - done, done)
        done = size
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE visits_visit; ANALYZE visits_assignment")
        assert client.get(url).status_code == 200
        results[size] = (timed(lambda: client.get(url)), timed(_plain), timed(_old_way, repeat=5))
        page, plain, old = results[size]
        spent = []

        def clock(execute, sql, params, many, context, spent=spent):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent.append((1000 * (time.perf_counter() - started), sql[:150]))

        with connection.execute_wrapper(clock):
            client.get(url)
        for ms, sql in sorted(spent, reverse=True)[:4]:
            print(f"BENCH lists:   {ms:.1f} ms  {sql}")
        print(
            f"\nBENCH lists: {size:,} past visits: the page {page:.1f} ms (server, median of 20); plain SQL for the same "
            f"page {plain:.1f} ms; the old way's query (count before limit) {old:.1f} ms"
        )
    (small, _, old_small), (large, _, old_large) = results[150], results[20_000]
    print(
        f"BENCH lists: the page at 20,000 is {large / small:.2f}x its time at 150 (flat is within 1.2x); "
        f"the old way's query grew {old_large / old_small:.1f}x"
    )
