"""What needs a coordinator: the counts on their home page, each with where to act on it.

One query per kind of work whatever the numbers (aggregates, never a loop over rows), so the home
page stays as quick with a thousand reports waiting as with none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from visits.models import Assignment, SafetyAlert, Submission, SubmissionStatus, Visit
from volunteers.models import ExpenseClaim, ExpenseItem, Status, Volunteer, pounds

from .models import Appeal, AppealStatus, Finding, FindingStatus

# How far ahead a visit short of volunteers needs booking now.
BOOKING_HORIZON_DAYS = 14


@dataclass(frozen=True)
class Need:
    """One kind of work: how many, a few words more, and the page where it is done."""

    key: str
    label: str
    count: int
    url: str
    detail: str = ""
    urgent: bool = False


def _ago(moment: datetime | None, now: datetime) -> str:
    return f"the oldest sent {timesince(moment, now, depth=1)} ago" if moment else ""


def open_safety_alerts():
    return (
        SafetyAlert.objects.filter(resolved_at__isnull=True)
        .select_related("visit__contact_point")
        .order_by("raised_at")
    )


def coordinator_needs(now: datetime | None = None) -> dict[str, Need]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    reports = Submission.objects.filter(practice=False).aggregate(
        waiting=Count("pk", filter=Q(status=SubmissionStatus.SUBMITTED)),
        oldest=Min("submitted_at", filter=Q(status=SubmissionStatus.SUBMITTED)),
        returned=Count("pk", filter=Q(status=SubmissionStatus.RETURNED)),
    )
    people = Volunteer.objects.aggregate(
        applied=Count("pk", filter=Q(status=Status.APPLIED)), screening=Count("pk", filter=Q(status=Status.SCREENING))
    )
    claims = ExpenseItem.objects.filter(claim__state=ExpenseClaim.State.SUBMITTED).aggregate(
        count=Count("claim", distinct=True), pence=Coalesce(Sum("amount_pence"), 0)
    )
    declined = Assignment.objects.filter(visit=OuterRef("pk"), declined_at__isnull=False)
    short = (
        Visit.objects.open()
        .filter(starts_at__gte=now, starts_at__lt=now + timedelta(days=BOOKING_HORIZON_DAYS))
        .with_booked()
        .filter(booked__lt=F("scenario__volunteers_needed"))
        .annotate(was_declined=Exists(declined))
        .aggregate(count=Count("pk"), declined=Count("pk", filter=Q(was_declined=True)))
    )
    findings = Finding.objects.aggregate(
        to_read=Count("pk", filter=Q(status=FindingStatus.RESPONDED)),
        overdue=Count("pk", filter=Q(pk__in=Finding.objects.overdue(today).values("pk"))),
    )
    appeals = Appeal.objects.aggregate(
        open=Count("pk", filter=Q(status=AppealStatus.OPEN)),
        overdue=Count("pk", filter=Q(pk__in=Appeal.objects.overdue(today).values("pk"))),
    )
    alerts = open_safety_alerts().count()
    held = Visit.objects.held().count()

    visits = reverse("visits:visit-list")
    needs = [
        Need("alerts", "Safety alerts open", alerts, "#safety-alerts", "a pair did not both check out in time",
             urgent=True),
        Need("held", "Visits short of a volunteer", held, f"{visits}?show=short", "nobody goes in person alone", urgent=True),
        Need("waiting", "Reports waiting for review", reports["waiting"], reverse("visits:review-queue"),
             _ago(reports["oldest"], now)),
        Need("returned", "Reports returned and not yet sent again", reports["returned"], "", "waiting for the volunteer"),
        Need("unbooked", f"Visits in the next {BOOKING_HORIZON_DAYS} days not fully booked", short["count"], visits,
             f"{short['declined']} after a volunteer declined" if short["declined"] else ""),
        Need("applications", "Applications to screen", people["applied"] + people["screening"],
             f"{reverse('volunteers:volunteer-list')}?status={Status.APPLIED}",
             f"{people['applied']} new, {people['screening']} in screening" if people["screening"] else ""),
        Need("claims", "Expense claims to decide", claims["count"], reverse("volunteers:expense-list"),
             f"{pounds(claims['pence'])} in all" if claims["count"] else ""),
        Need("responses", "Force responses to findings to read", findings["to_read"], f"{reverse('reports:finding-list')}?show="
             f"{FindingStatus.RESPONDED}"),
        Need("findings_overdue", "Findings the force has not answered on time", findings["overdue"],
             f"{reverse('reports:finding-list')}?show=overdue"),
        Need("appeals", "Appeals to decide", appeals["open"], f"{reverse('reports:appeal-list')}?show={AppealStatus.OPEN}",
             f"{appeals['overdue']} past the date to decide by" if appeals["overdue"] else "",
             urgent=bool(appeals["overdue"])),
    ]  # fmt: skip
    return {need.key: need for need in needs}
