"""The worker's main process killed (SIGKILL) in the middle of roll-ups, five times over."""

from __future__ import annotations

import re
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis as redis_client

from mysteryshop.tests.smtp import free_port
from reports import rollups
from visits.models import Submission

from .conftest import sent_reports, session_key
from .stack import Site, send_task, site_env, start_gunicorn, start_redis, start_worker, wait_for

pytestmark = pytest.mark.faults

REDIS_PORT = 6393
ROUNDS, PER_ROUND = 5, 16


def test_killing_the_workers_main_process_five_times_loses_no_roll_up_once_the_sweeper_has_run(
    database_url, processes, log_dir, tmp_path, collected_static, coordinator
):
    redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    env = site_env(database_url=database_url, redis_url=redis_url, static_root=collected_static, tmp=tmp_path)
    port = free_port()
    processes.append(start_redis(REDIS_PORT, log_dir))
    processes.append(start_gunicorn(env, port, log_dir))
    reports = sent_reports(ROUNDS * PER_ROUND, coordinator=coordinator, contact_points=2, days=21)
    site = Site(port, session_key(coordinator))
    broker = redis_client.Redis.from_url(redis_url, socket_timeout=2)

    for round_number in range(ROUNDS):
        batch = reports[round_number * PER_ROUND : (round_number + 1) * PER_ROUND]
        with ThreadPoolExecutor(max_workers=4) as pool:
            assert set(pool.map(lambda pk: site.post(f"/visits/reports/{pk}/approve/").status, batch)) == {302}
        worker = start_worker(env, f"worker-{round_number}", log_dir)
        processes.append(worker)
        # Kill the main process once it has finished a few of this round's tasks, with more under way and to come.
        worker.wait_for_log(r"(?s)(Task reports\.rollup_submission\[[^]]+\] succeeded.*){3}", timeout=60)
        worker.signal(signal.SIGKILL)
        # Its pool processes notice that their parent is gone and stop (within three seconds, seen in the
        # output); any still there are killed, as systemd's KillMode=control-group would.
        try:
            wait_for(lambda worker=worker: not worker.group_alive(), timeout=3, what="the orphans to stop")
            orphans = False
        except AssertionError:
            orphans = True
        worker.signal_group(signal.SIGKILL)
        wait_for(lambda worker=worker: not worker.group_alive(), timeout=30, what="the pool processes to stop")
        done = len(re.findall(r"Task reports\.rollup_submission\[[^]]+\] succeeded", worker.log()))
        print(
            f"\nRound {round_number + 1}: {len(batch)} approved, {done} rolled up before the kill "
            f"({'its pool processes outlived it' if orphans else 'its pool processes stopped with it'}); "
            f"{Submission.objects.filter(needs_rollup=True).count()} marked in all; "
            f"queued {broker.llen('celery')}, taken but unacknowledged {broker.hlen('unacked')}"
        )

    marked = Submission.objects.filter(needs_rollup=True).count()
    assert marked > 0, "the kills left work undone (else this test tests nothing)"
    # A new worker, and the sweeper (beat sends it every five minutes) rolls up whatever is marked.
    processes.append(start_worker(env, "worker-after", log_dir))
    send_task(redis_url, "reports.sweep_rollups")
    wait_for(lambda: not Submission.objects.filter(needs_rollup=True).exists(), timeout=180, what="the sweeper")
    print(f"After the sweeper: {marked} marked reports rolled up; differences from a full recompute: 0")
    assert rollups.differences() == []
