"""Roll-up tasks for the same contact point and period, run at once by a worker of concurrency 2."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from mysteryshop.models import TaskFailureCount
from mysteryshop.tests.smtp import free_port
from reports import rollups
from visits.models import Submission, SubmissionStatus

from .conftest import sent_reports, session_key
from .stack import Site, queue_is_idle, site_env, start_gunicorn, start_redis, start_worker, summary, wait_for

pytestmark = pytest.mark.faults

REDIS_PORT = 6392
APPROVALS = 200


def test_200_approvals_with_worker_concurrency_2_give_no_task_errors_and_exact_roll_ups(
    database_url, processes, log_dir, tmp_path, collected_static, coordinator
):
    redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    env = site_env(database_url=database_url, redis_url=redis_url, static_root=collected_static, tmp=tmp_path)
    port = free_port()
    processes.append(start_redis(REDIS_PORT, log_dir))
    processes.append(start_gunicorn(env, port, log_dir))
    worker = start_worker(env, "worker", log_dir, concurrency=2)
    processes.append(worker)
    # Two contact points over three weeks: every approval shares its month and quarter with about a hundred others.
    reports = sent_reports(APPROVALS, coordinator=coordinator, contact_points=2, days=21)
    site = Site(port, session_key(coordinator))

    # Four coordinators' browsers at once, so tasks for the same slices queue up together.
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda pk: site.post(f"/visits/reports/{pk}/approve/"), reports))
    assert [answer.status for answer in answers] == [302] * APPROVALS
    assert Submission.objects.filter(pk__in=reports, status=SubmissionStatus.APPROVED).count() == APPROVALS

    # Each approval sent one task; wait until the worker has finished all of them, one way or the other.
    finished = r"Task reports\.rollup_submission\[[^]]+\] (succeeded|raised)"
    wait_for(
        lambda: len(re.findall(finished, worker.log())) >= APPROVALS, timeout=300, interval=0.5,
        what="every roll-up task to finish",
    )  # fmt: skip
    wait_for(lambda: queue_is_idle(redis_url), timeout=30, what="the queue to empty")
    log = worker.log()
    succeeded = len(re.findall(r"Task reports\.rollup_submission\[[^]]+\] succeeded", log))
    errors = len(re.findall(r"ERROR/|Traceback|IntegrityError", log))
    print(f"\n{APPROVALS} approvals: {summary([answer.seconds for answer in answers])}")
    print(f"Roll-up tasks succeeded: {succeeded}; task errors in the worker's log: {errors}")
    assert errors == 0, re.findall(r".*(?:ERROR/|IntegrityError).*", log)[:5]
    assert succeeded == APPROVALS
    assert not Submission.objects.filter(needs_rollup=True).exists(), "every report rolled up by its own task"
    assert not TaskFailureCount.objects.exists()
    assert rollups.differences() == []
