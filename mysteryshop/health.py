"""Checks behind /healthz. Each returns "ok" or a short, secret-free reason."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import WorkerHeartbeat


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return "unavailable"
    return "ok"


def redis_state() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception:
        return "unavailable"
    return "ok"


def worker_last_seen_seconds() -> int | None:
    """Seconds since a worker last ran the heartbeat task, or None if never."""
    try:
        beat = WorkerHeartbeat.objects.filter(name="worker").first()
    except Exception:
        return None
    if beat is None:
        return None
    return int((timezone.now() - beat.seen_at).total_seconds())
