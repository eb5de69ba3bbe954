from celery import shared_task

from . import services


@shared_task(name="visits.send_reminders")
def send_reminders() -> int:
    """Every quarter of an hour: remind volunteers of visits in the next day."""
    return services.send_reminders()


@shared_task(name="visits.follow_up_past_visits")
def follow_up_past_visits() -> list[int]:
    """Hourly: ask for missing reports after a visit, then mark the visit missed."""
    return list(services.follow_up_past_visits())
