"""The Celery app, and the one way the project sends a task."""

from __future__ import annotations

import logging
import os
import threading
import time

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysteryshop.settings")

app = Celery("mysteryshop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)

# Publishing from a request or a task must never wait on the broker for long. A Redis that is
# frozen (accepting connections, never answering) otherwise holds a publish for the broker's
# socket timeout, times the retries: minutes. So a publish gets its own connection with a
# one-second socket timeout and no retry...
PUBLISH_TIMEOUT = 1.0
# ...and after one fails, this process does not try the broker again for this long: a request
# that sends several tasks waits on a dead broker once at most, and so does the next request.
# Nothing is lost meanwhile: every task sent this way has a sweeper that finds its work in PostgreSQL.
PUBLISH_PAUSE = 30.0

_broker_failed_at: float | None = None
_lock = threading.Lock()


def _broker_paused() -> bool:
    with _lock:
        return _broker_failed_at is not None and time.monotonic() - _broker_failed_at < PUBLISH_PAUSE


def _note_broker_failure(failed: bool) -> None:
    global _broker_failed_at
    with _lock:
        _broker_failed_at = time.monotonic() if failed else None


def publish(name: str, *, args: list | None = None, kwargs: dict | None = None) -> bool:
    """Send a task by name now, waiting on the broker for about a second at most; True if it was sent.

    Never raises: a failure is logged and the sweeper that owns the task picks the work up.
    """
    try:
        if app.conf.task_always_eager:
            # send_task ignores eager mode; the embedded site runs the task here. A web process has
            # not imported the apps' tasks modules (only a worker does at start), so import them first.
            if name not in app.tasks:
                app.loader.import_default_modules()
            app.tasks[name].apply(args=args or [], kwargs=kwargs or {}, throw=True)
            return True
        if _broker_paused():
            logger.warning(
                "Did not send task %s: the broker failed moments ago; its sweeper will pick the work up.", name
            )
            return False
        options = {"socket_timeout": PUBLISH_TIMEOUT, "socket_connect_timeout": PUBLISH_TIMEOUT}
        with app.connection_for_write(transport_options=options, connect_timeout=PUBLISH_TIMEOUT) as connection:
            app.send_task(name, args=args or [], kwargs=kwargs or {}, connection=connection, retry=False)
    except Exception:
        if not app.conf.task_always_eager:
            _note_broker_failure(True)
        logger.warning("Could not send task %s; its sweeper will pick the work up.", name, exc_info=True)
        return False
    _note_broker_failure(False)
    return True


def send_task_on_commit(name: str, *, args: list | None = None, kwargs: dict | None = None) -> None:
    """Send a task by name once the current transaction commits.

    The task never runs before its data exists, and a broker that is down or frozen
    never undoes or holds up the work the request already saved: the publish waits
    about a second at most (`publish`), a failure is logged, and the sweeper that owns
    the task picks the work up later. So every task sent this way must have a sweeper
    that finds its work in PostgreSQL (a marker column, a status, an outbox row).
    """
    transaction.on_commit(lambda: publish(name, args=args, kwargs=kwargs))
