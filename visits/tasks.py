from celery import shared_task

from . import privacy, safety, services


@shared_task(name="visits.send_reminders")
def send_reminders() -> int:
    """Every quarter of an hour: remind volunteers of visits in the next day."""
    return services.send_reminders()


@shared_task(name="visits.follow_up_past_visits")
def follow_up_past_visits() -> list[int]:
    """Hourly: ask for missing reports after a visit, then mark the visit missed."""
    return list(services.follow_up_past_visits())


@shared_task(name="visits.delete_expired_evidence")
def delete_expired_evidence() -> int:
    """Daily: delete evidence photos from visits longer ago than the retention period."""
    return privacy.delete_expired_evidence()


@shared_task(name="visits.check_out_alerts")
def check_out_alerts() -> int:
    """Every five minutes: alert coordinators, once per visit, when a pair has not checked out in time."""
    return safety.raise_check_out_alerts()


@shared_task(name="visits.cancel_held_visits")
def cancel_held_visits() -> int:
    """Every five minutes: cancel in-person visits still short of a volunteer when their deadline comes."""
    return services.cancel_held_visits()
