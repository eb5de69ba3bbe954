"""Re-tests of findings: checking, with a visit as secret as any other, that what the force fixed stays fixed.

Once the OPCC accepts the force's response to a finding about one contact point,
a coordinator may schedule a verification visit: the same kind of visit (one of
the scenarios the finding's reports used, or another for the same channel) at the
same contact point, in the next quarter. It is an ordinary visit of the schedule,
so the force learns nothing of it: no e-mail, no line in the finding's history,
nothing on the force's pages. Its result — fixed, partly fixed or not fixed — is
decided by a coordinator from the re-test's approved report, with a suggestion
worked out from the questions the finding's reports failed; the force and the
public see the result only once the quarter of the visit is released.

Every closed finding is also due a review a year after closing: a daily task
reminds coordinators once per finding (`send_review_reminders`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from mysteryshop.mail import send_email
from mysteryshop.roles import Role
from scenarios.models import Scenario
from visits import services as visit_services
from visits.models import Answer, QuarterPlan, Submission
from visits.planning import quarter_bounds

from .models import Finding, FindingStatus, PeriodKind, Retest, RetestResult
from .rollups import period_start
from .services import is_released, released_quarters

RETESTABLE = (FindingStatus.ACCEPTED, FindingStatus.CLOSED)


def next_quarter(today: date) -> tuple[int, int, date, date]:
    """Year, quarter, first and last day of the quarter after the one `today` is in."""
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year + 1, 1) if quarter == 4 else (today.year, quarter + 1)
    first, last = quarter_bounds(year, quarter)
    return year, quarter, first, last


def can_schedule(finding: Finding) -> bool:
    return (
        finding.status in RETESTABLE
        and finding.contact_point_id is not None
        and not Retest.objects.filter(finding=finding).exists()
    )


def retest_scenarios(finding: Finding) -> QuerySet[Scenario]:
    """Approved scenarios for the finding's contact point's channel, those its cited reports used first."""
    return Scenario.objects.approved().filter(channel=finding.contact_point.channel).order_by("title", "pk")


def usual_scenario(finding: Finding) -> Scenario | None:
    """The scenario of the finding's latest cited report, if it may still be scheduled: "the same kind of visit"."""
    cited = (
        finding.cited_reports.filter(assignment__visit__scenario__in=retest_scenarios(finding))
        .order_by("-assignment__visit__starts_at")
        .values_list("assignment__visit__scenario", flat=True)
        .first()
    )
    return Scenario.objects.filter(pk=cited).first() if cited else None


def outside_next_quarter(first: date, last: date) -> str:
    """The refusal of a re-test day outside the next quarter."""
    return gettext("Choose a day in the next quarter: %(first)s to %(last)s.") % {
        "first": date_format(first, "j F"),
        "last": date_format(last, "j F Y"),
    }


@transaction.atomic
def schedule_retest(*, finding: Finding, by, scenario: Scenario, starts_at, ends_at) -> Retest:
    """Plan the verification visit for an accepted (or closed) finding, next quarter, at its contact point.

    The visit joins next quarter's confirmed plan if there is one. Nothing is sent to the force and
    nothing is written to the finding's history, which the force reads.
    """
    finding = Finding.objects.select_for_update(of=("self",)).select_related("contact_point").get(pk=finding.pk)
    if finding.status not in RETESTABLE:
        raise ValidationError(gettext("A re-test is planned once the OPCC has accepted the force's response."))
    if finding.contact_point_id is None:
        raise ValidationError(gettext("Only a finding about one contact point can be re-tested."))
    if Retest.objects.filter(finding=finding).exists():
        raise ValidationError(gettext("A re-test of this finding is already planned."))
    year, quarter, first, last = next_quarter(timezone.localdate())
    if not first <= timezone.localtime(starts_at).date() <= last:
        raise ValidationError(outside_next_quarter(first, last))
    plan = QuarterPlan.objects.filter(year=year, quarter=quarter, state=QuarterPlan.State.CONFIRMED).first()
    visit = visit_services.create_visit(
        scenario=scenario, contact_point=finding.contact_point, starts_at=starts_at, ends_at=ends_at, by=by, plan=plan
    )
    return Retest.objects.create(finding=finding, visit=visit, scheduled_by=by)


def retest_reports(retest: Retest) -> QuerySet[Submission]:
    return Submission.objects.in_results().filter(assignment__visit=retest.visit_id)


@dataclass(frozen=True)
class Suggestion:
    """The result the questions point to, and why, for the coordinator to confirm or change."""

    result: str
    lines: list[tuple[str, str]]  # question, what the re-test found

    @property
    def label(self) -> str:
        return RetestResult(self.result).label if self.result else ""


def suggested_result(retest: Retest) -> Suggestion | None:
    """From the questions the finding's cited reports failed, how the re-test's approved reports answered them.

    All now met: fixed; none: not fixed; some: partly fixed. Questions are matched by their
    wording, so a newer questionnaire version still compares. None until a re-test report is approved.
    """
    reports = list(retest_reports(retest))
    if not reports:
        return None
    failed = set(
        Answer.objects.filter(submission__in=retest.finding.cited_reports.all(), meets=False).values_list(
            "question__label", flat=True
        )
    )
    now = {}
    for label, meets in Answer.objects.filter(submission__in=reports, meets__isnull=False).values_list(
        "question__label", "meets"
    ):
        now[label] = now.get(label, True) and meets
    compared = sorted(label for label in failed if label in now)
    lines = [(label, gettext("Now met") if now[label] else gettext("Still not met")) for label in compared]
    if not compared:
        return Suggestion("", lines)
    met = sum(now[label] for label in compared)
    result = RetestResult.FIXED if met == len(compared) else RetestResult.NOT_FIXED if met == 0 else RetestResult.PARTLY
    return Suggestion(result, lines)


@transaction.atomic
def record_retest_result(*, retest: Retest, by, result: str, note: str = "") -> Retest:
    """A coordinator decides what the re-test found, once its report is approved. It can be changed later."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied("Only coordinators decide a re-test's result.")
    retest = Retest.objects.select_for_update().get(pk=retest.pk)
    if not retest_reports(retest).exists():
        raise ValidationError(gettext("Decide the result once a report of the re-test visit is approved."))
    if result not in RetestResult.values:
        raise ValidationError(gettext("Choose fixed, partly fixed or not fixed."))
    retest.result, retest.result_note = result, (note or "").strip()
    retest.decided_by, retest.decided_at = by, timezone.now()
    retest.save(update_fields=["result", "result_note", "decided_by", "decided_at"])
    return retest


def released_result(finding: Finding) -> Retest | None:
    """The finding's re-test as the force and the public may know of it: decided, and in a released quarter.

    Until then it does not exist for them, planned or done.
    """
    retest = Retest.objects.filter(finding=finding).exclude(result="").select_related("visit").first()
    if retest is None or not is_released(timezone.localtime(retest.visit.starts_at).date()):
        return None
    return retest


def released_results(findings: list[Finding]) -> dict[int, Retest]:
    """`released_result` for many findings, in two queries: by finding id."""
    quarters = set(released_quarters())
    retests = Retest.objects.filter(finding__in=findings).exclude(result="").select_related("visit")
    return {
        retest.finding_id: retest
        for retest in retests
        if period_start(PeriodKind.QUARTER, timezone.localtime(retest.visit.starts_at).date()) in quarters
    }


# --- A year on: the review reminder ------------------------------------------------------


def reviews_due(now=None) -> QuerySet[Finding]:
    """Closed findings a year (or more) after closing."""
    now = now or timezone.now()
    return Finding.objects.filter(
        status=FindingStatus.CLOSED, closed_at__lte=now - timedelta(days=settings.MYSTERYSHOP_FINDING_REVIEW_DAYS)
    )


def send_review_reminders() -> int:
    """Daily: remind coordinators, through the outbox, of each closed finding due its yearly review.

    Each finding is claimed with a conditional update before anything is sent, so
    however often (or concurrently) the task runs, each finding is reminded once.
    The coordinator's home lists the findings reminded in the past month.
    """
    now = timezone.now()
    claimed = []
    with transaction.atomic():
        for finding in reviews_due(now).filter(review_reminded_at__isnull=True).order_by("closed_at", "pk"):
            if Finding.objects.filter(pk=finding.pk, review_reminded_at__isnull=True).update(review_reminded_at=now):
                claimed.append(finding)
        if claimed:
            coordinators = (
                get_user_model()
                .objects.filter(is_active=True, groups__name=Role.COORDINATOR)
                .exclude(email="")
                .distinct()
            )
            for user in coordinators:
                send_email(
                    to=user.email,
                    subject=gettext_lazy("Findings due their yearly review"),
                    template="reports/email/findings_review_due.txt",
                    context={"user": user, "findings": claimed},
                )
    return len(claimed)


def reviews_on_home(now=None) -> QuerySet[Finding]:
    """For the coordinator's home: findings whose yearly review was due in the past month."""
    now = now or timezone.now()
    return (
        Finding.objects.filter(review_reminded_at__gte=now - timedelta(days=31))
        .select_related("contact_point")
        .order_by("closed_at", "pk")
    )
