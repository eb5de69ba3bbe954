import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from mysteryshop.celery import app

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-real-production-secret-key-with-plenty-of-entropy-4c9f2a7e1b3d5f60",
    "DJANGO_ALLOWED_HOSTS": "mysteryshop.opcc.example",
    "MYSTERYSHOP_SITE_URL": "https://mysteryshop.opcc.example",
}


def _manage(*args, extra_env):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**env, **extra_env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_celery_is_configured_not_to_lose_work():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.result_serializer == "json"
    # Redis re-delivers unacknowledged tasks after the visibility timeout: it
    # must outlast the longest a task may run.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    # ...and be short enough that a task lost with a killed worker runs again within the quarter hour.
    assert conf.broker_transport_options["visibility_timeout"] <= 15 * 60


def test_tasks_run_in_process_only_without_redis():
    assert app.conf.task_always_eager is (not settings.REDIS_URL)


def test_production_settings_pass_the_deployment_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", extra_env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deployment_check_asks_for_the_sites_address():
    without = {key: value for key, value in PRODUCTION_ENV.items() if key != "MYSTERYSHOP_SITE_URL"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", extra_env=without)
    assert result.returncode != 0
    assert "MYSTERYSHOP_SITE_URL is not set" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", extra_env={"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_malformed_yes_no_value_stops_start_up():
    result = _manage("check", extra_env={"DJANGO_DEBUG": "flase"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG='flase' is not a yes/no value" in result.stderr


def test_seed_demo_is_refused_with_debug_off():
    result = _manage("seed_demo", extra_env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode != 0
    assert "Refusing to load demo data" in result.stderr


def test_collectstatic_works_with_production_settings(tmp_path):
    """`make up` collects static files with DJANGO_DEBUG=0, where whitenoise's manifest storage
    refuses a file that names another file (a source map, an image) that is not there."""
    result = _manage("collectstatic", "--noinput", extra_env={**PRODUCTION_ENV, "DJANGO_STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/chartjs/chart.umd.min.js" in manifest and "vendor/bootstrap/bootstrap.min.css" in manifest
