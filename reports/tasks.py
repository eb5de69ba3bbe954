from celery import shared_task

from . import findings, retests, rollups, services


@shared_task(name="reports.rollup_submission")
def rollup_submission(submission_id: int) -> bool:
    """After an approval: recompute the roll-up slices that report touches."""
    return rollups.rollup_submission(submission_id)


@shared_task(name="reports.sweep_rollups")
def sweep_rollups() -> int:
    """Every few minutes: roll up any approved report whose task was lost (broker down, worker killed)."""
    return rollups.sweep()


@shared_task(name="reports.rebuild_rollups")
def rebuild_rollups() -> int:
    """Nightly: rebuild every roll-up from the answers, so nothing derived can drift."""
    return rollups.rebuild()


@shared_task(name="reports.finding_reminders")
def finding_reminders() -> list[int]:
    """Daily: remind the force of responses due soon, and tell the OPCC of overdue ones."""
    return list(findings.send_finding_reminders())


@shared_task(name="reports.finding_review_reminders")
def finding_review_reminders() -> int:
    """Daily: remind coordinators of closed findings due their yearly review, once each."""
    return retests.send_review_reminders()


@shared_task(name="reports.generate_report")
def generate_report(report_id: int) -> bool:
    """Make a requested scrutiny or panel report (its CSV and PDF); a second run changes nothing."""
    return services.generate_report(report_id=report_id)


@shared_task(name="reports.send_scheduled_reports")
def send_scheduled_reports(kind: str) -> int:
    """On the schedule: make the report of the week or quarter just ended and e-mail it to the commissioner."""
    return services.send_scheduled_report(kind=kind).pk


@shared_task(name="reports.sweep_generated_reports")
def sweep_generated_reports() -> int:
    """Every few minutes: make any requested report whose task was lost (broker down, worker killed)."""
    return services.sweep_generated_reports()
