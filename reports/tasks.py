from celery import shared_task

from . import findings, rollups


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
