"""Metrics of the results read at each scrape (see mysteryshop.metrics)."""

from django.utils import timezone

from mysteryshop.metrics import gauge, register
from visits.models import Submission

from .models import Finding, GeneratedReport, GenerationStatus


@register
def results():
    yield gauge(
        "mysteryshop_rollup_backlog_reports",
        "Reports still marked for a roll-up (their task is waiting, running or lost; the sweeper runs every 5 minutes).",
        Submission.objects.filter(needs_rollup=True).count(),
    )
    yield gauge(
        "mysteryshop_findings_overdue",
        "Findings whose response from the force is overdue.",
        Finding.objects.overdue(timezone.localdate()).count(),
    )
    yield gauge(
        "mysteryshop_generated_reports_failed",
        "Scrutiny and panel reports that failed to be made and have not been made since.",
        GeneratedReport.objects.filter(status=GenerationStatus.FAILED).count(),
    )
