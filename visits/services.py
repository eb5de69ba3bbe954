"""Workflows for visits: creating, planning a quarter, pairing volunteers, telling them."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

from mysteryshop import audit, database_rules, dates
from mysteryshop.links import absolute_url
from mysteryshop.mail import send_email
from mysteryshop.models import AuditAction
from mysteryshop.refusals import in_words
from mysteryshop.roles import Role
from scenarios.models import IN_PERSON_CHANNELS, Channel, ContactPoint, Scenario
from volunteers.models import (
    AwayPeriod,
    Band,
    Disability,
    ExpenseClaim,
    Gender,
    Status,
    Volunteer,
    bands_covering,
)
from volunteers.services import Booking as VolunteerBooking
from volunteers.services import create_expense_claim, eligible_volunteers

from . import calibration, planning
from .calendar import visit_calendar
from .models import (
    OPEN_STATUSES,
    Assignment,
    Conflict,
    QuarterPlan,
    Submission,
    Visit,
    VisitEvent,
    VisitExpense,
    VisitStatus,
)
from .safety import coordinators_on_duty


def _require_coordinator(user) -> None:
    if not user.has_role(Role.COORDINATOR):
        raise PermissionDenied("Only coordinators schedule visits.")


def record_schedule_view(request) -> None:
    """Every look at the schedule goes in the audit log: who, which page, when and from where."""
    audit.record(
        AuditAction.SCHEDULE_VIEWED, request=request, object_type="visits.visit", description=request.path[:500]
    )


# --- Creating visits ------------------------------------------------------------------


def check_visit(*, scenario: Scenario, contact_point: ContactPoint, starts_at: datetime, ends_at: datetime) -> None:
    """Refuse, with a message a coordinator can act on, a visit that cannot happen as asked."""
    if scenario.status != "approved":
        raise ValidationError(gettext("Only an approved scenario can be scheduled."))
    if contact_point.channel != scenario.channel:
        raise ValidationError(
            gettext("“%(place)s” is a %(channel)s, but the scenario is for the %(scenario_channel)s.")
            % {
                "place": contact_point,
                "channel": contact_point.get_channel_display().lower(),
                "scenario_channel": scenario.get_channel_display().lower(),
            }
        )
    if not contact_point.active:
        raise ValidationError(gettext("“%(place)s” is inactive.") % {"place": contact_point})
    if ends_at <= starts_at:
        raise ValidationError(gettext("The visit must end after it starts."))
    dates.check_no_clock_change(starts_at, ends_at)
    if not contact_point.is_open_between(starts_at, ends_at):
        windows = contact_point.opening_windows(timezone.localtime(starts_at).date())
        if not windows:
            raise ValidationError(
                gettext("“%(place)s” is not open for the whole of that time. On that day it is closed all day.")
                % {"place": contact_point}
            )
        hours = ", ".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in windows)
        raise ValidationError(
            gettext("“%(place)s” is not open for the whole of that time. On that day it is open: %(hours)s.")
            % {"place": contact_point, "hours": hours}
        )


@transaction.atomic
def create_visit(
    *, scenario: Scenario, contact_point: ContactPoint, starts_at: datetime, ends_at: datetime, by, plan=None
) -> Visit:
    """A planned visit inside the contact point's opening hours, for an approved scenario."""
    _require_coordinator(by)
    check_visit(scenario=scenario, contact_point=contact_point, starts_at=starts_at, ends_at=ends_at)
    visit = Visit.objects.create(
        scenario=scenario, contact_point=contact_point, starts_at=starts_at, ends_at=ends_at, created_by=by, plan=plan
    )
    VisitEvent.objects.create(visit=visit, to_status=VisitStatus.PLANNED, by=by)
    return visit


@transaction.atomic
def set_pilot_version(*, visit: Visit, version, by) -> Visit:
    """Run a new questionnaire version as a pilot on this visit (or stop, with `version` None). Its
    reports are reviewed as usual but never count in the results; only before anyone has started one."""
    _require_coordinator(by)
    visit = (
        Visit.objects.select_for_update()
        .select_related("scenario__questionnaire_version__questionnaire")
        .get(pk=visit.pk)
    )
    if visit.scenario.practice:
        raise ValidationError(gettext("A practice cannot run a pilot."))
    if Submission.objects.filter(assignment__visit=visit).exists():
        raise ValidationError(gettext("A report on this visit has been started, so its questionnaire cannot change."))
    if version is not None:
        usual = visit.scenario.questionnaire_version
        if version.pk == usual.pk:
            raise ValidationError(
                gettext("That is the version this scenario already uses. Choose a newer version to pilot.")
            )
        if version.questionnaire.channel != visit.scenario.channel:
            raise ValidationError(gettext("Choose a questionnaire version made for this channel."))
    visit.pilot_version = version
    visit.save(update_fields=["pilot_version"])
    reason = (
        f"Pilot of {version} on this visit." if version else gettext_noop("Pilot stopped: the usual questionnaire.")
    )
    VisitEvent.objects.create(visit=visit, from_status=visit.status, to_status=visit.status, by=by, reason=reason)
    return visit


@transaction.atomic
def move_visit(
    *, visit: Visit, scenario: Scenario, contact_point: ContactPoint, starts_at: datetime, ends_at: datetime, by
) -> Visit:
    """Change a visit nobody is booked on yet, within the same rules as creating one."""
    _require_coordinator(by)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.PLANNED or visit.assignments.active().exists():
        raise ValidationError(gettext("Only a visit with nobody booked can be moved."))
    check_visit(scenario=scenario, contact_point=contact_point, starts_at=starts_at, ends_at=ends_at)
    before = f"{visit.contact_point} {timezone.localtime(visit.starts_at):%d %b %H:%M}"
    visit.scenario, visit.contact_point, visit.starts_at, visit.ends_at = scenario, contact_point, starts_at, ends_at
    visit.save(update_fields=["scenario", "contact_point", "starts_at", "ends_at"])
    VisitEvent.objects.create(
        visit=visit, from_status=visit.status, to_status=visit.status, by=by, reason=f"Moved from {before}"
    )
    return visit


@transaction.atomic
def cancel_visit(*, visit: Visit, by, reason: str) -> Visit:
    _require_coordinator(by)
    if not reason.strip():
        raise ValidationError(gettext("Give a reason for cancelling."))
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _cancel(visit, by=by, reason=reason.strip())
    return visit


def _cancel(visit: Visit, *, by, reason: str, why_for_volunteers: str = "") -> None:
    """Cancel a locked visit and send each volunteer booked on it a cancellation (the calendar file removes it)."""
    visit.move_to(VisitStatus.CANCELLED, by=by, reason=reason)
    for assignment in visit.assignments.active().select_related("volunteer"):
        assignment.calendar_sequence += 1
        assignment.save(update_fields=["calendar_sequence"])
        _tell_volunteer(
            assignment,
            "visits/email/cancelled.txt",
            gettext_lazy("A mystery shop visit has been cancelled"),
            cancelled=True,
            extra={"why": why_for_volunteers},
        )


@transaction.atomic
def mark_completed(*, visit: Visit, by) -> Visit:
    """Record that the visit took place (the questionnaire capability will also do this)."""
    _require_coordinator(by)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.starts_at > timezone.now():
        raise ValidationError(gettext("A visit cannot be marked done before it starts."))
    visit.move_to(VisitStatus.COMPLETED, by=by)
    return visit


# --- Choosing volunteers -----------------------------------------------------------------


@dataclass
class Candidate:
    volunteer: Volunteer
    recent_visits: int
    visits_this_month: int
    near: bool

    @property
    def sort_key(self):
        return (self.recent_visits, not self.near, self.volunteer.last_name, self.volunteer.pk)


@dataclass(frozen=True)
class BookingRule:
    """One rule for who may go on a visit: `keep` narrows a queryset of volunteers to those it lets go,
    and `reason` says, to a coordinator, why someone it leaves out cannot go."""

    reason: str
    keep: Callable


def booking_rules(visit: Visit) -> list[BookingRule]:
    """Every rule for who may go on this visit, in the order a coordinator would check them.

    Eligible (active, with the required training), not away that day, free at that time in their
    usual week, not already on this visit, not booked within the travel buffer, no declared
    conflict with the contact point, not at this contact point within the lockout period, not kept
    away from it after saying they may have been recognised there, under the monthly cap, and not a
    second volunteer under 18 (an under-18 is only ever paired with an adult).
    """
    start, end = visit.starts_at, visit.ends_at
    local = timezone.localtime(start)
    blocked_from, blocked_until = Assignment.block_for(visit)
    lockout = timedelta(days=settings.MYSTERYSHOP_LOCKOUT_DAYS)
    booked = (
        Assignment.objects.active()
        .filter(volunteer=OuterRef("pk"), blocked_from__lt=blocked_until, blocked_until__gt=blocked_from)
        .exclude(visit__status=VisitStatus.CANCELLED)
        .exclude(visit=visit)
    )
    recently_here = (
        Assignment.objects.active()
        .filter(
            volunteer=OuterRef("pk"),
            visit__contact_point=visit.contact_point_id,
            visit__starts_at__gt=start - lockout,
            visit__starts_at__lt=start + lockout,
        )
        .exclude(visit__status=VisitStatus.CANCELLED)
        .exclude(visit__scenario__practice=True)  # a practice is nobody's visit to the place
        .exclude(visit=visit)
    )
    conflict = Conflict.objects.filter(volunteer=OuterRef("pk"), contact_point=visit.contact_point_id)
    recognised_here = _recognised_at(visit).filter(volunteer=OuterRef("pk"))
    away = AwayPeriod.objects.filter(volunteer=OuterRef("pk"), starts_on__lte=local.date(), ends_on__gte=local.date())
    live = Q(assignments__declined_at__isnull=True) & ~Q(assignments__visit__status=VisitStatus.CANCELLED)
    this_month = (
        live
        & Q(assignments__visit__starts_at__year=local.year, assignments__visit__starts_at__month=local.month)
        & Q(assignments__visit__scenario__practice=False)
    )
    buffer = settings.MYSTERYSHOP_BOOKING_BUFFER_MINUTES
    adults_only = under_18_on_visit(_booked_on(visit), local.date()) is not None
    calibration_needed = calibration.calibration_required()
    return [
        BookingRule(
            gettext("has not done all the required training (or it needs refreshing)"),
            lambda found: found.filter(pk__in=eligible_volunteers(on=local.date()).values("pk")),
        ),
        BookingRule(
            gettext("has not done the practice scenario (calibration) in the last %(months)s months")
            % {"months": settings.MYSTERYSHOP_CALIBRATION_MONTHS},
            lambda found: (
                found.filter(pk__in=calibration.calibrated_volunteers(on=local.date()).values("pk"))
                if calibration_needed
                else found
            ),
        ),
        BookingRule(gettext("is away that day"), lambda found: found.exclude(Exists(away))),
        BookingRule(
            gettext("does not usually help %(when)s (their usual times)") % {"when": _when_in_the_week(start, end)},
            lambda found: found.filter(pk__in=Volunteer.objects.available_between(start, end).values("pk")),
        ),
        BookingRule(
            gettext("is already on this visit"),
            lambda found: found.exclude(assignments__visit=visit, assignments__declined_at__isnull=True),
        ),
        BookingRule(
            gettext("said they cannot go on this visit (declined it)"),
            lambda found: found.exclude(assignments__visit=visit, assignments__declined_at__isnull=False),
        ),
        BookingRule(
            gettext("is booked on another visit within %(minutes)s minutes of this one") % {"minutes": buffer},
            lambda found: found.exclude(Exists(booked)),
        ),
        BookingRule(
            gettext("has a declared conflict of interest with this contact point"),
            lambda found: found.exclude(Exists(conflict)),
        ),
        BookingRule(
            gettext("has a visit to this contact point within %(days)s days of this one")
            % {"days": settings.MYSTERYSHOP_LOCKOUT_DAYS},
            lambda found: found.exclude(Exists(recently_here)),
        ),
        BookingRule(
            gettext("said they may have been recognised here, so stays away for a while"),
            lambda found: found.exclude(Exists(recognised_here)),
        ),
        BookingRule(
            gettext("already has %(count)s visits that month (the monthly limit)")
            % {"count": settings.MYSTERYSHOP_MONTHLY_CAP},
            lambda found: found.annotate(visits_this_month=Count("assignments", filter=this_month)).filter(
                visits_this_month__lt=settings.MYSTERYSHOP_MONTHLY_CAP
            ),
        ),
        BookingRule(
            gettext("is under 18, and someone under 18 is already booked: an under-18 only goes with an adult"),
            lambda found: found.adults_on(local.date()) if adults_only else found,
        ),
    ]


def _when_in_the_week(start, end) -> str:
    """When in a volunteer's usual week a visit falls: "on Saturday afternoons"."""
    bands = bands_covering(start, end)
    if bands is None:
        return gettext("at this time of day (volunteers give their times between 8am and 9pm)")
    weekday = date_format(timezone.localtime(start), "l")
    # Whole phrases, one for each run of bands (a window touches bands next to each other), so that each
    # language can word them its own way.
    phrases = {
        ("morning",): gettext("on %(weekday)s mornings"),
        ("afternoon",): gettext("on %(weekday)s afternoons"),
        ("evening",): gettext("on %(weekday)s evenings"),
        ("morning", "afternoon"): gettext("on %(weekday)s mornings and afternoons"),
        ("afternoon", "evening"): gettext("on %(weekday)s afternoons and evenings"),
        ("morning", "afternoon", "evening"): gettext("on %(weekday)s mornings and afternoons and evenings"),
    }
    return phrases[tuple(str(Band(band).value) for band in bands)] % {"weekday": weekday}


def candidates_queryset(visit: Visit):
    """Volunteers who may go on this visit, as one queryset: everyone every booking rule lets go."""
    found = Volunteer.objects.all()
    for rule in booking_rules(visit):
        found = rule.keep(found)
    live = Q(assignments__declined_at__isnull=True) & ~Q(assignments__visit__status=VisitStatus.CANCELLED)
    return found.annotate(
        recent_visits=Count(
            "assignments", filter=live & Q(assignments__visit__starts_at__gte=visit.starts_at - timedelta(days=90))
        ),
    )


def left_out(visit: Visit) -> list[tuple[Volunteer, str]]:
    """Each active volunteer who is not offered for this visit (and not on it), with the one rule that
    leaves them out: the first, in `booking_rules` order, they do not meet."""
    on_visit = Assignment.objects.active().filter(visit=visit).values("volunteer")
    remaining = Volunteer.objects.filter(status=Status.ACTIVE).exclude(pk__in=on_visit)
    everyone = {volunteer.pk: volunteer for volunteer in remaining}
    reasons: dict[int, str] = {}
    pks = set(everyone)
    for rule in booking_rules(visit):
        if not pks:
            break
        kept = set(rule.keep(Volunteer.objects.filter(pk__in=pks)).values_list("pk", flat=True))
        reasons.update(dict.fromkeys(pks - kept, rule.reason))
        pks = kept
    found = [(everyone[pk], reason) for pk, reason in reasons.items()]
    return sorted(found, key=lambda pair: (pair[0].last_name, pair[0].first_name, pair[0].pk))


def why_not(visit: Visit, volunteer: Volunteer) -> str | None:
    """The first booking rule that keeps this volunteer off this visit, or None if they may go."""
    if volunteer.status != Status.ACTIVE:
        return gettext("is not active (they are “%(status)s”)") % {"status": volunteer.get_status_display().lower()}
    for rule in booking_rules(visit):
        if not rule.keep(Volunteer.objects.filter(pk=volunteer.pk)).exists():
            return rule.reason
    return None


def _recognised_at(visit: Visit):
    """Assignments whose volunteer said they may have been recognised at this visit's contact point,
    recently enough that they must stay away from it at the time of this visit."""
    since = visit.starts_at - timedelta(days=settings.MYSTERYSHOP_RECOGNISED_LOCKOUT_DAYS)
    return Assignment.objects.filter(
        visit__contact_point=visit.contact_point_id, recognised_at__isnull=False, recognised_at__gt=since
    )


def _booked_on(visit: Visit) -> list[Volunteer]:
    """The volunteers booked on this visit (not those who declined), in the order they were booked."""
    return list(
        Volunteer.objects.filter(assignments__visit=visit, assignments__declined_at__isnull=True).order_by("pk")
    )


def under_18_on_visit(booked: list[Volunteer], day) -> Volunteer | None:
    """The pairing rule for under-18s, once in Python: an under-18 is only ever paired with an adult,
    so a visit with someone under 18 on it (returned here) takes only adults. The picker's list,
    the booking check and the suggested pair all ask this; the trigger
    `assignment_under_18_paired_with_adult` (visits migration 0010) is the database's backstop."""
    return next((person for person in booked if person.is_under_18_on(day)), None)


def check_pairing(*, visit: Visit, volunteer: Volunteer) -> None:
    """Refuse, with a message a coordinator can act on, the two pairing rules that protect volunteers:
    an under-18 is only ever paired with an adult, and someone who may have been recognised at a
    contact point stays away from it."""
    day = timezone.localtime(visit.starts_at).date()
    recognised = _recognised_at(visit).filter(volunteer=volunteer).order_by("-recognised_at").first()
    if recognised:
        until = timezone.localtime(recognised.recognised_at).date() + timedelta(
            days=settings.MYSTERYSHOP_RECOGNISED_LOCKOUT_DAYS
        )
        raise ValidationError(
            gettext(
                "%(volunteer)s told us they may have been recognised at %(place)s, so they cannot "
                "visit it again before %(day)s."
            )
            % {"volunteer": volunteer, "place": visit.contact_point, "day": date_format(until, "j F Y")}
        )
    if volunteer.is_under_18_on(day):
        other = under_18_on_visit([person for person in _booked_on(visit) if person.pk != volunteer.pk], day)
        if other:
            raise ValidationError(
                gettext(
                    "%(volunteer)s is under 18 and can only be paired with an adult, but %(other)s (also under 18) "
                    "is already on this visit. Choose a volunteer aged 18 or over."
                )
                % {"volunteer": volunteer, "other": other}
            )


def candidates(visit: Visit) -> list[Candidate]:
    """The picker's list, best first: fewest recent visits, then those living nearby."""
    district = visit.contact_point.postcode.split(" ")[0] if visit.contact_point.postcode else ""
    found = [
        Candidate(
            volunteer=volunteer,
            recent_visits=volunteer.recent_visits,
            visits_this_month=volunteer.visits_this_month,
            near=bool(district) and volunteer.postcode_district == district,
        )
        for volunteer in candidates_queryset(visit)
    ]
    return sorted(found, key=lambda candidate: candidate.sort_key)


def suggest_pair(visit: Visit) -> list[Volunteer]:
    """The best volunteers for the open places.

    The first is the best-ranked candidate. Each partner is chosen, in this
    order of preference: someone who has not worked with the others lately,
    then someone who adds most to the mix of the pair (a different age band,
    gender or disability answer, where declared), then the best-ranked. An
    under-18 is only ever paired with an adult.
    """
    open_places = visit.volunteers_needed - visit.assignments.active().count()
    if open_places <= 0:
        return []
    ranked = candidates(visit)
    if not ranked:
        return []
    day = timezone.localtime(visit.starts_at).date()
    already = _booked_on(visit)
    chosen: list[Volunteer] = [] if already else [ranked[0].volunteer]
    recent_pairs = _recent_partners({volunteer.pk for volunteer in already + chosen})
    order = {candidate.volunteer.pk: index for index, candidate in enumerate(ranked)}
    while len(chosen) < open_places:
        pair = already + chosen
        adults_only = under_18_on_visit(pair, day) is not None
        options = [
            candidate.volunteer
            for candidate in ranked
            if candidate.volunteer not in chosen and not (adults_only and candidate.volunteer.is_under_18_on(day))
        ]
        if not options:
            break
        best = min(
            options,
            key=lambda person: (person.pk in recent_pairs, -_adds_to_mix(person, pair, day), order[person.pk]),
        )
        chosen.append(best)
    return chosen[:open_places]


NOT_DECLARED = ("", Gender.PREFER_NOT, Disability.PREFER_NOT)


def _adds_to_mix(person: Volunteer, pair: list[Volunteer], day) -> int:
    """How many of age band, gender and disability (where declared) set `person` apart from the others."""
    if not pair:
        return 0
    differences = int(all(person.age_band_on(day) != other.age_band_on(day) for other in pair))
    for field in ("gender", "disability"):
        mine = getattr(person, field)
        theirs = [getattr(other, field) for other in pair if getattr(other, field) not in NOT_DECLARED]
        if mine not in NOT_DECLARED and theirs and mine not in theirs:
            differences += 1
    return differences


def _recent_partners(volunteer_ids: set[int]) -> set[int]:
    """Volunteers who shared a visit with any of these in the last six months."""
    since = timezone.now() - timedelta(days=180)
    visits = (
        Assignment.objects.active().filter(volunteer__in=volunteer_ids, visit__starts_at__gte=since).values("visit")
    )
    return (
        set(Assignment.objects.active().filter(visit__in=visits).values_list("volunteer_id", flat=True)) - volunteer_ids
    )


@transaction.atomic
def assign(*, visit: Visit, volunteer: Volunteer, by) -> Assignment:
    """Book a volunteer on a visit, checking every rule again on the server.

    The volunteer's row is locked while checking, so two coordinators booking
    the same person at once end with one booking and a clear message; on
    PostgreSQL an exclusion constraint refuses an overlapping booking anyway.
    """
    _require_coordinator(by)
    visit = Visit.objects.select_for_update().select_related("scenario", "contact_point").get(pk=visit.pk)
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    if visit.status not in OPEN_STATUSES:
        raise ValidationError(gettext("This visit is no longer open for booking."))
    if visit.plan_id and QuarterPlan.objects.filter(pk=visit.plan_id, state=QuarterPlan.State.DRAFT).exists():
        raise ValidationError(
            gettext("This visit is in a draft plan. Confirm the plan before booking volunteers: booking e-mails them.")
        )
    if visit.assignments.active().count() >= visit.volunteers_needed:
        raise ValidationError(gettext("This visit already has all the volunteers it needs."))
    check_pairing(visit=visit, volunteer=volunteer)
    reason = why_not(visit, volunteer)
    if reason:
        raise ValidationError(
            gettext("%(volunteer)s cannot go on this visit: %(first_name)s %(reason)s.")
            % {"volunteer": volunteer, "first_name": volunteer.first_name, "reason": reason}
        )
    blocked_from, blocked_until = Assignment.block_for(visit)
    try:
        with database_rules.refused_in_words():  # the exclusion constraint, the under-18 trigger, once per visit
            assignment = Assignment.objects.create(
                visit=visit, volunteer=volunteer, blocked_from=blocked_from, blocked_until=blocked_until, assigned_by=by
            )
    except ValidationError as error:
        raise ValidationError(
            gettext("%(volunteer)s cannot be booked: %(why)s") % {"volunteer": volunteer, "why": in_words(error)}
        ) from None
    if visit.assignments.active().count() == visit.volunteers_needed and visit.status == VisitStatus.PLANNED:
        visit.move_to(VisitStatus.ASSIGNED, by=by)
    _tell_volunteer(assignment, "visits/email/assigned.txt", gettext_lazy("You have a new mystery shop visit"))
    return assignment


def fill_visit(*, visit: Visit, by) -> list[Assignment]:
    """Book the suggested pair (or single volunteer) for a visit's open places.

    An in-person visit is filled whole or not at all: booking one volunteer where no partner
    can go would only leave them on a visit held short of a volunteer.
    """
    chosen = suggest_pair(visit)
    open_places = visit.volunteers_needed - visit.assignments.active().count()
    if visit.in_person and len(chosen) < open_places:
        return []
    return [assign(visit=visit, volunteer=volunteer, by=by) for volunteer in chosen]


@transaction.atomic
def accept(*, assignment: Assignment, by) -> Assignment:
    """The volunteer says they will go. Once everyone booked has, the visit is confirmed; a visit held
    short of a volunteer goes ahead again once whoever was booked in the missing place has accepted."""
    assignment = Assignment.objects.select_for_update().select_related("visit").get(pk=assignment.pk)
    if assignment.volunteer.user_id != by.pk:
        raise PermissionDenied("This is not your visit.")
    if assignment.declined_at:
        raise ValidationError(gettext("You have already declined this visit."))
    visit = Visit.objects.select_for_update().select_related("scenario", "contact_point").get(pk=assignment.visit_id)
    if assignment.accepted_at is None and visit.starts_at <= timezone.now():
        raise ValidationError(gettext("This visit has already started, so there is nothing to accept."))
    if visit.status not in OPEN_STATUSES:
        raise ValidationError(gettext("This visit is no longer open."))
    if assignment.accepted_at is None:
        assignment.accepted_at = timezone.now()
        assignment.save(update_fields=["accepted_at"])
    all_accepted = not visit.assignments.active().filter(accepted_at__isnull=True).exists()
    if all_accepted and visit.status == VisitStatus.ASSIGNED:
        visit.move_to(VisitStatus.CONFIRMED, by=by)
    _lift_hold_if_ready(visit, by=by)
    return assignment


def _lift_hold_if_ready(visit: Visit, *, by) -> None:
    """A held visit goes ahead again once it has its pair and everyone booked since it went short
    has accepted; those who were already booked are told."""
    if visit.short_since is None:
        return
    booked = visit.assignments.active()
    if booked.count() < visit.volunteers_needed:
        return
    if booked.filter(assigned_at__gte=visit.short_since, accepted_at__isnull=True).exists():
        return
    waiting = list(booked.filter(assigned_at__lt=visit.short_since).select_related("volunteer"))
    visit.short_since = None
    visit.save(update_fields=["short_since"])
    VisitEvent.objects.create(
        visit=visit, from_status=visit.status, to_status=visit.status, by=by,
        reason=gettext_noop("No longer short of a volunteer: the new volunteer accepted."),
    )  # fmt: skip
    for assignment in waiting:
        partners = [other.volunteer for other in booked.select_related("volunteer") if other.pk != assignment.pk]
        send_email(
            to=assignment.volunteer.email,
            subject=gettext_lazy("Your mystery shop visit is going ahead"),
            template="visits/email/back_on.txt",
            context={
                "assignment": assignment,
                "partners": partners,
                "partner_names": names_in_words(f"{p.first_name} {p.last_name[:1]}." for p in partners),
            },
        )


@transaction.atomic
def decline(*, assignment: Assignment, by, reason: str = "") -> Assignment:
    """The volunteer cannot go: their place is given up (see `release_booking`)."""
    assignment = Assignment.objects.select_for_update().select_related("visit").get(pk=assignment.pk)
    if assignment.volunteer.user_id != by.pk:
        raise PermissionDenied("This is not your visit.")
    if assignment.declined_at:
        return assignment
    if assignment.visit.starts_at <= timezone.now():
        raise ValidationError(gettext("This visit has already started; please contact the OPCC instead."))
    return release_booking(assignment=assignment, by=by, reason=reason, event=gettext_noop("A volunteer declined."))


def hold_deadline(visit: Visit) -> datetime:
    """When a visit still held short of a volunteer is cancelled."""
    return visit.starts_at - timedelta(hours=settings.MYSTERYSHOP_HELD_VISIT_CANCEL_HOURS)


@transaction.atomic
def release_booking(*, assignment: Assignment, by, reason: str = "", event: str) -> Assignment:
    """A booked volunteer can no longer go (they declined, are away that day, or were erased).

    Their place is given up and the coordinator who booked them is told, to find someone
    else. On an in-person visit nobody goes alone: anyone still booked is told their partner
    cannot go and not to go alone, and the visit is held short of a volunteer (it shows so on
    the coordinators' lists) until a replacement accepts. If that has not happened
    `MYSTERYSHOP_HELD_VISIT_CANCEL_HOURS` before the start, it is cancelled (`cancel_held_visits`),
    at once if that time has already come. `event` goes in the visit's history.
    """
    assignment = Assignment.objects.select_for_update().select_related("assigned_by", "volunteer").get(pk=assignment.pk)
    if assignment.declined_at:
        return assignment
    visit = Visit.objects.select_for_update().select_related("scenario", "contact_point").get(pk=assignment.visit_id)
    assignment.declined_at, assignment.decline_reason = timezone.now(), reason.strip()
    assignment.save(update_fields=["declined_at", "decline_reason"])
    if visit.status in (VisitStatus.ASSIGNED, VisitStatus.CONFIRMED):
        visit.move_to(VisitStatus.PLANNED, by=by, reason=event)
    else:
        VisitEvent.objects.create(visit=visit, from_status=visit.status, to_status=visit.status, by=by, reason=event)
    left_alone = list(visit.assignments.active().select_related("volunteer"))
    held = visit.in_person and visit.status in OPEN_STATUSES
    if held:
        visit.short_since = visit.short_since or timezone.now()
        visit.save(update_fields=["short_since"])
    cancel_now = held and bool(left_alone) and hold_deadline(visit) <= timezone.now()
    send_email(
        to=assignment.assigned_by.email,
        subject=gettext_lazy("A volunteer can no longer go on a visit"),
        template="visits/email/declined.txt",
        context={
            "assignment": assignment, "visit": visit, "left_alone": left_alone if held else [],
            "left_alone_names": names_in_words(str(other.volunteer) for other in left_alone),
            "deadline": hold_deadline(visit), "cancelled": cancel_now,
        },
    )  # fmt: skip
    if cancel_now:
        _cancel(visit, by=None, reason=HELD_CANCEL_REASON, why_for_volunteers=HELD_CANCEL_WHY)
    elif held:
        for partner in left_alone:
            send_email(
                to=partner.volunteer.email,
                subject=gettext_lazy("Your mystery shop visit is on hold: please do not go alone"),
                template="visits/email/partner_dropped_out.txt",
                context={"assignment": partner, "deadline": hold_deadline(visit)},
            )
    return assignment


def bookings_on_days(volunteer: Volunteer, first: date, last: date) -> list[VolunteerBooking]:
    """The volunteer's visits from `first` to `last` that have not started, for the days-away page:
    giving one up declines it (`release_booking`), so the coordinator and any partner are told."""
    tz = timezone.get_current_timezone()
    booked = Assignment.objects.active().filter(
        volunteer=volunteer,
        visit__status__in=OPEN_STATUSES,
        visit__starts_at__gt=timezone.now(),
        visit__starts_at__gte=datetime.combine(first, time.min, tzinfo=tz),
        visit__starts_at__lt=datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )
    return [
        VolunteerBooking(
            description=(
                gettext("Visit: %(title)s, %(place)s, %(day)s at %(time)s")
                % {
                    "title": assignment.visit.scenario.shown("title"),
                    "place": assignment.visit.contact_point,
                    "day": date_format(timezone.localtime(assignment.visit.starts_at), "l j F Y"),
                    "time": date_format(timezone.localtime(assignment.visit.starts_at), "H:i"),
                }
            ),
            give_up=lambda assignment=assignment: release_booking(
                assignment=assignment,
                by=volunteer.user,
                reason=gettext_noop("Away that day."),
                event=gettext_noop("A volunteer will be away that day."),
            ),
        )
        for assignment in booked.select_related("visit__scenario", "visit__contact_point").order_by("visit__starts_at")
    ]


HELD_CANCEL_REASON = gettext_noop("Cancelled automatically: it did not have two volunteers who had accepted in time.")
HELD_CANCEL_WHY = gettext_lazy("It did not have two volunteers in time, and nobody goes on an in-person visit alone.")


def cancel_held_visits(*, now: datetime | None = None) -> int:
    """Cancel in-person visits still held short of a volunteer when their deadline comes.

    Run every few minutes by Celery beat. The volunteers booked and the coordinators on duty
    are told. Each visit is locked and checked again, so a run repeated (or two at once)
    cancels and tells once. Returns how many were cancelled.
    """
    now = now or timezone.now()
    due = Visit.objects.held().filter(
        starts_at__lte=now + timedelta(hours=settings.MYSTERYSHOP_HELD_VISIT_CANCEL_HOURS)
    )
    cancelled = 0
    for visit_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            visit = Visit.objects.held().select_for_update(of=("self",)).filter(pk=visit_id).first()
            if visit is None:
                continue
            _cancel(visit, by=None, reason=HELD_CANCEL_REASON, why_for_volunteers=HELD_CANCEL_WHY)
            send_email(
                to=[user.email for user in coordinators_on_duty(visit)],
                subject=gettext_lazy("A visit short of a volunteer has been cancelled"),
                template="visits/email/held_cancelled.txt",
                context={"visit": visit, "hours": settings.MYSTERYSHOP_HELD_VISIT_CANCEL_HOURS},
            )
            cancelled += 1
    return cancelled


@transaction.atomic
def claim_visit_expenses(*, assignment: Assignment, form):
    """An expense claim for a visit, made through the volunteers app and linked to the visit."""
    claim = create_expense_claim(
        volunteer=assignment.volunteer,
        purpose=form.cleaned_data["purpose"],
        items=form.items(),
        receipts=form.cleaned_data["receipts"],
    )
    VisitExpense.objects.create(assignment=assignment, claim=claim)
    return claim


def claims_for(assignment: Assignment) -> list:
    """Expense claims already made for this visit and not turned down (a second one is warned about)."""
    return list(
        ExpenseClaim.objects.filter(visit_link__assignment=assignment)
        .exclude(state=ExpenseClaim.State.REJECTED)
        .prefetch_related("items")
        .order_by("submitted_at")
    )


def link_correction_to_visit(rejected, correction) -> None:
    """A corrected claim is for the same visit as the rejected claim it replaces."""
    link = VisitExpense.objects.filter(claim=rejected).first()
    if link is not None:
        VisitExpense.objects.create(assignment=link.assignment, claim=correction)


# --- Telling volunteers --------------------------------------------------------------------

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def assignment_calendar(assignment: Assignment, *, cancelled: bool = False) -> bytes:
    visit = assignment.visit
    channel = Channel(visit.contact_point.channel)
    location = visit.contact_point.address.replace("\n", ", ") if channel in IN_PERSON_CHANNELS else channel.label
    return visit_calendar(
        uid=assignment.ics_uid,
        start=visit.starts_at,
        end=visit.ends_at,
        summary=gettext("Mystery shop: %(title)s") % {"title": visit.scenario.shown("title")},
        location=f"{location} {visit.contact_point.postcode}".strip(),
        description=gettext("Read your briefing before you go. Sign in to Mystery Shop to see it."),
        url=absolute_url(assignment),
        sequence=assignment.calendar_sequence,
        cancelled=cancelled,
    )


def names_in_words(names) -> str:
    """People's names as one phrase ("A, B and C"), joined in the language of the e-mail being written:
    lazy, so it is put together when the e-mail is (`send_email` writes each in its recipient's language)."""
    names = list(names)
    return lazy(lambda: get_text_list(names, gettext("and")), str)()


def _tell_volunteer(
    assignment: Assignment, template: str, subject, *, cancelled: bool = False, extra: dict | None = None
) -> None:
    """E-mail the volunteer once the transaction commits, with the calendar file attached.

    Rendered now, so it still works when the booking is deleted in the same transaction.
    """
    send_email(
        to=assignment.volunteer.email,
        subject=subject,
        template=template,
        context={"assignment": assignment, "visit": assignment.visit, **(extra or {})},
        # Written in the volunteer's language, like the e-mail: called when the e-mail is written.
        attachments=[("visit.ics", partial(assignment_calendar, assignment, cancelled=cancelled), CALENDAR_TYPE)],
    )


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind each booked volunteer once, in the hours before their visit."""
    now = now or timezone.now()
    due = Assignment.objects.active().filter(
        reminded_at__isnull=True,
        visit__status__in=OPEN_STATUSES,
        visit__starts_at__gt=now,
        visit__starts_at__lte=now + timedelta(hours=settings.MYSTERYSHOP_REMINDER_HOURS),
    )
    # A visit on hold is not going ahead as it stands: no reminder until it is (if it comes back in time).
    due = due.exclude(visit__in=Visit.objects.held().values("pk"))
    sent = 0
    for assignment in due.select_related("visit__scenario", "visit__contact_point", "volunteer"):
        # Claim the reminder and write the e-mail in one transaction: a task run twice (or by two
        # beats at once) sends it once, and a task that dies half way sends it on the next run.
        with transaction.atomic():
            if Assignment.objects.filter(pk=assignment.pk, reminded_at__isnull=True).update(reminded_at=now):
                _tell_volunteer(
                    assignment, "visits/email/reminder.txt", gettext_lazy("Reminder: your mystery shop visit")
                )
                sent += 1
    return sent


def follow_up_past_visits(*, now: datetime | None = None) -> tuple[int, int]:
    """After a visit's window: nudge the volunteers once, then mark the visit missed.

    Returns (nudged, missed).
    """
    now = now or timezone.now()
    wait = timedelta(hours=settings.MYSTERYSHOP_REPORT_NUDGE_HOURS)
    booked = (VisitStatus.ASSIGNED, VisitStatus.CONFIRMED)
    nudged = missed = 0
    for visit in Visit.objects.filter(status__in=booked, nudged_at__isnull=True, ends_at__lte=now - wait):
        with transaction.atomic():  # the claim and the e-mails together, as for reminders
            if Visit.objects.filter(pk=visit.pk, nudged_at__isnull=True).update(nudged_at=now):
                for assignment in visit.assignments.active().select_related(
                    "volunteer", "visit__scenario", "visit__contact_point"
                ):
                    _tell_volunteer(
                        assignment, "visits/email/nudge.txt", gettext_lazy("Please send your mystery shop report")
                    )
                nudged += 1
    for visit in Visit.objects.filter(status__in=booked, nudged_at__isnull=False, ends_at__lte=now - 2 * wait):
        with transaction.atomic():
            locked = Visit.objects.select_for_update().get(pk=visit.pk)
            if locked.status in booked:
                locked.move_to(VisitStatus.MISSED, reason=gettext_noop("No report after the visit window."))
                missed += 1
    return nudged, missed


# --- The quarter plan ------------------------------------------------------------------------


@transaction.atomic
def draft_quarter_plan(*, year: int, quarter: int, targets: dict[int, int], by, seed: int | None = None) -> QuarterPlan:
    """Draft a quarter's visits from targets per contact point, spread by `planning.draft_plan`.

    Each contact point gets one of the approved scenarios for its channel, in
    turn. The seed makes the draft reproducible; by default it is random.
    """
    _require_coordinator(by)
    first_day, last_day = planning.quarter_bounds(year, quarter)
    if last_day < timezone.localdate():
        raise ValidationError(gettext("That quarter has already ended."))
    first_day = max(first_day, timezone.localdate() + timedelta(days=1))
    seed = seed if seed is not None else secrets.randbits(48)
    points = {
        point.pk: point
        for point in ContactPoint.objects.active().filter(pk__in=targets).prefetch_related("opening_hours")
    }
    scenarios: dict[str, list[Scenario]] = {}
    for scenario in Scenario.objects.live().prefetch_related("contact_points").order_by("pk"):
        scenarios.setdefault(scenario.channel, []).append(scenario)
    missing = sorted({str(points[pk]) for pk in points if not scenarios.get(points[pk].channel)})
    if missing:
        raise ValidationError(
            gettext("There is no approved scenario for: %(places)s.") % {"places": ", ".join(missing)}
        )
    try:
        slots = planning.draft_plan(
            contact_points=list(points.values()),
            targets={pk: count for pk, count in targets.items() if pk in points},
            first_day=first_day,
            last_day=last_day,
            seed=seed,
        )
    except ValueError as error:
        raise ValidationError(str(error)) from None
    plan = QuarterPlan.objects.create(year=year, quarter=quarter, seed=seed, targets=targets, created_by=by)
    turn: dict[int, int] = {}
    for slot in slots:
        point = points[slot.contact_point_id]
        options = [s for s in scenarios[point.channel] if point in s.contact_points.all()] or scenarios[point.channel]
        scenario = options[turn.get(point.pk, 0) % len(options)]
        turn[point.pk] = turn.get(point.pk, 0) + 1
        visit = Visit.objects.create(
            scenario=scenario, contact_point=point, starts_at=slot.start, ends_at=slot.end, created_by=by, plan=plan
        )
        VisitEvent.objects.create(visit=visit, to_status=VisitStatus.PLANNED, by=by, reason=f"Drafted in {plan}")
    return plan


@transaction.atomic
def confirm_plan(*, plan: QuarterPlan, by) -> QuarterPlan:
    _require_coordinator(by)
    plan = QuarterPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != QuarterPlan.State.DRAFT:
        raise ValidationError(gettext("This plan is already confirmed."))
    if QuarterPlan.objects.filter(year=plan.year, quarter=plan.quarter, state=QuarterPlan.State.CONFIRMED).exists():
        raise ValidationError(gettext("Another plan for this quarter is already confirmed."))
    plan.state, plan.confirmed_at = QuarterPlan.State.CONFIRMED, timezone.now()
    plan.save(update_fields=["state", "confirmed_at"])
    return plan


def discard_plan_notices(plan: QuarterPlan) -> list[Assignment]:
    """The bookings on a draft plan's visits whose volunteers were told of them and must hear it is off."""
    return list(
        Assignment.objects.active()
        .filter(visit__plan=plan)
        .exclude(visit__status=VisitStatus.CANCELLED)
        .select_related("volunteer", "visit__scenario", "visit__contact_point")
    )


@transaction.atomic
def discard_plan(*, plan: QuarterPlan, by) -> int:
    """Delete a draft plan and its visits. Anyone booked on one of them (before booking needed a
    confirmed plan) is sent a cancellation with the calendar file that removes the event.
    Returns how many volunteers were told."""
    _require_coordinator(by)
    plan = QuarterPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != QuarterPlan.State.DRAFT:
        raise ValidationError(gettext("A confirmed plan cannot be discarded; cancel its visits one by one."))
    told = discard_plan_notices(plan)
    for assignment in told:
        assignment.calendar_sequence += 1
        _tell_volunteer(
            assignment,
            "visits/email/plan_discarded.txt",
            gettext_lazy("A mystery shop visit has been cancelled"),
            cancelled=True,
        )
    plan.delete()
    return len(told)


@dataclass(frozen=True)
class FillResult:
    booked: int
    left_open: int

    def __str__(self) -> str:
        if not self.booked and not self.left_open:
            return gettext("Every visit in the plan already has its volunteers.")
        said = (
            ngettext(
                "Booked %(count)s visit; each volunteer booked has been e-mailed an invitation with a calendar file.",
                "Booked %(count)s visits; each volunteer booked has been e-mailed an invitation with a calendar file.",
                self.booked,
            )
            % {"count": self.booked}
            if self.booked
            else gettext("No visit could be booked.")
        )
        if self.left_open:
            said += " " + ngettext(
                "%(count)s visit is still open because not enough volunteers could go: open a visit to see who "
                "cannot go, and why.",
                "%(count)s visits are still open because not enough volunteers could go: open a visit to see who "
                "cannot go, and why.",
                self.left_open,
            ) % {"count": self.left_open}
        return said


def fill_plan(*, plan: QuarterPlan, by) -> FillResult:
    """Suggest and book pairs for every open visit of a confirmed plan, e-mailing each volunteer booked."""
    _require_coordinator(by)
    plan.refresh_from_db(fields=["state"])
    if plan.state != QuarterPlan.State.CONFIRMED:
        raise ValidationError(
            gettext("Confirm the plan before booking volunteers: booking e-mails each of them an invitation.")
        )
    filled = unfilled = 0
    for visit in plan.visits.filter(status=VisitStatus.PLANNED).select_related("scenario", "contact_point"):
        assignments = fill_visit(visit=visit, by=by)
        visit.refresh_from_db()
        if visit.status == VisitStatus.ASSIGNED:
            filled += 1
        elif not assignments or visit.status == VisitStatus.PLANNED:
            unfilled += 1
    return FillResult(booked=filled, left_open=unfilled)


def coverage(*, year: int) -> list[dict]:
    """Per contact point and month of a year: visits planned (not cancelled) and done."""
    rows = (
        Visit.objects.filter(starts_at__year=year)
        .exclude(status=VisitStatus.CANCELLED)
        .values("contact_point_id", "starts_at__month")
        .annotate(planned=Count("pk"), done=Count("pk", filter=Q(status=VisitStatus.COMPLETED)))
    )
    cells = {(row["contact_point_id"], row["starts_at__month"]): row for row in rows}
    table = []
    for point in ContactPoint.objects.select_related("policing_area"):
        months = [cells.get((point.pk, month), {"planned": 0, "done": 0}) for month in range(1, 13)]
        table.append({"contact_point": point, "months": months})
    return table
