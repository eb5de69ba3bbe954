from celery import shared_task

from . import services


@shared_task(name="volunteers.anonymise_expired")
def anonymise_expired() -> int:
    """Daily: anonymise people who left or were rejected longer ago than the retention period."""
    return services.anonymise_expired()
