"""The people who do the mystery shopping, from application to leaving."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from mysteryshop.models import Language, Lifecycle, StatusHistory
from mysteryshop.roles import OPCC_ROLES, Role

LONDON = ZoneInfo("Europe/London")


class PrivacyNotice(models.Model):
    """The privacy notice applicants consent to. Each change is a new version."""

    text = models.TextField(
        verbose_name=_("Text"),
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return f"Privacy notice of {self.published_at:%d %B %Y}"

    @classmethod
    def current(cls) -> PrivacyNotice | None:
        return cls.objects.first()


class Status(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENING = "screening", _("Screening")
    TRAINING = "training", _("In training")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    LEFT = "left", _("Left")
    REJECTED = "rejected", _("Not taken forward")


# The one table of allowed steps.
TRANSITIONS = {
    Status.APPLIED: {Status.SCREENING, Status.REJECTED},
    Status.SCREENING: {Status.TRAINING, Status.REJECTED},
    Status.TRAINING: {Status.ACTIVE, Status.LEFT, Status.REJECTED},
    Status.ACTIVE: {Status.PAUSED, Status.LEFT},
    Status.PAUSED: {Status.ACTIVE, Status.LEFT},
    Status.LEFT: set(),
    Status.REJECTED: set(),
}
ENDED_STATUSES = (Status.LEFT, Status.REJECTED)


class ForceConnection(models.TextChoices):
    NONE = "none", _("No")
    OFFICER = "officer", _("Yes, as a police officer")
    STAFF = "staff", _("Yes, as police staff")
    SPECIAL = "special", _("Yes, as a special constable")
    VOLUNTEER = "volunteer", _("Yes, as a police support volunteer")


class HeardAbout(models.TextChoices):
    WEBSITE = "website", _("The Commissioner's website")
    SOCIAL = "social", _("Social media")
    NEWS = "news", _("Newspaper, radio or TV")
    FRIEND = "friend", _("A friend or family member")
    VOLUNTEERING = "volunteering", _("Another volunteering scheme")
    OTHER = "other", _("Somewhere else")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    OTHER = "other", _("In another way")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


class Disability(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


# Age bands for the mix of volunteers, worked out from the date of birth already held for eligibility.
AGE_BANDS = [
    (0, _("Under 18")), (18, _("18 to 24")), (25, _("25 to 34")), (35, _("35 to 44")), (45, _("45 to 54")),
    (55, _("55 to 64")), (65, _("65 and over")),
]  # fmt: skip


def age_band(age: int) -> str:
    """The label of the band an age falls in."""
    label = AGE_BANDS[0][1]
    for lowest, name in AGE_BANDS:
        if age >= lowest:
            label = name
    return str(label)


def adult_born_by(day: date) -> date:
    """The latest date of birth of someone who is 18 or over on `day`."""
    try:
        return day.replace(year=day.year - 18)
    except ValueError:  # 29 February: whoever was born on 28 February eighteen years before is 18
        return day.replace(year=day.year - 18, day=28)


class Band(models.TextChoices):
    MORNING = "morning", _("Morning (8am to 12 noon)")
    AFTERNOON = "afternoon", _("Afternoon (12 noon to 5pm)")
    EVENING = "evening", _("Evening (5pm to 9pm)")


BAND_HOURS = {
    Band.MORNING: (time(8), time(12)),
    Band.AFTERNOON: (time(12), time(17)),
    Band.EVENING: (time(17), time(21)),
}
WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]  # fmt: skip


def bands_covering(start: datetime, end: datetime) -> list[str] | None:
    """The availability bands a visit window touches, or None if it falls outside them all."""
    local_start, local_end = start.astimezone(LONDON).time(), end.astimezone(LONDON).time()
    bands = [band for band, (opens, closes) in BAND_HOURS.items() if local_start < closes and local_end > opens]
    first, last = BAND_HOURS[Band.MORNING][0], BAND_HOURS[Band.EVENING][1]
    if not bands or local_start < first or local_end > last:
        return None
    return bands


class VolunteerQuerySet(models.QuerySet):
    def adults_on(self, day: date):
        """Those 18 or over on `day`: `Volunteer.is_under_18_on` as a query."""
        return self.filter(date_of_birth__lte=adult_born_by(day))

    def under_18_on(self, day: date):
        return self.filter(date_of_birth__gt=adult_born_by(day))

    def visible_to(self, user):
        """OPCC staff see everyone; a volunteer or applicant sees only their own record."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*OPCC_ROLES):
            return self
        if user.has_role(Role.VOLUNTEER, Role.APPLICANT):
            return self.filter(user=user)
        return self.none()

    def available_between(self, start: datetime, end: datetime):
        """Volunteers whose weekly pattern covers the window and who are not away that day."""
        bands = bands_covering(start, end)
        if bands is None or start.astimezone(LONDON).date() != end.astimezone(LONDON).date():
            return self.none()
        day = start.astimezone(LONDON).date()
        covered = self
        for band in bands:
            covered = covered.filter(
                models.Exists(
                    Availability.objects.filter(volunteer=models.OuterRef("pk"), weekday=day.weekday(), band=band)
                )
            )
        away = AwayPeriod.objects.filter(volunteer=models.OuterRef("pk"), starts_on__lte=day, ends_on__gte=day)
        return covered.exclude(models.Exists(away))


class Volunteer(Lifecycle, models.Model):
    """A person's record from their application on."""

    transitions = TRANSITIONS
    refusal = _("Someone who is “%(current)s” cannot be moved to “%(wanted)s”.")
    step_fields = ["status", "ended_at"]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="volunteer"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    phone = PhoneNumberField(region="GB")
    postcode = models.CharField(max_length=10)
    date_of_birth = models.DateField()
    heard_about = models.CharField(max_length=20, choices=HeardAbout.choices, blank=True)
    needs = models.TextField(_("Accessibility or other needs"), blank=True)
    # Optional, declared by the volunteer, used only to mix pairs and to show who visited (blank: not answered).
    gender = models.CharField(
        _("How would you describe your gender?"), max_length=20, choices=Gender.choices, blank=True
    )
    disability = models.CharField(
        _("Do you have a disability, long-term condition or access needs?"),
        max_length=20,
        choices=Disability.choices,
        blank=True,
    )
    usual_times = models.TextField(_("Times you could usually help"), blank=True)
    force_connection = models.CharField(max_length=20, choices=ForceConnection.choices, default=ForceConnection.NONE)
    relatives_in_force = models.TextField(_("Close relatives who work or volunteer for the force"), blank=True)
    unspent_convictions = models.BooleanField(default=False)
    convictions_details = models.TextField(blank=True)
    privacy_notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, null=True, related_name="+")
    consented_at = models.DateTimeField(null=True)
    applied_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # The language of their e-mails, calendar files and documents: the page's language when they applied,
    # then their choice (see mysteryshop.languages).
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="volunteer_unique_email",
                violation_error_message=_("We already have someone with this email address."),
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True) | Q(status__in=["left", "rejected"]),
                name="volunteer_only_ended_records_anonymised",
                violation_error_message=_(
                    "Only the record of someone who has left, or was not taken forward, can be anonymised."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:volunteer-detail", args=[self.pk])

    @property
    def postcode_district(self) -> str:
        """The outward part of the postcode ("ST16"), for nearness."""
        return self.postcode.split(" ")[0] if self.postcode else ""

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def is_under_18_on(self, day: date) -> bool:
        """The one test of "under 18" (`adult_born_by`), which the database's trigger mirrors."""
        return self.date_of_birth > adult_born_by(day)

    def age_band_on(self, day: date) -> str:
        return age_band(self.age_on(day))

    def on_step(self, status, *, reason):
        self.ended_at = timezone.now() if status in ENDED_STATUSES else None

    def record_step(self, previous, status, *, by, reason):
        StatusChange.objects.create(volunteer=self, from_status=previous, to_status=status, by=by, reason=reason)

    def allowed_next(self) -> list[Status]:
        return sorted(TRANSITIONS[Status(self.status)], key=list(Status).index)


class StatusChange(StatusHistory):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)


class Availability(models.Model):
    """One weekday and part of the day a volunteer can usually help."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    band = models.CharField(max_length=10, choices=Band.choices)

    class Meta:
        ordering = ["weekday", "band"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "weekday", "band"],
                name="availability_unique_slot",
                violation_error_message=_("That time is already ticked."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.band}"


class AwayPeriod(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="away_periods")
    starts_on = models.DateField(_("First day away"))
    ends_on = models.DateField(_("Last day away"))

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="away_period_ends_after_start",
                violation_error_message=_("The last day away must be on or after the first day."),
            )
        ]

    def __str__(self) -> str:
        return gettext("Away %(first)s to %(last)s") % {
            "first": date_format(self.starts_on, "j M"),
            "last": date_format(self.ends_on, "j M Y"),
        }

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": gettext("The last day away must be on or after the first day.")})


# --- Training ---------------------------------------------------------------------


class TrainingModule(models.Model):
    """A training topic; required ones must be current for a volunteer to be scheduled."""

    name = models.CharField(verbose_name=_("Name"), max_length=100, unique=True)
    required = models.BooleanField(default=True)
    refresh_months = models.PositiveSmallIntegerField(
        verbose_name=_("Refresh months"),
        null=True,
        blank=True,
        help_text=gettext_lazy("How often it must be refreshed; blank if it never expires."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    module = models.ForeignKey(
        TrainingModule, verbose_name=_("Module"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(
        verbose_name=_("Starts at"),
    )
    ends_at = models.DateTimeField(
        verbose_name=_("Ends at"),
    )
    venue = models.CharField(verbose_name=_("Venue"), max_length=200)
    capacity = models.PositiveSmallIntegerField(verbose_name=_("Capacity"), default=12)
    trainer = models.CharField(verbose_name=_("Trainer"), max_length=100)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="training_ends_after_start",
                violation_error_message=_("The session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="training_capacity_positive",
                violation_error_message=_("A session needs at least one place."),
            ),
        ]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.starts_at), "D j M Y, H:i")
        return gettext("%(module)s on %(when)s") % {"module": self.module, "when": when}

    def get_absolute_url(self) -> str:
        return reverse("volunteers:training-detail", args=[self.pk])


class TrainingBooking(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="bookings")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="training_bookings")
    invited_at = models.DateTimeField(null=True, blank=True)
    booked_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, help_text=gettext_lazy("Recorded by the coordinator after the session."))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "volunteer"],
                name="training_booking_once",
                violation_error_message=_("This person is already invited to or booked on this session."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} at {self.session}"


# --- Expenses ---------------------------------------------------------------------


def pounds(pence: int) -> str:
    """An amount of money as people write it: £12.50."""
    return f"£{pence / 100:,.2f}"


class ExpenseClaim(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="expense_claims")
    purpose = models.CharField(_("What the claim is for"), max_length=200)
    training_session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # A rejected claim is corrected by sending a new one in its place, once; the rejected one stays as it was.
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction",
        help_text=gettext_lazy("The rejected claim this one corrects."),
    )  # fmt: skip

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.volunteer})"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:expense-detail", args=[self.pk])

    @property
    def total_pence(self) -> int:
        return sum(item.amount_pence for item in self.items.all())

    @property
    def total_display(self) -> str:
        return pounds(self.total_pence)

    @property
    def was_corrected(self) -> bool:
        return hasattr(self, "correction")


class ExpenseItem(models.Model):
    class Kind(models.TextChoices):
        MILEAGE = "mileage", _("Mileage")
        FARE = "fare", _("Bus or train fare")
        PARKING = "parking", _("Parking")
        OTHER = "other", _("Other")

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.CharField(max_length=200, blank=True)
    miles = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    amount_pence = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_pence__lte=100_000),
                name="expense_item_under_1000",
                violation_error_message=_(
                    "One item of a claim can be at most £1,000. For more, please talk to the OPCC."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_display}"

    @property
    def amount_display(self) -> str:
        return pounds(self.amount_pence)


def receipt_path(instance, filename):
    # Random names: nothing about the person or the file leaks into the path.
    from uuid import uuid4

    return f"receipts/{instance.claim_id}/{uuid4().hex}"


class Receipt(models.Model):
    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="receipts")
    file = models.FileField(upload_to=receipt_path)
    content_type = models.CharField(max_length=50)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


class ApplicationAttempt(models.Model):
    """One application sent from the public form, kept an hour or so to throttle them (PostgreSQL, not Redis).

    Every complete application counts, new or not: an address already on file gets the same
    page as a new one, so the limit is what stops anyone trying address after address.
    `client` is a salted hash: enough to count, not to tell who sent it.
    """

    at = models.DateTimeField(default=timezone.now)
    client = models.CharField(max_length=64, help_text=gettext_lazy("A salted hash of the client address."))

    class Meta:
        indexes = [models.Index(fields=["client", "at"], name="application_attempt_client_at")]

    def __str__(self) -> str:
        return f"Application sent at {self.at:%Y-%m-%d %H:%M}"
