"""The Celery app, and the one way the project sends a task."""

from __future__ import annotations

import logging
import os

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysteryshop.settings")

app = Celery("mysteryshop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def send_task_on_commit(name: str, *, args: list | None = None, kwargs: dict | None = None) -> None:
    """Send a task by name once the current transaction commits.

    The task never runs before its data exists, and a broker that is down never
    undoes the work the request already saved: the failure is logged and the
    sweeper that owns the task picks the work up later.
    """

    def send() -> None:
        try:
            if app.conf.task_always_eager:
                # send_task ignores eager mode; the embedded site runs the task here. A web process has
                # not imported the apps' tasks modules (only a worker does at start), so import them first.
                if name not in app.tasks:
                    app.loader.import_default_modules()
                app.tasks[name].apply(args=args or [], kwargs=kwargs or {}, throw=True)
            else:
                app.send_task(name, args=args or [], kwargs=kwargs or {})
        except Exception:
            logger.warning("Could not send task %s; its sweeper will pick the work up.", name, exc_info=True)

    transaction.on_commit(send)
