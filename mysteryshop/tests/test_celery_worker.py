import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import wait_until
from mysteryshop.celery import PUBLISH_TIMEOUT, send_task_on_commit
from mysteryshop.models import WorkerHeartbeat

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.celery_worker
def test_a_real_worker_runs_a_task_sent_after_commit(celery_worker):
    send_task_on_commit("mysteryshop.record_heartbeat", kwargs={"name": "integration-test"})
    beat = wait_until(lambda: WorkerHeartbeat.objects.filter(name="integration-test").first())
    assert beat.seen_at is not None


def test_a_task_is_not_sent_until_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_task_on_commit("mysteryshop.record_heartbeat", kwargs={"name": "later"})
    assert len(callbacks) == 1
    assert not WorkerHeartbeat.objects.filter(name="later").exists()


def test_a_broker_that_is_down_never_breaks_the_saved_work():
    # A separate process, so the broker really is unreachable from the start.
    script = (
        "from django.core.management import call_command; call_command('migrate', verbosity=0)\n"
        "from django.db import transaction\n"
        "from mysteryshop.celery import send_task_on_commit\n"
        "from mysteryshop.models import WorkerHeartbeat\n"
        "from django.utils import timezone\n"
        "with transaction.atomic():\n"
        "    WorkerHeartbeat.objects.create(name='saved', seen_at=timezone.now())\n"
        "    send_task_on_commit('mysteryshop.record_heartbeat', kwargs={'name': 'lost'})\n"
        "    send_task_on_commit('mysteryshop.record_heartbeat', kwargs={'name': 'lost too'})\n"
        "print('saved rows:', WorkerHeartbeat.objects.filter(name='saved').count())\n"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0", "DATABASE_URL": "sqlite:///:memory:"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "saved rows: 1" in result.stdout
    assert "sweeper will pick the work up" in result.stderr
    # After one failure the process leaves the broker alone for a while: the second task is not even tried.
    assert "the broker failed moments ago" in result.stderr
    # Trying the broker is brief, so a request does not hang while Redis is down: one attempt, no retries,
    # with a short socket timeout (a hang would end in the subprocess's timeout, not in a wall-clock guess).
    assert result.stderr.count("Could not send task") == 1
    assert PUBLISH_TIMEOUT <= 2
