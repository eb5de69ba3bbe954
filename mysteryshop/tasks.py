from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


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
