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
from django.utils.translation import gettext

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
    return gettext("the oldest sent %(time)s ago") % {"time": timesince(moment, now, depth=1)} if moment else ""


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
        Need("alerts", gettext("Safety alerts open"), alerts, "#safety-alerts",
             gettext("a pair did not both check out in time"), urgent=True),
        Need("held", gettext("Visits short of a volunteer"), held, f"{visits}?show=short",
             gettext("nobody goes in person alone"), urgent=True),
        Need("waiting", gettext("Reports waiting for review"), reports["waiting"], reverse("visits:review-queue"),
             _ago(reports["oldest"], now)),
        Need("returned", gettext("Reports returned and not yet sent again"), reports["returned"], "",
             gettext("waiting for the volunteer")),
        Need("unbooked", gettext("Visits in the next %(days)s days not fully booked") % {"days": BOOKING_HORIZON_DAYS},
             short["count"], visits,
             gettext("%(count)s after a volunteer declined") % {"count": short["declined"]} if short["declined"] else ""),
        Need("applications", gettext("Applications to screen"), people["applied"] + people["screening"],
             f"{reverse('volunteers:volunteer-list')}?status={Status.APPLIED}",
             gettext("%(new)s new, %(screening)s in screening") % {"new": people["applied"], "screening": people["screening"]}
             if people["screening"] else ""),
        Need("claims", gettext("Expense claims to decide"), claims["count"], reverse("volunteers:expense-list"),
             gettext("%(amount)s in all") % {"amount": pounds(claims["pence"])} if claims["count"] else ""),
        Need("responses", gettext("Force responses to findings to read"), findings["to_read"],
             f"{reverse('reports:finding-list')}?show={FindingStatus.RESPONDED}"),
        Need("findings_overdue", gettext("Findings the force has not answered on time"), findings["overdue"],
             f"{reverse('reports:finding-list')}?show=overdue"),
        Need("appeals", gettext("Appeals to decide"), appeals["open"], f"{reverse('reports:appeal-list')}?show={AppealStatus.OPEN}",
             gettext("%(count)s past the date to decide by") % {"count": appeals["overdue"]} if appeals["overdue"] else "",
             urgent=bool(appeals["overdue"])),
    ]  # fmt: skip
    return {need.key: need for need in needs}
