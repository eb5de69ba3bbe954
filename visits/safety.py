"""Volunteers' safety and anonymity: check-in and check-out on in-person visits, the alert when a
pair has not checked out in time, "I think I was recognised", and the mix of people who visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from mysteryshop.mail import send_email
from mysteryshop.roles import Role
from scenarios.models import IN_PERSON_CHANNELS, ContactPoint
from volunteers.models import AGE_BANDS, Disability, Gender

from . import capture
from .models import Assignment, SafetyAlert, Submission, SubmissionEvent, Visit, VisitStatus

# Visits whose check-out deadline passed longer ago than this are not alerted on any more: the
# alert is for the evening of the visit, not for history from before check-in existed.
ALERT_LOOKBACK = timedelta(days=2)


# --- Check-in and check-out -------------------------------------------------------------------


def _own_in_person_assignment(assignment: Assignment, by) -> Assignment:
    assignment = Assignment.objects.select_for_update().select_related("visit__contact_point").get(pk=assignment.pk)
    if assignment.volunteer.user_id != by.pk:
        raise PermissionDenied("This is not your visit.")
    if assignment.declined_at or assignment.visit.status == VisitStatus.CANCELLED:
        raise ValidationError(gettext("There is no visit to check in to."))
    if assignment.visit.contact_point.channel not in IN_PERSON_CHANNELS:
        raise ValidationError(gettext("Checking in and out is only for visits made in person."))
    return assignment


# Checking out stays open this long after the visit's window, for a volunteer who forgot to press
# "I have left"; checking in closes once the travel buffer after the window has passed.
CHECK_OUT_CLOSES_AFTER = timedelta(hours=12)


@dataclass(frozen=True)
class CheckWindow:
    """When a volunteer may check in and out of an in-person visit."""

    opens: datetime
    check_in_closes: datetime
    check_out_closes: datetime

    @classmethod
    def of(cls, visit: Visit) -> CheckWindow:
        buffer = timedelta(minutes=settings.MYSTERYSHOP_BOOKING_BUFFER_MINUTES)
        return cls(
            opens=visit.starts_at - buffer,
            check_in_closes=visit.ends_at + buffer,
            check_out_closes=visit.ends_at + CHECK_OUT_CLOSES_AFTER,
        )

    def may_check_in(self, now: datetime) -> bool:
        return self.opens <= now <= self.check_in_closes

    def may_check_out(self, now: datetime) -> bool:
        return self.opens <= now <= self.check_out_closes


def _when(moment: datetime) -> dict:
    local = timezone.localtime(moment)
    return {"time": date_format(local, "H:i"), "day": date_format(local, "j F")}


def _check_window_open(assignment: Assignment, now: datetime, field: str) -> None:
    window = CheckWindow.of(assignment.visit)
    if now < window.opens:
        raise ValidationError(gettext("You can check in from %(time)s on %(day)s.") % _when(window.opens))
    if field == "checked_in_at":
        if now > window.check_in_closes:
            raise ValidationError(
                gettext("Checking in for this visit closed at %(time)s on %(day)s.") % _when(window.check_in_closes)
            )
        hold = assignment.visit.hold_reason()
        if hold:
            raise ValidationError(hold)
    elif now > window.check_out_closes:
        raise ValidationError(
            gettext(
                "Checking out of this visit closed at %(time)s on %(day)s. "
                "If you need to tell us something about it, please contact the OPCC."
            )
            % _when(window.check_out_closes)
        )


def uses_check_in(assignment: Assignment) -> bool:
    return assignment.visit.contact_point.channel in IN_PERSON_CHANNELS


@transaction.atomic
def check_in(*, assignment: Assignment, by, now: datetime | None = None) -> Assignment:
    """The volunteer has arrived. Pressing twice records the first time only."""
    return _stamp(assignment, by=by, now=now, field="checked_in_at")


@transaction.atomic
def check_out(*, assignment: Assignment, by, now: datetime | None = None) -> Assignment:
    """The volunteer has left and is safe. Pressing twice records the first time only; a volunteer
    who forgot to check in can still check out."""
    return _stamp(assignment, by=by, now=now, field="checked_out_at")


def _stamp(assignment: Assignment, *, by, now: datetime | None, field: str) -> Assignment:
    """Record the time in `field` of the volunteer's own in-person booking, once."""
    now = now or timezone.now()
    assignment = _own_in_person_assignment(assignment, by)
    _check_window_open(assignment, now, field)
    if getattr(assignment, field) is None:
        setattr(assignment, field, now)
        assignment.save(update_fields=[field])
    return assignment


# --- The alert ------------------------------------------------------------------------------------


def coordinators_on_duty(visit: Visit) -> list:
    """Who is told: the coordinators who planned the visit or booked its volunteers, if they are still
    active coordinators; otherwise every active coordinator, so an alert never goes nowhere."""
    users = get_user_model().objects.filter(is_active=True, groups__name=Role.COORDINATOR).exclude(email="")
    planners = {visit.created_by_id, *visit.assignments.active().values_list("assigned_by_id", flat=True)}
    on_duty = list(users.filter(pk__in=planners).distinct().order_by("pk"))
    return on_duty or list(users.distinct().order_by("pk"))


def overdue_visits(now: datetime):
    """In-person visits past their window plus the grace period where someone booked has not checked out,
    and no alert has been raised yet."""
    deadline = now - timedelta(minutes=settings.MYSTERYSHOP_CHECKOUT_GRACE_MINUTES)
    not_out = Assignment.objects.active().filter(visit=OuterRef("pk"), checked_out_at__isnull=True)
    return (
        Visit.objects.filter(
            contact_point__channel__in=IN_PERSON_CHANNELS,
            ends_at__lte=deadline,
            ends_at__gt=deadline - ALERT_LOOKBACK,
            safety_alert__isnull=True,
        )
        .exclude(status=VisitStatus.CANCELLED)
        .filter(Exists(not_out))
    )


def raise_check_out_alerts(*, now: datetime | None = None) -> int:
    """Alert the coordinators on duty, once per visit, when a pair has not both checked out in time.

    The alert row is the claim: it is unique per visit, so a task run twice,
    or two runs at once, email once. The email goes after commit.
    """
    now = now or timezone.now()
    raised = 0
    for visit in overdue_visits(now).select_related("scenario", "contact_point"):
        with transaction.atomic():
            alert, created = SafetyAlert.objects.get_or_create(visit=visit, defaults={"raised_at": now})
            if not created:
                continue
            recipients = coordinators_on_duty(visit)
            alert.sent_to = "\n".join(user.email for user in recipients)
            alert.save(update_fields=["sent_to"])
            send_email(
                to=[user.email for user in recipients],
                subject=gettext_lazy("Safety: volunteers have not checked out of a visit"),
                template="visits/email/not_checked_out.txt",
                context={"visit": visit, "assignments": visit.assignments.active().select_related("volunteer")},
            )
        raised += 1
    return raised


@transaction.atomic
def resolve_alert(*, alert: SafetyAlert, by, note: str) -> SafetyAlert:
    """A coordinator has made sure the volunteers are safe, and says how."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied("Only coordinators resolve safety alerts.")
    if not note.strip():
        raise ValidationError(gettext("Say how you know the volunteers are safe."))
    alert = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.resolved_at:
        raise ValidationError(gettext("This alert is already resolved."))
    alert.resolved_at, alert.resolved_by, alert.resolution_note = timezone.now(), by, note.strip()
    alert.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    return alert


# --- "I think I was recognised" -------------------------------------------------------------------


@transaction.atomic
def report_recognised(*, assignment: Assignment, by, note: str = "") -> Assignment:
    """The volunteer thinks staff recognised them: their report is kept out of the results (through
    `capture.exclude_from_results`, so the roll-ups follow), and they are kept away from this contact
    point for MYSTERYSHOP_RECOGNISED_LOCKOUT_DAYS. Reporting twice changes nothing."""
    assignment = Assignment.objects.select_for_update().select_related("visit").get(pk=assignment.pk)
    if assignment.volunteer.user_id != by.pk:
        raise PermissionDenied("This is not your visit.")
    if assignment.declined_at or assignment.visit.status == VisitStatus.CANCELLED:
        raise ValidationError(gettext("There is no visit to report on."))
    if assignment.visit.starts_at > timezone.now():
        raise ValidationError(gettext("You can tell us this once the visit has started."))
    if assignment.recognised_at is None:
        assignment.recognised_at, assignment.recognised_note = timezone.now(), note.strip()
        assignment.save(update_fields=["recognised_at", "recognised_note"])
    submission = Submission.objects.filter(assignment=assignment).first()
    if submission is not None:
        capture.exclude_recognised(submission=submission, by=by)
    return assignment


# --- Who visited: the mix --------------------------------------------------------------------------


def _not_declared(value: str, choices) -> str:
    return choices(value).label if value else gettext("Not answered")


def coverage_mix(*, year: int) -> dict:
    """Per contact point, for the visits made in a year: how many volunteer visits by age band (on the
    day), gender and disability answer. One query for the visits and one for the contact points."""
    gender_columns = [*Gender.labels, gettext("Not answered")]
    disability_columns = [*Disability.labels, gettext("Not answered")]
    age_columns = [str(label) for _, label in AGE_BANDS]
    visits = (
        Assignment.objects.active()
        .filter(visit__starts_at__year=year, visit__status=VisitStatus.COMPLETED)
        .select_related("volunteer", "visit")
        .only("visit__starts_at", "visit__contact_point_id", "volunteer__date_of_birth", "volunteer__gender",
              "volunteer__disability")
    )  # fmt: skip
    counts: dict[int, dict[str, int]] = {}
    for assignment in visits:
        person, day = assignment.volunteer, timezone.localtime(assignment.visit.starts_at).date()
        row = counts.setdefault(assignment.visit.contact_point_id, {})
        for key in (
            f"age:{person.age_band_on(day)}",
            f"gender:{_not_declared(person.gender, Gender)}",
            f"disability:{_not_declared(person.disability, Disability)}",
            "total",
        ):
            row[key] = row.get(key, 0) + 1
    rows = []
    for point in ContactPoint.objects.filter(channel__in=IN_PERSON_CHANNELS).order_by("name"):
        row = counts.get(point.pk, {})
        rows.append(
            {
                "contact_point": point,
                "total": row.get("total", 0),
                "ages": [row.get(f"age:{label}", 0) for label in age_columns],
                "genders": [row.get(f"gender:{label}", 0) for label in gender_columns],
                "disabilities": [row.get(f"disability:{label}", 0) for label in disability_columns],
            }
        )
    return {"rows": rows, "ages": age_columns, "genders": gender_columns, "disabilities": disability_columns}


# --- Reports returned for correction ------------------------------------------------------------


def returned_reports(volunteer) -> list[SubmissionEvent]:
    """Each time one of this volunteer's reports was returned for correction, with the reviewer's comment."""
    return list(
        SubmissionEvent.objects.filter(action="returned", submission__assignment__volunteer=volunteer)
        .select_related("by", "submission__assignment__visit__contact_point", "submission__assignment__visit__scenario")
        .order_by("-at", "-pk")
    )
