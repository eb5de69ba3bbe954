"""Prometheus metrics for the people who run the site, at /metrics with a bearer token.

Two kinds:
- Counted as requests are served, by django-prometheus' middleware (request latency by
  view, responses by status). Under gunicorn each worker process keeps its own counts in
  files in PROMETHEUS_MULTIPROC_DIR (set by `gunicorn.conf.py`) and a scrape adds them up.
- Read from PostgreSQL and Redis at each scrape: the state of the background work. Each
  app declares its own in its `metrics.py` with `@register`, found at start-up like admin
  modules, so this module never imports the apps above it.

The figures say how much work is waiting and whether visits are under way (open safety
alerts, reports waiting to roll up): the force must never see them, so the page needs
MYSTERYSHOP_METRICS_TOKEN and is refused to everyone (signed in or not) without it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable

import redis
from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from .celery import app
from .models import OutgoingEmail, OutgoingEmailStatus, TaskFailureCount, WorkerHeartbeat

logger = logging.getLogger(__name__)

Collect = Callable[[], Iterable[Metric]]
_collectors: list[Collect] = []


def register(collect: Collect) -> Collect:
    """Add a function that yields metrics read at each scrape (use as a decorator in an app's metrics.py)."""
    if collect not in _collectors:
        _collectors.append(collect)
    return collect


def discover() -> None:
    """Import every installed app's metrics module, so each registers its own (called once at start-up)."""
    autodiscover_modules("metrics")


def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class _Scraped:
    """A collector that reads the registered functions at scrape time; one that fails is left out and counted."""

    def collect(self):
        failed = 0
        for collect in _collectors:
            try:
                yield from list(collect())
            except Exception:
                failed += 1
                logger.warning("A metric could not be read (%s).", collect.__qualname__, exc_info=True)
        yield gauge("mysteryshop_metrics_unreadable", "Metric functions that failed in this scrape.", failed)


def latest() -> bytes:
    """The text Prometheus reads: every metric of every web process, and the scraped ones."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    scraped = CollectorRegistry()
    scraped.register(_Scraped())
    return generate_latest(registry) + generate_latest(scraped)


# --- This app's metrics -------------------------------------------------------------------------


@register
def database_and_workers():
    try:
        beat = WorkerHeartbeat.objects.filter(name="worker").first()
    except Exception:
        yield gauge("mysteryshop_database_up", "1 if PostgreSQL answered this scrape.", 0)
        return
    yield gauge("mysteryshop_database_up", "1 if PostgreSQL answered this scrape.", 1)
    age = (timezone.now() - beat.seen_at).total_seconds() if beat else float("nan")
    yield gauge(
        "mysteryshop_worker_last_seen_seconds", "Seconds since a Celery worker last ran the heartbeat task.", age
    )
    failures = CounterMetricFamily(
        "mysteryshop_celery_task_failures", "Celery tasks that raised an error, by task.", labels=["task"]
    )
    for task, count in TaskFailureCount.objects.values_list("task", "failures"):
        failures.add_metric([task], count)
    yield failures


@register
def email():
    waiting = Q(status__in=(OutgoingEmailStatus.PENDING, OutgoingEmailStatus.SENDING))
    oldest = OutgoingEmail.objects.filter(waiting).aggregate(oldest=Min("created_at"))["oldest"]
    yield gauge(
        "mysteryshop_email_oldest_unsent_seconds",
        "Age of the oldest e-mail the mail server has not yet taken (0 when none waits).",
        (timezone.now() - oldest).total_seconds() if oldest else 0,
    )
    yield gauge(
        "mysteryshop_email_unsent", "E-mails waiting to be sent.", OutgoingEmail.objects.filter(waiting).count()
    )
    yield gauge(
        "mysteryshop_email_failed",
        "E-mails given up in the last month (refused for good, or unsent for MYSTERYSHOP_EMAIL_GIVE_UP_HOURS).",
        OutgoingEmail.objects.filter(status=OutgoingEmailStatus.FAILED).count(),
    )


@register
def queue():
    """Tasks waiting in Redis, read with a one-second timeout so a frozen Redis never holds the scrape."""
    if not settings.REDIS_URL:
        return
    names = sorted({app.conf.task_default_queue, "celery"})
    try:
        client = redis.Redis.from_url(app.conf.broker_url, socket_connect_timeout=1, socket_timeout=1)
        lengths = [client.llen(name) for name in names]
        # Taken by a worker and not yet acknowledged: running, or lost with a worker that died
        # (back on the queue after the visibility timeout).
        unacknowledged = client.hlen("unacked")
    except Exception:
        yield gauge("mysteryshop_redis_up", "1 if Redis answered this scrape.", 0)
        return
    yield gauge("mysteryshop_redis_up", "1 if Redis answered this scrape.", 1)
    family = GaugeMetricFamily("mysteryshop_celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"])
    for name, length in zip(names, lengths, strict=True):
        family.add_metric([name], length)
    yield family
    yield gauge(
        "mysteryshop_celery_tasks_unacknowledged",
        "Tasks a worker has taken and not finished (running, or lost with a worker until the visibility timeout).",
        unacknowledged,
    )
