"""The metrics page: Prometheus figures for monitoring, behind a token, never for people's sessions."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from mysteryshop import mail, tasks
from mysteryshop.models import OutgoingEmail, TaskFailureCount

BASE_DIR = Path(__file__).resolve().parents[2]
TOKEN = "a-monitoring-token-of-more-than-32-characters"


@pytest.fixture
def token(settings):
    settings.MYSTERYSHOP_METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client, token=TOKEN):
    return client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {token}")


def value(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    assert match, f"{name}{labels} is not in the metrics"
    return float(match.group(1))


def test_without_the_token_everyone_is_refused_and_learns_nothing(client, client_for, token, commissioner):
    for response in (
        client.get(reverse("metrics")),
        scrape(client, token="a-monitoring-token-of-more-than-32-but-wrong"),
        client_for(commissioner).get(reverse("metrics")),
    ):
        assert response.status_code == 403
        assert "mysteryshop_" not in response.content.decode()


def test_with_no_token_configured_nobody_gets_in(client, db, settings):
    settings.MYSTERYSHOP_METRICS_TOKEN = ""
    assert scrape(client, token="").status_code == 403


def test_the_monitoring_server_reads_the_state_of_the_background_work(client, token, coordinator):
    from reports.models import Finding
    from reports.tests.test_findings import raise_it
    from reports.tests.test_rollups import approved_report

    approved_report(coordinator)  # marked for a roll-up, its task not run
    finding = raise_it(coordinator)
    Finding.objects.filter(pk=finding.pk).update(response_due=timezone.localdate() - timedelta(days=1))
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    text = scrape(client).content.decode()
    assert value(text, "mysteryshop_rollup_backlog_reports") == 1
    assert value(text, "mysteryshop_findings_overdue") == 1
    assert value(text, "mysteryshop_safety_alerts_open") == 0
    assert value(text, "mysteryshop_email_oldest_unsent_seconds") >= 600
    assert value(text, "mysteryshop_email_unsent") >= 1
    assert value(text, "mysteryshop_database_up") == 1
    assert value(text, "mysteryshop_redis_up") == 1
    assert value(text, "mysteryshop_celery_queue_length", '{queue="celery"}') >= 0
    assert value(text, "mysteryshop_metrics_unreadable") == 0
    mail.send_outgoing(OutgoingEmail.objects.values_list("pk", flat=True))
    assert value(scrape(client).content.decode(), "mysteryshop_email_oldest_unsent_seconds") == 0


def test_request_latency_is_counted_by_view(client, token):
    client.get(reverse("healthz"))
    text = scrape(client).content.decode()
    assert (
        value(text, "django_http_requests_latency_seconds_by_view_method_count", '{method="GET",view="healthz"}') >= 1
    )


def test_a_task_that_fails_is_counted(db, token, client):
    result = tasks.send_email.apply(args=[["not a number"]], throw=False)
    assert result.failed()
    assert TaskFailureCount.objects.get(task="mysteryshop.send_email").failures == 1
    text = scrape(client).content.decode()
    assert value(text, "mysteryshop_celery_task_failures_total", '{task="mysteryshop.send_email"}') == 1


def test_a_short_token_stops_start_up():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR, env={"PATH": "/usr/bin:/bin", "MYSTERYSHOP_METRICS_TOKEN": "short"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "MYSTERYSHOP_METRICS_TOKEN must be at least 32 characters" in result.stderr
