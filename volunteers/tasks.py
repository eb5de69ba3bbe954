from celery import shared_task

from . import services


@shared_task(name="volunteers.anonymise_expired")
def anonymise_expired() -> int:
    """Daily: anonymise people who left, or were turned down, longer ago than their retention period."""
    return services.anonymise_expired()


@shared_task(name="volunteers.delete_expired_receipts")
def delete_expired_receipts() -> int:
    """Daily: delete receipt files whose claim was decided longer ago than the retention period."""
    return services.delete_expired_receipts()


@shared_task(name="volunteers.forget_application_addresses")
def forget_application_addresses() -> int:
    """Hourly: blank the hashed client addresses on applications once they no longer throttle anything."""
    return services.forget_application_addresses()
