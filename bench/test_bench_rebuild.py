"""Benchmark: the full roll-up rebuild against a fair baseline.

The baseline is bare SQL that writes exactly the rows the rebuild writes (week, month and quarter;
question, commitment area and force-wide level; the same counts, weights and sorted durations)
straight from the answers, into an unlogged table with the same unique index, in key order. The
bench checks the two tables hold the same rows, then times each (median of 3, same data, same run).

Sized to run in a few minutes on two busy cores (BENCH_REBUILD_VISITS, 6,000 visits by default:
about 300,000 answers). Run with `scripts/run_tests.py -s bench/test_bench_rebuild.py`.
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from django.db import connection, transaction

from reports import rollups
from reports.models import RollupRow
from visits.models import Answer

from .largeforce import build

VISITS = int(os.environ.get("BENCH_REBUILD_VISITS", "6000"))

# Approved reports that count, with the local week, month and quarter of their visit.
REPORTS = """
SELECT s.id AS submission_id, v.id AS visit_id, v.contact_point_id AS point_id, p.channel,
       p.policing_area_id, (v.starts_at AT TIME ZONE 'Europe/London')::date AS day
FROM visits_submission s
JOIN visits_assignment asg ON asg.id = s.assignment_id
JOIN visits_visit v ON v.id = asg.visit_id
JOIN scenarios_contactpoint p ON p.id = v.contact_point_id
WHERE s.status = 'approved' AND NOT s.excluded
"""

# One period kind's rows, straight from the answers: question rows, then commitment area and
# force-wide (area 0) rows of the scored answers.
FAIR = """
INSERT INTO bench_fair (period_kind, period_start, contact_point_id, area_id, question_id, channel,
                        policing_area_id, reports, visits, answers, met, weight_applicable, weight_met, durations)
SELECT %(kind)s, date_trunc(%(unit)s, r.day)::date, r.point_id, COALESCE(q.commitment_area_id, 0), a.question_id,
       r.channel, r.policing_area_id, COUNT(*), COUNT(DISTINCT r.visit_id), COUNT(*),
       COUNT(*) FILTER (WHERE a.meets),
       COALESCE(SUM(q.weight) FILTER (WHERE a.meets IS NOT NULL), 0), COALESCE(SUM(q.weight) FILTER (WHERE a.meets), 0),
       COALESCE(jsonb_agg(a.value ORDER BY a.value) FILTER (WHERE q.kind = 'duration' AND a.value IS NOT NULL), '[]'::jsonb)
FROM visits_answer a JOIN ({reports}) r ON r.submission_id = a.submission_id
JOIN scenarios_question q ON q.id = a.question_id
GROUP BY 2, 3, 4, 5, 6, 7
ORDER BY 2, 3, 4, 5;
INSERT INTO bench_fair (period_kind, period_start, contact_point_id, area_id, question_id, channel,
                        policing_area_id, reports, visits, answers, met, weight_applicable, weight_met, durations)
SELECT %(kind)s, date_trunc(%(unit)s, r.day)::date AS period, r.point_id,
       COALESCE(q.commitment_area_id, 0) * (1 - GROUPING(q.commitment_area_id)) AS area, 0,
       r.channel, r.policing_area_id, COUNT(DISTINCT r.submission_id), COUNT(DISTINCT r.visit_id), 0, 0,
       SUM(q.weight), COALESCE(SUM(q.weight) FILTER (WHERE a.meets), 0), '[]'::jsonb
FROM visits_answer a JOIN ({reports}) r ON r.submission_id = a.submission_id
JOIN scenarios_question q ON q.id = a.question_id
WHERE a.meets IS NOT NULL
GROUP BY GROUPING SETS (
    (date_trunc(%(unit)s, r.day)::date, r.point_id, r.channel, r.policing_area_id, q.commitment_area_id),
    (date_trunc(%(unit)s, r.day)::date, r.point_id, r.channel, r.policing_area_id))
ORDER BY 2, 3, 4;
"""

COMPARED = (
    "period_kind, period_start, contact_point_id, area_id, question_id, channel, policing_area_id, reports, visits, "
    "answers, met, weight_applicable, weight_met, durations"
)


def fair_baseline() -> int:
    """Write the rebuild's rows with bare SQL into an unlogged table under the same unique index."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("DROP TABLE IF EXISTS bench_fair")
        cursor.execute(
            f"CREATE UNLOGGED TABLE bench_fair (LIKE {RollupRow._meta.db_table} INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )
        cursor.execute(
            "CREATE UNIQUE INDEX bench_fair_key ON bench_fair "
            "(period_kind, period_start, contact_point_id, area_id, question_id)"
        )
        for kind in ("week", "month", "quarter"):
            cursor.execute(FAIR.format(reports=REPORTS), {"kind": kind, "unit": kind})
        cursor.execute("SELECT COUNT(*) FROM bench_fair")
        return cursor.fetchone()[0]


def differing_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT (SELECT COUNT(*) FROM (SELECT {COMPARED} FROM bench_fair
                                          EXCEPT SELECT {COMPARED} FROM {RollupRow._meta.db_table}) x)
                 + (SELECT COUNT(*) FROM (SELECT {COMPARED} FROM {RollupRow._meta.db_table}
                                          EXCEPT SELECT {COMPARED} FROM bench_fair) y)""")  # noqa: S608
        return cursor.fetchone()[0]


def timed(function, repeat: int = 3) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def _rebuild():
    with transaction.atomic():
        rollups.rebuild()


def test_bench_rebuild_against_a_fair_baseline(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("The rebuild benchmark needs PostgreSQL.")
    started = time.perf_counter()
    build(visits=VISITS, volunteers=max(40, VISITS // 50))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"\nBENCH rebuild: built {Answer.objects.count():,} answers in {time.perf_counter() - started:.1f} s")
    _rebuild()
    rows = fair_baseline()
    assert rows == RollupRow.objects.count() and differing_rows() == 0, "the baseline writes the very same rows"
    # Alternate the two so neither gains from a warmer cache.
    fair, rebuild = [], []
    for _ in range(3):
        fair += timed(fair_baseline, repeat=1)
        rebuild += timed(_rebuild, repeat=1)
    ratio = statistics.median(rebuild) / statistics.median(fair)
    print(
        f"BENCH rebuild: full rebuild {statistics.median(rebuild):.2f} s, fair baseline "
        f"{statistics.median(fair):.2f} s, {rows:,} rows each: {ratio:.2f}x (medians of 3; "
        f"rebuild {', '.join(f'{t:.2f}' for t in rebuild)}; baseline {', '.join(f'{t:.2f}' for t in fair)})"
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_fair")
