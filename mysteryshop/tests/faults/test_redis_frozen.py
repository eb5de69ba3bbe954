"""A frozen Redis (accepting connections, never answering: SIGSTOP) must not hold a request."""

from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor

import pytest

from mysteryshop.tests.smtp import free_port
from reports import rollups
from visits.models import Submission, SubmissionStatus

from .conftest import sent_reports, session_key
from .stack import Site, send_task, site_env, start_gunicorn, start_redis, start_worker, summary, wait_for

pytestmark = pytest.mark.faults

REDIS_PORT = 6391


def test_with_redis_frozen_approvals_answer_within_two_seconds_and_the_sweeper_catches_up(
    database_url, processes, log_dir, tmp_path, collected_static, coordinator
):
    redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    env = site_env(database_url=database_url, redis_url=redis_url, static_root=collected_static, tmp=tmp_path)
    port = free_port()
    redis = start_redis(REDIS_PORT, log_dir)
    processes.append(redis)
    processes.append(start_gunicorn(env, port, log_dir))
    processes.append(start_worker(env, "worker", log_dir))
    reports = sent_reports(16, coordinator=coordinator)
    site = Site(port, session_key(coordinator))

    # Both gunicorn workers have served pages and approvals before the freeze (a first request is slower).
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(lambda _: site.get("/visits/reports/").status, range(8))) == {200}
        healthy = list(pool.map(lambda pk: site.post(f"/visits/reports/{pk}/approve/"), reports[:4]))
    assert [answer.status for answer in healthy] == [302] * 4
    wait_for(lambda: not Submission.objects.filter(needs_rollup=True).exists(), timeout=60, what="the roll-ups")

    redis.signal(signal.SIGSTOP)
    try:
        frozen = [site.post(f"/visits/reports/{pk}/approve/") for pk in reports[4:]]
        health = site.get("/healthz")
        metrics = site.metrics()
    finally:
        redis.signal(signal.SIGCONT)

    print(f"\nApprovals with Redis answering: {summary([answer.seconds for answer in healthy])}")
    print(f"Approvals with Redis frozen:    {summary([answer.seconds for answer in frozen])}")
    print(f"/healthz with Redis frozen: {health.status} in {health.seconds:.2f}s; /metrics: {metrics.seconds:.2f}s")
    assert [answer.status for answer in frozen] == [302] * len(frozen), "every approval went through"
    assert max(answer.seconds for answer in frozen) < 2.0
    assert health.status == 503 and '"redis": "unavailable"' in health.body
    assert metrics.status == 200 and "mysteryshop_redis_up 0.0" in metrics.body
    assert Submission.objects.filter(pk__in=reports, status=SubmissionStatus.APPROVED).count() == len(reports)
    marked = Submission.objects.filter(needs_rollup=True).count()
    print(f"Reports marked for a roll-up after the freeze: {marked} of {len(frozen)}")

    # Nothing was lost: the markers wait in PostgreSQL for the sweeper (beat sends it every five minutes).
    send_task(redis_url, "reports.sweep_rollups")
    wait_for(lambda: not Submission.objects.filter(needs_rollup=True).exists(), timeout=120, what="the sweeper")
    assert rollups.differences() == []
