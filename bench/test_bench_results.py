"""Benchmark: roll-ups and the commissioner's dashboard over three years of a large force.

60 contact points, 400 volunteers, 20,000 visits, 1,000,000 answers on
PostgreSQL. Measures the full rebuild against a bare SQL GROUP BY over the
same answers in the same run, one approval's incremental roll-up, and the
dashboard's queries and server time. Run with `make bench`; the numbers go to
bench/RESULTS.md by hand after a run.
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.db import connection
from django.urls import reverse

from conftest import sign_in_as
from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from reports import rollups
from reports.models import RollupRow
from visits.models import Answer, Submission

from .largeforce import build

# The same answers, joined and grouped once (by month, contact point, commitment area and
# question), written to a table: what a hand-written report query would cost.
BARE_GROUP_BY = """
CREATE TEMPORARY TABLE bench_bare AS
SELECT date_trunc('month', v.starts_at AT TIME ZONE 'Europe/London') AS period, v.contact_point_id,
       q.commitment_area_id, a.question_id, count(*) AS answers, count(*) FILTER (WHERE a.meets) AS met,
       sum(q.weight) FILTER (WHERE a.meets IS NOT NULL) AS weight_applicable,
       sum(q.weight) FILTER (WHERE a.meets) AS weight_met
FROM visits_answer a
JOIN visits_submission s ON s.id = a.submission_id
JOIN visits_assignment asg ON asg.id = s.assignment_id
JOIN visits_visit v ON v.id = asg.visit_id
JOIN scenarios_question q ON q.id = a.question_id
WHERE s.status = 'approved'
GROUP BY 1, 2, 3, 4
"""


def timed(function, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def _bare():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare")
        cursor.execute(BARE_GROUP_BY)


def test_bench_results_for_a_large_force(transactional_db, client):
    # Committed data, as in production: each roll-up below commits like a worker's task.
    if connection.vendor != "postgresql":
        pytest.skip("The results benchmark needs PostgreSQL.")
    started = time.perf_counter()
    force = build()
    print(f"\nBENCH results: built {Answer.objects.count():,} answers in {time.perf_counter() - started:.1f} s")

    # The full rebuild, against a bare GROUP BY over the same answers.
    bare = timed(_bare, repeat=3)
    rebuild = timed(rollups.rebuild, repeat=3)
    rows = RollupRow.objects.count()
    ratio = statistics.median(rebuild) / statistics.median(bare)
    print(
        f"BENCH results: full rebuild {statistics.median(rebuild):.2f} s ({rows:,} rows) against a bare GROUP BY "
        f"{statistics.median(bare):.2f} s: {ratio:.1f}x (medians of 3)"
    )

    # One approval's incremental roll-up, as the worker runs it.
    submissions = force["submissions"]
    ids = [submission.pk for submission in submissions[:: len(submissions) // 50]]
    times = []
    for submission_id in ids:
        Submission.objects.filter(pk=submission_id).update(needs_rollup=True)
        times += timed(lambda submission_id=submission_id: rollups.rollup_submission(submission_id))
    print(
        f"BENCH results: one approval's roll-up: median {1000 * statistics.median(times):.0f} ms, "
        f"slowest {1000 * max(times):.0f} ms over {len(times)} approvals"
    )
    assert not Submission.objects.filter(pk__in=ids, needs_rollup=True).exists()
    assert RollupRow.objects.count() == rows, "incremental roll-ups replace rows, never add to them"

    # The commissioner's dashboard.
    sign_in_as(client, UserFactory(roles=[Role.COMMISSIONER]))
    url = reverse("reports:commissioner-home")
    assert client.get(url).status_code == 200
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        client.get(url)
    times = timed(lambda: client.get(url), repeat=20)
    print(
        f"BENCH results: dashboard {len(queries)} queries, median {1000 * statistics.median(times):.0f} ms, "
        f"slowest {1000 * max(times):.0f} ms over 20 requests"
    )
