"""Workflows for volunteers: applying, the lifecycle, training, expenses and privacy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from mysteryshop import audit, dates, languages, mail
from mysteryshop.links import absolute_url
from mysteryshop.mail import send_email
from mysteryshop.models import AuditAction
from mysteryshop.roles import OPCC_ROLES, Role
from mysteryshop.signin import salted_hash
from mysteryshop.uploads import delete_with_files

from .models import (
    ENDED_STATUSES,
    TRANSITIONS,
    ApplicationAttempt,
    AwayPeriod,
    ExpenseClaim,
    ExpenseItem,
    PrivacyNotice,
    Receipt,
    Status,
    StatusChange,
    TrainingBooking,
    TrainingModule,
    TrainingSession,
    Volunteer,
)

# --- Applying ---------------------------------------------------------------------------


def may_apply(address: str) -> bool:
    """Record an application sent from `address`, and say whether it may be taken.

    Every complete application counts towards `MYSTERYSHOP_APPLICATIONS_PER_HOUR` from one
    client address — new ones, ones from an address already on file, and bots' — so the page,
    which is the same for all of them, cannot be used to try address after address.
    Counted in PostgreSQL (salted hashes), so it holds with Redis down.
    """
    now = timezone.now()
    client = salted_hash(address)
    recent = ApplicationAttempt.objects.filter(client=client, at__gte=now - timedelta(hours=1)).count()
    ApplicationAttempt.objects.create(at=now, client=client)
    return recent < settings.MYSTERYSHOP_APPLICATIONS_PER_HOUR


def apply(*, form) -> Volunteer:
    """Take an application from a valid form, and tell the applicant by e-mail what happens next.

    Whoever sends it sees the same page whether the e-mail address is new, already has an
    application, or belongs to a volunteer past or present: only the e-mail, which goes to
    the address's owner, says which. Applying again creates nothing new (a unique constraint
    on the lower-cased address holds that, even for two at once) and changes nothing held.
    Returns the record the application is about.
    """
    volunteer = form.save(commit=False)
    existing = Volunteer.objects.filter(email__iexact=volunteer.email).first()
    if existing is None:
        volunteer.language = languages.of_page()  # the language they applied in; theirs to change later
        volunteer.privacy_notice = PrivacyNotice.current()
        volunteer.consented_at = timezone.now()
        try:
            with transaction.atomic():
                volunteer.save()
                StatusChange.objects.create(
                    volunteer=volunteer, to_status=Status.APPLIED, reason=gettext_noop("Applied online")
                )
        except IntegrityError:
            # Two submissions at once: the unique e-mail constraint kept one.
            existing = Volunteer.objects.get(email__iexact=volunteer.email)
    context = {"scheme_name": settings.MYSTERYSHOP_SCHEME_NAME}
    if existing is not None:
        # Named as they gave it now: nothing held about the person goes to whoever typed the address.
        send_email(
            to=existing.email,
            subject=gettext_lazy("Your application to be a mystery shopper"),
            template="volunteers/email/application_already_held.txt",
            context={**context, "first_name": volunteer.first_name},
        )
        return existing
    send_email(
        to=volunteer.email,
        subject=gettext_lazy("Thank you for applying to be a mystery shopper"),
        template="volunteers/email/application_received.txt",
        context={**context, "volunteer": volunteer},
    )
    return volunteer


# --- The lifecycle ------------------------------------------------------------------------


@transaction.atomic
def transition(*, volunteer: Volunteer, to: str, by, reason: str = "", request=None) -> Volunteer:
    """Move a volunteer one allowed step, recording who, when and why.

    Entering training gives the person an account and an invitation to set a
    password; becoming active makes them a volunteer; leaving ends their access.
    """
    if not by.has_role(*OPCC_ROLES):
        raise PermissionDenied("Only OPCC staff can change a volunteer's status.")
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    to = Status(to)
    volunteer.check_step(to)
    if to in (Status.REJECTED, Status.LEFT, Status.PAUSED) and not reason.strip():
        raise ValidationError(gettext("Give a reason for this step."))
    if to == Status.ACTIVE and not reason.strip() and (missing := training_missing(volunteer)):
        raise ValidationError(
            gettext(
                "%(name)s has not done the required training: %(modules)s. Record attendance first, or give the "
                "reason to make them active anyway (they still cannot be booked on visits until it is done)."
            )
            % {"name": volunteer, "modules": ", ".join(missing)}
        )
    volunteer.move_to(to, by=by, reason=reason.strip())
    if to == Status.TRAINING:
        _invite_to_sign_in(volunteer, request=request)
    elif to == Status.ACTIVE:
        _set_role(volunteer.user, Role.VOLUNTEER)
    elif to in (Status.PAUSED,):
        _set_role(volunteer.user, Role.APPLICANT)
    elif to in ENDED_STATUSES and volunteer.user:
        volunteer.user.groups.clear()
        volunteer.user.deactivate()
    if to in (Status.PAUSED, *ENDED_STATUSES):
        # Someone who can no longer go gives up what they are booked on (a partner is told, in visits).
        for step in _stepping_back_steps:
            step(volunteer, to.label.lower())
    return volunteer


# Apps that book volunteers (visits) give up their bookings when someone is paused or leaves.
_stepping_back_steps: list[Callable[[Volunteer, str], None]] = []


def register_stepping_back_step(step: Callable[[Volunteer, str], None]) -> None:
    """`step(volunteer, new_status)` runs when a volunteer is paused, leaves or is not taken forward."""
    if step not in _stepping_back_steps:
        _stepping_back_steps.append(step)


def _set_role(user, role: Role) -> None:
    if user is not None:
        user.groups.set([Group.objects.get_or_create(name=role)[0]])


def _invite_to_sign_in(volunteer: Volunteer, *, request=None) -> None:
    """Give an account (Applicant role until active) and e-mail a link to set a password."""
    User = get_user_model()
    if volunteer.user is None:
        user = User.objects.filter(username__iexact=volunteer.email).first() or User(username=volunteer.email.lower())
        user.email, user.first_name, user.last_name = volunteer.email, volunteer.first_name, volunteer.last_name
        user.language = volunteer.language
        user.is_active = True
        user.set_unusable_password()
        user.save()
        volunteer.user = user
        volunteer.save(update_fields=["user"])
    _set_role(volunteer.user, Role.APPLICANT)
    kwargs = {
        "uidb64": urlsafe_base64_encode(force_bytes(volunteer.user.pk)),
        "token": default_token_generator.make_token(volunteer.user),
    }
    # Made when the e-mail is written, so the link opens pages in the applicant's language.
    link = lazy(lambda: absolute_url(reverse("password_reset_confirm", kwargs=kwargs)), str)()
    send_email(
        to=volunteer.email,
        subject=gettext_lazy("You have been invited to train as a mystery shopper"),
        template="volunteers/email/invitation.txt",
        context={"volunteer": volunteer, "link": link, "username": volunteer.user.username},
    )


# --- Who may be scheduled -------------------------------------------------------------------


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last_day in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)


# The same refresh arithmetic for other requirements that lapse, such as calibration (visits/calibration.py).
months_before = _months_before


def eligible_volunteers(*, on: date):
    """Volunteers who may be scheduled on a day: active, with every required module current.

    A module is current when the volunteer attended a session of it within its
    refresh period before the day (or at any time, if it never expires). One
    queryset, so callers can run a fixed number of queries.
    """
    eligible = Volunteer.objects.filter(status=Status.ACTIVE)
    day_end = timezone.make_aware(datetime.combine(on, datetime.max.time()))
    for module in TrainingModule.objects.filter(required=True):
        attended = TrainingBooking.objects.filter(
            volunteer=OuterRef("pk"), attended=True, session__module=module, session__starts_at__lte=day_end
        )
        if module.refresh_months:
            since = _months_before(on, module.refresh_months)
            attended = attended.filter(session__starts_at__date__gte=since)
        eligible = eligible.filter(Exists(attended))
    return eligible


def training_missing(volunteer: Volunteer, *, record: list[dict] | None = None) -> list[str]:
    """The required modules a volunteer has not done, or must refresh, as of today."""
    record = record if record is not None else training_record(volunteer, on=timezone.localdate())
    return [row["module"].name for row in record if row["module"].required and not row["current"]]


def training_record(volunteer: Volunteer, *, on: date) -> list[dict]:
    """Each module with the volunteer's last attendance and whether it is current.

    A session only counts once it has started, as for `eligible_volunteers`.
    """
    day_end = timezone.make_aware(datetime.combine(on, datetime.max.time()))
    attended = {
        booking.session.module_id: booking.session.starts_at
        for booking in volunteer.training_bookings.filter(attended=True, session__starts_at__lte=day_end)
        .select_related("session")
        .order_by("session__starts_at")
    }
    record = []
    for module in TrainingModule.objects.all():
        last = attended.get(module.pk)
        current = last is not None and (
            not module.refresh_months or timezone.localdate(last) >= _months_before(on, module.refresh_months)
        )
        record.append({"module": module, "last": last, "current": current})
    return record


# --- Training sessions --------------------------------------------------------------------------


def invite(*, session: TrainingSession, volunteers, by) -> int:
    """Invite volunteers to a session; someone already invited is left as they were."""
    count = 0
    for volunteer in volunteers:
        with transaction.atomic():
            _booking, created = TrainingBooking.objects.get_or_create(
                session=session, volunteer=volunteer, defaults={"invited_at": timezone.now()}
            )
            count += created
            if created:
                send_email(
                    to=volunteer.email,
                    subject=gettext_lazy("Training: %(module)s"),
                    template="volunteers/email/training_invitation.txt",
                    context={"volunteer": volunteer, "session": session, "module": session.module},
                )
    return count


@transaction.atomic
def book(*, session: TrainingSession, volunteer: Volunteer) -> TrainingBooking:
    """Book a place, within the session's capacity even when people book at the same moment."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.starts_at <= timezone.now():
        raise ValidationError(gettext("This session has already started."))
    booking, _ = TrainingBooking.objects.get_or_create(session=session, volunteer=volunteer)
    if booking.booked_at:
        return booking
    if session.bookings.filter(booked_at__isnull=False).count() >= session.capacity:
        raise ValidationError(gettext("Sorry, this session is full. Please choose another date."))
    booking.booked_at = timezone.now()
    booking.save(update_fields=["booked_at"])
    return booking


@transaction.atomic
def cancel_training_booking(*, session: TrainingSession, volunteer: Volunteer) -> TrainingBooking:
    """The volunteer gives up their place on a session that has not started; the place is free for
    someone else, and they can book again while there is room. Cancelling twice changes nothing."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    booking = TrainingBooking.objects.filter(session=session, volunteer=volunteer).first()
    if booking is None:
        raise ValidationError(gettext("You are not booked on this session."))
    if booking.booked_at is None:
        return booking
    if session.starts_at <= timezone.now():
        raise ValidationError(
            gettext(
                "This session has already started, so your place cannot be cancelled. "
                "If you could not go, please tell the OPCC."
            )
        )
    booking.booked_at = None
    booking.save(update_fields=["booked_at"])
    return booking


def record_attendance(*, session: TrainingSession, attended_ids: set[int], by) -> None:
    """Who attended a session, recorded once it has started (attendance counts towards being scheduled)."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied("Only coordinators record attendance.")
    if session.starts_at > timezone.now():
        local = timezone.localtime(session.starts_at)
        raise ValidationError(
            gettext(
                "This session has not happened yet. Record who attended once it has started, at %(time)s on %(day)s."
            )
            % {"time": f"{local:%H:%M}", "day": date_format(local, "j F Y")}
        )
    for booking in session.bookings.filter(booked_at__isnull=False):
        booking.attended = booking.volunteer_id in attended_ids
        booking.save(update_fields=["attended"])


# --- Days away --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Booking:
    """Something a volunteer is booked on, on days they say they will be away, and how to give it up."""

    description: str
    give_up: Callable[[], None]


# Apps that depend on this one (visits) list their bookings on given days from their AppConfig.ready().
_booking_finders: list[Callable[[Volunteer, date, date], list[Booking]]] = []


def register_bookings_on_days(find: Callable[[Volunteer, date, date], list[Booking]]) -> None:
    """`find(volunteer, first_day, last_day)` lists what the volunteer is booked on those days (from now on)."""
    if find not in _booking_finders:
        _booking_finders.append(find)


class BookedOnDaysAway(Exception):
    """The volunteer is booked on some of the days they want to add: ask before giving anything up."""

    def __init__(self, bookings: list[Booking]):
        super().__init__(f"{len(bookings)} booking(s) on those days")
        self.bookings = bookings


def bookings_on_days(volunteer: Volunteer, first: date, last: date) -> list[Booking]:
    """What the volunteer is booked on from `first` to `last` that has not started: training here, visits
    from the visits app."""
    tz = timezone.get_current_timezone()
    sessions = TrainingBooking.objects.filter(
        volunteer=volunteer,
        booked_at__isnull=False,
        session__starts_at__gt=timezone.now(),
        session__starts_at__gte=datetime.combine(first, datetime.min.time(), tzinfo=tz),
        session__starts_at__lt=datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz),
    ).select_related("session__module")
    found = [
        Booking(
            description=f"Training: {booking.session}, {booking.session.venue}",
            give_up=lambda booking=booking: cancel_training_booking(session=booking.session, volunteer=volunteer),
        )
        for booking in sessions.order_by("session__starts_at")
    ]
    for find in _booking_finders:
        found += find(volunteer, first, last)
    return found


@transaction.atomic
def add_days_away(*, volunteer: Volunteer, starts_on: date, ends_on: date, give_up: bool = False) -> AwayPeriod:
    """Record days a volunteer will be away, so they are not booked on them.

    Anything already booked on those days is given up only when the volunteer says so
    (`give_up`): otherwise `BookedOnDaysAway` lists it, to ask them first. Giving up a visit
    is declining it, so the coordinator and anyone going with them are told.
    """
    dates.check_days_away(starts_on, ends_on)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    bookings = bookings_on_days(volunteer, starts_on, ends_on)
    if bookings and not give_up:
        raise BookedOnDaysAway(bookings)
    period = AwayPeriod.objects.create(volunteer=volunteer, starts_on=starts_on, ends_on=ends_on)
    for booking in bookings:
        booking.give_up()
    return period


# --- Expenses ---------------------------------------------------------------------------------


def mileage_pence(miles: Decimal) -> int:
    return int((Decimal(miles) * settings.MYSTERYSHOP_MILEAGE_PENCE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@transaction.atomic
def create_expense_claim(
    *, volunteer: Volunteer, purpose: str, items: list[dict], receipts=(), training_session=None
) -> ExpenseClaim:
    """A claim with its items (mileage priced at the scheme rate) and checked receipt files.

    `items` are dicts with kind, description, and miles (for mileage) or amount_pence.
    The visits app calls this for a visit's expenses and links the claim from its side.
    """
    if not items:
        raise ValidationError(gettext("Add at least one item to claim."))
    claim = ExpenseClaim.objects.create(volunteer=volunteer, purpose=purpose, training_session=training_session)
    for item in items:
        amount = mileage_pence(item["miles"]) if item["kind"] == ExpenseItem.Kind.MILEAGE else item["amount_pence"]
        ExpenseItem.objects.create(
            claim=claim,
            kind=item["kind"],
            description=item.get("description", ""),
            miles=item.get("miles"),
            amount_pence=amount,
        )
    for upload in receipts:
        Receipt.objects.create(
            claim=claim, file=upload.checked_file, content_type=upload.checked_type,
            original_name=upload.name[:200], size=upload.checked_file.size,
        )  # fmt: skip
    return claim


@transaction.atomic
def decide_expense_claim(*, claim: ExpenseClaim, by, approve: bool, reason: str = "") -> ExpenseClaim:
    """Approve or reject a waiting claim; a rejection needs a reason the volunteer will read."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied("Only coordinators decide expense claims.")
    claim = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.state != ExpenseClaim.State.SUBMITTED:
        raise ValidationError(gettext("This claim has already been decided."))
    if not approve and not reason.strip():
        raise ValidationError(gettext("Give a reason for rejecting the claim."))
    claim.state = ExpenseClaim.State.APPROVED if approve else ExpenseClaim.State.REJECTED
    claim.decided_by, claim.decided_at, claim.decision_reason = by, timezone.now(), reason.strip()
    claim.save()
    if not approve:  # the volunteer hears why, and how to put it right
        send_email(
            to=claim.volunteer.email,
            subject=gettext_lazy("Your expense claim was not approved"),
            template="volunteers/email/expense_rejected.txt",
            context={"claim": claim},
        )
    return claim


@transaction.atomic
def approve_expense_claims(*, pks: Iterable[int], by) -> tuple[int, int, int]:
    """Approve the chosen claims that are still waiting. Returns how many were approved, their total
    in pence, and how many were not (already decided): pressing the button twice pays each claim once."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied("Only coordinators decide expense claims.")
    chosen = set(pks)
    approved = total = 0
    for claim in ExpenseClaim.objects.filter(pk__in=chosen, state=ExpenseClaim.State.SUBMITTED).order_by("pk"):
        try:
            claim = decide_expense_claim(claim=claim, by=by, approve=True)
        except ValidationError:  # decided by someone else a moment ago
            continue
        approved += 1
        total += claim.total_pence
    return approved, total, len(chosen) - approved


# Apps that link claims to what they were for (visits) carry the link over to a correction.
_correction_steps: list[Callable[[ExpenseClaim, ExpenseClaim], None]] = []


def register_claim_correction_step(step: Callable[[ExpenseClaim, ExpenseClaim], None]) -> None:
    """`step(rejected, correction)` runs when a rejected claim is corrected and sent again."""
    if step not in _correction_steps:
        _correction_steps.append(step)


@transaction.atomic
def correct_expense_claim(
    *, claim: ExpenseClaim, volunteer: Volunteer, purpose: str, items: list[dict], receipts=(), keep_receipts=()
) -> ExpenseClaim:
    """Send a rejected claim again, corrected: a new claim, waiting for approval, in its place.

    The rejected claim stays as it was, with its reason. Receipts already sent that the
    volunteer keeps (`keep_receipts`) are copied to the new claim, beside any new ones. A
    rejected claim is corrected once, however often the form is sent.
    """
    claim = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.volunteer_id != volunteer.pk:
        raise PermissionDenied("This is not your claim.")
    if claim.state != ExpenseClaim.State.REJECTED:
        raise ValidationError(gettext("Only a claim that was not approved can be corrected and sent again."))
    if ExpenseClaim.objects.filter(corrects=claim).exists():
        raise ValidationError(gettext("This claim has already been corrected and sent again."))
    correction = create_expense_claim(
        volunteer=volunteer, purpose=purpose, items=items, receipts=receipts, training_session=claim.training_session
    )
    correction.corrects = claim
    correction.save(update_fields=["corrects"])
    for receipt in claim.receipts.filter(pk__in=[kept.pk for kept in keep_receipts]):
        with receipt.file.open("rb") as handle:
            content = handle.read()
        Receipt.objects.create(
            claim=correction, file=ContentFile(content, name="receipt"), content_type=receipt.content_type,
            original_name=receipt.original_name, size=receipt.size,
        )  # fmt: skip
    for step in _correction_steps:
        step(claim, correction)
    return correction


def approved_claims_rows() -> list[list]:
    """Approved claims for finance, one row per item, then a total for each month (for the CSV export)."""
    rows = [
        [
            gettext("Month"), gettext("Claim"), gettext("Volunteer"), gettext("Purpose"), gettext("Item"),
            gettext("Description"), gettext("Miles"), gettext("Amount (£)"), gettext("Approved on"),
        ]
    ]  # fmt: skip
    totals: dict[str, int] = defaultdict(int)
    items = ExpenseItem.objects.filter(claim__state=ExpenseClaim.State.APPROVED).select_related("claim__volunteer")
    for item in items.order_by("claim__decided_at", "claim_id", "pk"):
        claim = item.claim
        month = timezone.localtime(claim.decided_at).strftime("%Y-%m")
        totals[month] += item.amount_pence
        rows.append([
            month, claim.pk, str(claim.volunteer), claim.purpose, item.get_kind_display(), item.description,
            item.miles or "", f"{item.amount_pence / 100:.2f}", timezone.localtime(claim.decided_at).date().isoformat(),
        ])  # fmt: skip
    rows.append([])
    rows.append([gettext("Month"), gettext("Total (£)")])
    for month in sorted(totals):
        rows.append([month, f"{totals[month] / 100:.2f}"])
    return rows


# --- Privacy -------------------------------------------------------------------------------------


ANONYMOUS = "Anonymised"

# What other apps hold about a person. Apps that depend on this one (visits) add to the
# subject-access export and to anonymisation from their AppConfig.ready(); this app never
# imports them.
_export_sections: dict[str, Callable[[Volunteer], object]] = {}
_erasure_steps: list[Callable[[Volunteer], None]] = []


def register_subject_access_section(name: str, collect: Callable[[Volunteer], object]) -> None:
    """Add a section to every subject-access export: `collect(volunteer)` returns plain data."""
    _export_sections[name] = collect


def register_erasure_step(step: Callable[[Volunteer], None]) -> None:
    """Add a step to anonymisation: `step(volunteer)` removes what its app holds that identifies them."""
    if step not in _erasure_steps:
        _erasure_steps.append(step)


@dataclass(frozen=True)
class HomeItem:
    """Something waiting for the volunteer, shown first on their home page, with a link to do it."""

    title: str
    text: str
    url: str
    link_text: str


# Sections other apps add to the volunteer's home page (heading, collect), in the order added.
_home_sections: list[tuple[str, Callable[[Volunteer], list[HomeItem]]]] = []


def register_home_section(heading: str, collect: Callable[[Volunteer], list[HomeItem]]) -> None:
    """Add a section to the top of every volunteer's home page, shown when `collect(volunteer)` finds items."""
    if (heading, collect) not in _home_sections:
        _home_sections.append((heading, collect))


def home_sections(volunteer: Volunteer) -> list[tuple[str, list[HomeItem]]]:
    found = [(heading, collect(volunteer)) for heading, collect in _home_sections]
    return [(heading, items) for heading, items in found if items]


@transaction.atomic
def anonymise(volunteer: Volunteer) -> None:
    """Remove personal data but keep the record, its history and what it contributed to results."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    for address in {volunteer.email, volunteer.user.email if volunteer.user else ""}:
        mail.forget_address(address)
    volunteer.first_name, volunteer.last_name = ANONYMOUS, f"volunteer {volunteer.pk}"
    volunteer.email = f"anonymised-{volunteer.pk}@invalid.example"
    volunteer.phone = "+441632960000"  # an Ofcom drama number: never a real person
    volunteer.postcode = ""
    volunteer.date_of_birth = date(volunteer.date_of_birth.year, 1, 1)  # the year stays for age-band statistics
    for field in ("needs", "usual_times", "relatives_in_force", "convictions_details"):
        setattr(volunteer, field, "")
    volunteer.anonymised_at = timezone.now()
    volunteer.save()
    volunteer.status_changes.update(reason="")
    volunteer.availability.all().delete()
    volunteer.away_periods.all().delete()
    for receipt in Receipt.objects.filter(claim__volunteer=volunteer):
        receipt.file.delete(save=False)
        receipt.delete()
    ExpenseItem.objects.filter(claim__volunteer=volunteer).update(description="")
    ExpenseClaim.objects.filter(volunteer=volunteer).update(decision_reason="")
    for step in _erasure_steps:
        step(volunteer)
    if volunteer.user:
        user = volunteer.user
        volunteer.user = None
        volunteer.save(update_fields=["user"])
        user.delete()


def anonymise_expired(*, now: datetime | None = None) -> int:
    """Anonymise everyone whose retention period has ended.

    People who left: `MYSTERYSHOP_RETENTION_DAYS` after leaving. Unsuccessful applicants
    (rejected): `MYSTERYSHOP_REJECTED_RETENTION_DAYS` after the decision.
    """
    now = now or timezone.now()
    left_before = now - timedelta(days=settings.MYSTERYSHOP_RETENTION_DAYS)
    rejected_before = now - timedelta(days=settings.MYSTERYSHOP_REJECTED_RETENTION_DAYS)
    expired = Volunteer.objects.filter(anonymised_at__isnull=True).filter(
        Q(status=Status.LEFT, ended_at__lte=left_before) | Q(status=Status.REJECTED, ended_at__lte=rejected_before)
    )
    count = 0
    for volunteer in expired:
        anonymise(volunteer)
        count += 1
    return count


@transaction.atomic
def erase(*, volunteer: Volunteer, by, reason: str) -> Volunteer:
    """Erase a person at their request: anonymise them now, keeping approved results without their identity.

    Someone still in the scheme is first moved to "left" (or "not taken forward" before
    training), with the reason, so they can no longer be scheduled or sign in. The answers
    they gave stay, attached to the anonymised record; an audit event records who erased whom.
    """
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied("Only coordinators erase a person's data.")
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.anonymised_at:
        raise ValidationError(gettext("This person's data has already been erased."))
    if not reason.strip():
        raise ValidationError(gettext("Give the reason, for example the date they asked to be erased."))
    if volunteer.status not in ENDED_STATUSES:
        allowed = TRANSITIONS[Status(volunteer.status)]
        to = Status.LEFT if Status.LEFT in allowed else Status.REJECTED
        transition(volunteer=volunteer, to=to, by=by, reason=reason)
    anonymise(volunteer)
    # No name and no reason in the audit log: it cannot be erased itself.
    audit.record(AuditAction.ERASED, user=by, obj=volunteer, description="anonymised on request; results kept")
    volunteer.refresh_from_db()
    return volunteer


def delete_expired_receipts(*, now: datetime | None = None) -> int:
    """Delete receipt files `MYSTERYSHOP_RECEIPT_RETENTION_DAYS` after their claim was decided.

    The claim, its items and amounts stay (finance has the approved-claims CSV).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MYSTERYSHOP_RECEIPT_RETENTION_DAYS)
    return delete_with_files(Receipt.objects.filter(claim__decided_at__lte=cutoff))


def forget_application_addresses(*, now: datetime | None = None) -> int:
    """Delete the records of applications sent (hashed client addresses) once they no longer throttle anything."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=max(1, settings.MYSTERYSHOP_THROTTLE_RECORD_HOURS))
    return ApplicationAttempt.objects.filter(at__lte=cutoff).delete()[0]


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def subject_access_export(volunteer: Volunteer) -> dict:
    """Everything held about one person, as plain data for a subject-access request.

    Their profile and application, status history, availability and days away, training,
    expense claims, what other apps hold (their visits, reports and answers), and the audit
    events about them or done by them.
    """
    user = volunteer.user
    data = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "first_name": volunteer.first_name,
            "last_name": volunteer.last_name,
            "email": volunteer.email,
            "phone": str(volunteer.phone),
            "postcode": volunteer.postcode,
            "date_of_birth": volunteer.date_of_birth.isoformat(),
            "status": volunteer.status,
            "applied_at": volunteer.applied_at.isoformat(),
            "ended_at": _iso(volunteer.ended_at),
            "anonymised_at": _iso(volunteer.anonymised_at),
            "heard_about": volunteer.heard_about,
            "needs": volunteer.needs,
            "usual_times": volunteer.usual_times,
            "gender": volunteer.gender,
            "disability_or_access_needs": volunteer.disability,
        },
        "account": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "active": user.is_active,
            "date_joined": _iso(user.date_joined),
            "last_sign_in": _iso(user.last_login),
            "roles": sorted(user.groups.values_list("name", flat=True)),
        }
        if user
        else None,
        "declarations": {
            "works_or_volunteers_for_the_force": volunteer.force_connection,
            "close_relatives_in_the_force": volunteer.relatives_in_force,
            "unspent_convictions": volunteer.unspent_convictions,
            "convictions_details": volunteer.convictions_details,
            "privacy_notice_version": volunteer.privacy_notice_id,
            "consented_at": _iso(volunteer.consented_at),
        },
        "status_history": [
            {"from": c.from_status, "to": c.to_status, "at": c.at.isoformat(), "reason": c.reason}
            for c in volunteer.status_changes.all()
        ],
        "availability": [{"weekday": a.get_weekday_display(), "band": a.band} for a in volunteer.availability.all()],
        "away": [{"from": a.starts_on.isoformat(), "to": a.ends_on.isoformat()} for a in volunteer.away_periods.all()],
        "training": [
            {
                "module": b.session.module.name,
                "session": b.session.starts_at.isoformat(),
                "venue": b.session.venue,
                "invited_at": _iso(b.invited_at),
                "booked_at": _iso(b.booked_at),
                "attended": b.attended,
            }
            for b in volunteer.training_bookings.select_related("session__module")
        ],
        "expense_claims": [
            {
                "purpose": claim.purpose,
                "state": claim.state,
                "submitted_at": claim.submitted_at.isoformat(),
                "decided_at": _iso(claim.decided_at),
                "decision_reason": claim.decision_reason,
                "items": [
                    {
                        "kind": i.kind,
                        "description": i.description,
                        "miles": str(i.miles or ""),
                        "amount_pence": i.amount_pence,
                    }
                    for i in claim.items.all()
                ],  # fmt: skip
                "receipts": [r.original_name for r in claim.receipts.all()],
            }
            for claim in volunteer.expense_claims.prefetch_related("items", "receipts")
        ],
    }
    for name, collect in _export_sections.items():
        data[name] = collect(volunteer)
    data["audit_events"] = [
        {
            "at": event.at.isoformat(),
            "by": event.username,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "description": event.description,
            "client_address": event.ip,
        }
        for event in audit.events_about(
            user_id=volunteer.user_id,
            objects={"volunteers.volunteer": [volunteer.pk], **_audited_objects(volunteer)},
        )
    ]
    return data


# Other apps' records that belong to a person, for the audit events about them: label → function giving ids.
_audited_object_ids: dict[str, Callable[[Volunteer], list]] = {}


def register_audited_objects(label: str, ids: Callable[[Volunteer], list]) -> None:
    """Audit events on these records (`ids(volunteer)`) are about the person, and go in their export."""
    _audited_object_ids[label] = ids


def _audited_objects(volunteer: Volunteer) -> dict[str, list]:
    return {label: ids(volunteer) for label, ids in _audited_object_ids.items()}


def applications_summary() -> list[tuple[str, int]]:
    """How many people are at each stage, in lifecycle order."""
    counts = dict(Volunteer.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return [(status.label, counts.get(status.value, 0)) for status in Status]


def search(queryset, query: str):
    for word in query.split():
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(postcode__icontains=word)
        )
    return queryset
