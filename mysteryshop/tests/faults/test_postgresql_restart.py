"""PostgreSQL restarted under load: requests fail cleanly while it is down, and everything recovers by itself.

The test makes its own throwaway cluster (pg_createcluster, port 5439) and drops it afterwards: the
shared cluster on 5432 is never stopped.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

import psycopg2
import pytest
from django.db import connection

from conftest import REQUIRE_SERVICES
from mysteryshop.tests.smtp import free_port

from .conftest import sent_reports, session_key
from .stack import Site, send_task, site_env, start_gunicorn, start_redis, start_worker, summary, wait_for

pytestmark = pytest.mark.faults

REDIS_PORT, CLUSTER_PORT, CLUSTER = 6396, 5439, "mysteryshop_faults"
DATABASE = "mysteryshop"


def cluster_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603


@pytest.fixture
def throwaway_cluster(services_needed):
    """A PostgreSQL cluster of the shared server's version on port 5439, with an empty database; dropped after."""
    if not shutil.which("pg_createcluster"):
        if REQUIRE_SERVICES:
            pytest.fail("The PostgreSQL restart test needs Debian's postgresql-common (pg_createcluster).")
        pytest.skip("pg_createcluster is not installed.")
    version = str(connection.pg_version // 10000)
    cluster_command("pg_dropcluster", "--stop", version, CLUSTER)  # left over from an interrupted run
    created = cluster_command(
        "pg_createcluster", version, CLUSTER, "--port", str(CLUSTER_PORT), "--start", "-o", "fsync=off",
        "--", "--auth-host=trust", "--auth-local=trust",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    try:
        cluster_command(
            "createdb", "--host", "127.0.0.1", "--port", str(CLUSTER_PORT), "--username", "postgres", DATABASE
        )
        yield version
    finally:
        dropped = cluster_command("pg_dropcluster", "--stop", version, CLUSTER)
        assert dropped.returncode == 0, dropped.stderr


@dataclass
class Request:
    at: float
    path: str
    status: int | None
    seconds: float
    body: str


def load(person: Site, balancer: Site, stop: threading.Event, seen: list[Request], *, limit: int = 2000) -> None:
    """A coordinator on the review queue and a load balancer on the health check, in turn, until told to
    stop (bounded)."""
    for number in range(limit):
        if stop.is_set():
            return
        site, path = (person, "/visits/reports/") if number % 2 else (balancer, "/healthz")
        started = time.monotonic()
        try:
            answer = site.get(path, timeout=30)
            seen.append(Request(started, path, answer.status, answer.seconds, answer.body[:2000]))
        except OSError as error:  # no answer at all: never expected
            seen.append(Request(started, path, None, time.monotonic() - started, str(error)))
        time.sleep(0.05)


def test_postgresql_restarted_under_load_fails_requests_cleanly_and_all_recovers_without_a_restart(
    throwaway_cluster, database_url, processes, log_dir, tmp_path, collected_static, coordinator
):
    version = throwaway_cluster
    # The site's data, made in the test database, copied into the throwaway cluster.
    reports = sent_reports(4, coordinator=coordinator)
    key = session_key(coordinator)
    dump = tmp_path / "site.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), "--dbname", database_url], check=True)  # noqa: S603, S607
    restore = cluster_command(
        "pg_restore", "--no-owner", "--host", "127.0.0.1", "--port", str(CLUSTER_PORT), "--username", "postgres",
        "--dbname", DATABASE, str(dump),
    )  # fmt: skip
    assert restore.returncode == 0, restore.stderr
    cluster_url = f"postgres://postgres@127.0.0.1:{CLUSTER_PORT}/{DATABASE}"
    redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    env = site_env(database_url=cluster_url, redis_url=redis_url, static_root=collected_static, tmp=tmp_path)
    port = free_port()
    processes.append(start_redis(REDIS_PORT, log_dir))
    gunicorn = start_gunicorn(env, port, log_dir)
    processes.append(gunicorn)
    worker = start_worker(env, "worker", log_dir)
    processes.append(worker)
    site = Site(port, key)

    seen: list[Request] = []
    stop = threading.Event()
    thread = threading.Thread(target=load, args=(site, Site(port), stop, seen), daemon=True)
    thread.start()
    try:
        time.sleep(3)
        stopped_at = time.monotonic()
        assert cluster_command("pg_ctlcluster", version, CLUSTER, "stop", "-m", "fast").returncode == 0
        send_task(redis_url, "mysteryshop.record_heartbeat")  # a task while the database is down
        time.sleep(5)
        assert cluster_command("pg_ctlcluster", version, CLUSTER, "start").returncode == 0
        started_at = time.monotonic()
        wait_for(
            lambda: any(r.at > started_at and r.path == "/visits/reports/" and r.status == 200 for r in seen),
            timeout=60, what="the review queue to come back",
        )  # fmt: skip
        time.sleep(2)
    finally:
        stop.set()
        thread.join(timeout=60)

    before = [r for r in seen if r.at < stopped_at]
    during = [r for r in seen if stopped_at <= r.at < started_at]
    after = [r for r in seen if r.at >= started_at + 0.5]
    print(f"\nBefore the restart: {len(before)} requests, statuses {sorted({r.status for r in before})}")
    print(f"While PostgreSQL was down: {len(during)} requests, statuses {sorted({r.status for r in during})}, "
          f"{summary([r.seconds for r in during])}")  # fmt: skip
    print(f"After it came back: {len(after)} requests, statuses {sorted({r.status for r in after})}")
    assert {r.status for r in before} == {200}
    assert during and {r.status for r in during} <= {200, 503}, "503 while it is down (or 200 just before), never a 500"
    down = [r for r in during if r.status == 503]
    assert down, "some requests saw the database down"
    assert all("Sorry, the service is unavailable" in r.body for r in down if r.path != "/healthz")
    assert all('"database": "unavailable"' in r.body for r in down if r.path == "/healthz")
    assert max(r.seconds for r in during) < 10, "a request fails in seconds, never hangs"
    assert after and {r.status for r in after} == {200}
    # Neither gunicorn nor the worker was restarted: the same processes, no worker of gunicorn's replaced.
    assert gunicorn.running() and worker.running()
    assert gunicorn.log().count("Booting worker") == 2

    # The worker recovered too: an approval made now is rolled up, and the heartbeat runs.
    assert site.post(f"/visits/reports/{reports[0]}/approve/").status == 302
    send_task(redis_url, "mysteryshop.record_heartbeat")
    with psycopg2.connect(cluster_url) as database:

        def rolled_up_and_beating():
            with database.cursor() as cursor:
                cursor.execute("SELECT needs_rollup FROM visits_submission WHERE id = %s", [reports[0]])
                marked = cursor.fetchone()[0]
                cursor.execute("SELECT count(*) FROM mysteryshop_workerheartbeat WHERE name = 'worker'")
                beating = cursor.fetchone()[0]
            database.commit()
            return not marked and beating

        wait_for(rolled_up_and_beating, timeout=60, what="the worker to roll up the approval and beat")
