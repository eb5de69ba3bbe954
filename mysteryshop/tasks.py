import logging

from celery import shared_task
from celery.signals import task_failure
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import mail
from .models import TaskFailureCount, WorkerHeartbeat

logger = logging.getLogger(__name__)


@task_failure.connect
def count_failure(sender=None, **kwargs) -> None:
    """Count every task that raised, by name, for the metrics page (monitoring only, not business flow)."""
    name, now = getattr(sender, "name", str(sender)), timezone.now()
    try:
        counted = TaskFailureCount.objects.filter(task=name).update(failures=F("failures") + 1, last_failed_at=now)
        if not counted:
            try:
                with transaction.atomic():
                    TaskFailureCount.objects.create(task=name, failures=1, last_failed_at=now)
            except IntegrityError:  # another worker counted the first failure at the same moment
                TaskFailureCount.objects.filter(task=name).update(failures=F("failures") + 1, last_failed_at=now)
    except Exception:
        logger.warning("Could not count the failure of task %s.", name, exc_info=True)


@shared_task(name="mysteryshop.record_heartbeat")
def record_heartbeat(name: str = "worker") -> None:
    """Note that a worker ran a task just now; /healthz reports the age."""
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


@shared_task(name="mysteryshop.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete sessions past their expiry date: Django refuses them but leaves their rows. Safe to run again."""
    from .sessions import SessionStore

    SessionStore.clear_expired()


@shared_task(name="mysteryshop.clear_throttling_records")
def clear_throttling_records() -> int:
    """Hourly: delete failed sign-in counts and password-reset request hashes past their short retention."""
    from .signin import clear_throttling_records

    return clear_throttling_records()


@shared_task(name="mysteryshop.send_email")
def send_email(email_ids: list[int]) -> int:
    """After commit: send these outbox rows, each once (a row another run has claimed is left alone)."""
    return mail.send_outgoing(email_ids)


@shared_task(name="mysteryshop.sweep_email")
def sweep_email() -> int:
    """Every minute: send e-mail whose task was lost, or that is due another try."""
    return mail.sweep()


@shared_task(name="mysteryshop.forget_old_email")
def forget_old_email() -> int:
    """Daily: delete outbox rows sent or given up more than a month ago."""
    return mail.forget_old()
