"""Visits: unannounced, paired, planned a quarter ahead, and kept secret from the force."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mysteryshop.models import Lifecycle, StatusHistory
from mysteryshop.roles import OPCC_ROLES, Role
from scenarios.models import IN_PERSON_CHANNELS, ContactPoint, Scenario
from volunteers.models import Volunteer


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ASSIGNED = "assigned", _("Volunteers assigned")
    CONFIRMED = "confirmed", _("Confirmed by the volunteers")
    COMPLETED = "completed", _("Completed")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


# The one table of allowed steps.
VISIT_TRANSITIONS = {
    # A visit made by fewer volunteers than planned still counts once a report arrives.
    VisitStatus.PLANNED: {VisitStatus.ASSIGNED, VisitStatus.COMPLETED, VisitStatus.CANCELLED},
    VisitStatus.ASSIGNED: {
        VisitStatus.CONFIRMED,
        VisitStatus.COMPLETED,
        VisitStatus.PLANNED,
        VisitStatus.CANCELLED,
        VisitStatus.MISSED,
    },
    VisitStatus.CONFIRMED: {
        VisitStatus.COMPLETED,
        VisitStatus.MISSED,
        VisitStatus.ASSIGNED,
        VisitStatus.PLANNED,
        VisitStatus.CANCELLED,
    },
    VisitStatus.COMPLETED: set(),
    VisitStatus.MISSED: set(),
    VisitStatus.CANCELLED: set(),
}
OPEN_STATUSES = (VisitStatus.PLANNED, VisitStatus.ASSIGNED, VisitStatus.CONFIRMED)


class QuarterPlan(models.Model):
    """A quarter's drafted visits; reproducible from its seed until confirmed."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(choices=[(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")])
    seed = models.BigIntegerField()
    targets = models.JSONField(default=dict, help_text=_("Visits wanted per contact point id."))
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter"],
                condition=Q(state="confirmed"),
                name="one_confirmed_plan_per_quarter",
                violation_error_message=_("Another plan for this quarter is already confirmed."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="plan_quarter_1_to_4",
                violation_error_message=_("Choose a quarter from 1 to 4."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Q%(quarter)s %(year)s plan (%(state)s)") % {
            "quarter": self.quarter,
            "year": self.year,
            "state": self.get_state_display(),
        }

    def get_absolute_url(self) -> str:
        return reverse("visits:plan-detail", args=[self.pk])

    @property
    def name(self) -> str:
        """`str(plan)` in the page's language, for pages (the English `str` is what the history keeps)."""
        return gettext("Q%(quarter)s %(year)s plan (%(state)s)") % {
            "quarter": self.quarter,
            "year": self.year,
            "state": self.get_state_display().lower(),
        }


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """OPCC staff see the schedule; a volunteer sees visits they are booked on; nobody else sees any.

        This is what keeps the schedule secret from the force: force liaison
        get an empty queryset here, whatever the page.
        """
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*OPCC_ROLES):
            return self
        if user.has_role(Role.VOLUNTEER):
            return self.filter(assignments__volunteer__user=user, assignments__declined_at__isnull=True).distinct()
        return self.none()

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def with_booked(self):
        """Each visit with `booked`: how many volunteers hold a place on it (declined ones do not)."""
        places = (
            Assignment.objects.active()
            .filter(visit=OuterRef("pk"))
            .order_by()
            .values("visit")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(booked=Coalesce(Subquery(places), 0))

    def held(self):
        """In-person visits that may not go ahead as they stand, for the volunteers' safety.

        Open, with someone booked, and either short of a volunteer (an in-person visit always
        takes two) or, since someone dropped out (`short_since`), waiting for the volunteer
        booked in their place to accept. Nobody checks in to one; it is cancelled if it is still
        held `MYSTERYSHOP_HELD_VISIT_CANCEL_HOURS` before it starts.
        """
        return (
            self.open()
            .filter(contact_point__channel__in=IN_PERSON_CHANNELS)
            .with_booked()
            .filter(booked__gte=1)
            .filter(Q(booked__lt=F("scenario__volunteers_needed")) | Q(short_since__isnull=False))
        )


class Visit(Lifecycle, models.Model):
    transitions = VISIT_TRANSITIONS
    refusal = _("A visit that is “%(current)s” cannot become “%(wanted)s”.")
    step_fields = ["status", "cancel_reason"]

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="visits")
    contact_point = models.ForeignKey(ContactPoint, on_delete=models.PROTECT, related_name="visits")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    plan = models.ForeignKey(QuarterPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="visits")
    cancel_reason = models.TextField(blank=True)
    nudged_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When volunteers were asked for a missing report.")
    )
    # Set when a booked volunteer drops out of an in-person visit (declines, is away, is erased);
    # cleared once the visit has its pair again and whoever was booked since has accepted.
    short_since = models.DateTimeField(
        null=True, blank=True, help_text=_("Since when the visit has been held short of a volunteer.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A new questionnaire version tried out on this visit: its reports are reviewed as usual but never
    # count in the results; the questionnaire health page shows their agreement.
    pilot_version = models.ForeignKey(
        "scenarios.QuestionnaireVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pilot_visits",
        verbose_name=_("Pilot questionnaire version"),
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="visit_ends_after_start",
                violation_error_message=_("The visit must end after it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            # The visit list pages by time, both ways (upcoming and past): a page is read off the index.
            models.Index(fields=["starts_at", "id"], name="visit_starts_at_id"),
        ]

    def __str__(self) -> str:
        return gettext("%(scenario)s at %(place)s on %(when)s") % {
            "scenario": self.scenario.shown("title"),
            "place": self.contact_point,
            "when": date_format(timezone.localtime(self.starts_at), "D j M Y H:i"),
        }

    def get_absolute_url(self) -> str:
        return reverse("visits:visit-detail", args=[self.pk])

    @property
    def volunteers_needed(self) -> int:
        """The scenario's number, the one source (the database makes anything in person two)."""
        return self.scenario.volunteers_needed

    @property
    def in_person(self) -> bool:
        return self.contact_point.channel in IN_PERSON_CHANNELS

    def awaits_acceptance_from(self, assignment) -> bool:
        """Whether this visit, held since someone dropped out, waits for `assignment`'s volunteer to accept."""
        return bool(
            self.short_since
            and assignment.accepted_at is None
            and assignment.declined_at is None
            and assignment.assigned_at >= self.short_since
        )

    def hold_reason(self) -> str:
        """Why this visit may not go ahead as it stands, in words for its volunteers; empty if it may.

        The rule of `VisitQuerySet.held`, for one visit.
        """
        if not self.in_person or self.status not in OPEN_STATUSES:
            return ""
        booked = self.assignments.active().count()
        if not booked:
            return ""
        if booked < self.volunteers_needed and self.short_since:
            return gettext(
                "This visit is on hold: the volunteer going with you can no longer go. Please do not go alone."
            )
        if booked < self.volunteers_needed:
            return gettext(
                "This visit is on hold: it needs two volunteers and only one is booked. Please do not go alone."
            )
        if self.short_since:
            return gettext(
                "This visit is on hold until the volunteer newly booked on it accepts. Please do not go alone."
            )
        return ""

    def on_step(self, status, *, reason):
        if status == VisitStatus.CANCELLED:
            self.cancel_reason = reason

    def record_step(self, previous, status, *, by, reason):
        VisitEvent.objects.create(visit=self, from_status=previous, to_status=status, by=by, reason=reason)


class VisitEvent(StatusHistory):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=VisitStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=VisitStatus.choices)


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(declined_at__isnull=True)


class Assignment(models.Model):
    """One volunteer's place on a visit.

    `blocked_from`/`blocked_until` are the visit window widened by the travel
    buffer; on PostgreSQL an exclusion constraint refuses two overlapping
    active bookings for one volunteer (migration 0002).
    """

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="assignments")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="assignments")
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    calendar_sequence = models.PositiveIntegerField(default=0)
    # In-person visits: the volunteer's own check-in on arrival and check-out on leaving (their safety).
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    # "I think I was recognised": the report is kept out of the results and the volunteer kept away
    # from this contact point for MYSTERYSHOP_RECOGNISED_LOCKOUT_DAYS.
    recognised_at = models.DateTimeField(null=True, blank=True)
    recognised_note = models.TextField(blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["visit__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "volunteer"],
                condition=Q(declined_at__isnull=True),
                name="assignment_once_per_visit",
                violation_error_message=_("This volunteer is already booked on this visit."),
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gt=models.F("blocked_from")),
                name="assignment_block_ends_after_start",
                violation_error_message=_("A booking must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} on {self.visit}"

    def get_absolute_url(self) -> str:
        return reverse("visits:assignment-detail", args=[self.pk])

    @property
    def ics_uid(self) -> str:
        return f"assignment-{self.pk}@mysteryshop"

    @staticmethod
    def block_for(visit: Visit) -> tuple:
        buffer = timedelta(minutes=settings.MYSTERYSHOP_BOOKING_BUFFER_MINUTES)
        return visit.starts_at - buffer, visit.ends_at + buffer


class SafetyAlert(models.Model):
    """Coordinators were told that a pair had not both checked out of an in-person visit in time.

    One per visit (the task that raises it may run any number of times); a
    coordinator resolves it with a note once the volunteers are known to be safe.
    """

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="safety_alert")
    raised_at = models.DateTimeField(default=timezone.now)
    sent_to = models.TextField(blank=True, help_text=_("The coordinators emailed, one address a line."))
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution_note=""),
                name="safety_alert_resolved_with_note",
                violation_error_message=_("Say how you know the volunteers are safe."),
            )
        ]

    def __str__(self) -> str:
        return f"Not checked out: {self.visit}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class StandardComment(models.Model):
    """A comment reviewers reuse when they return a report for correction."""

    title = models.CharField(_("Short name"), max_length=100, unique=True)
    text = models.TextField(_("Comment"), max_length=5000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Conflict(models.Model):
    """A volunteer must never visit this contact point (they work there, a relative does...)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="conflicts")
    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "contact_point"],
                name="conflict_once",
                violation_error_message=_("This conflict of interest is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} ✕ {self.contact_point}"


# --- Questionnaire capture --------------------------------------------------------------


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """OPCC staff see every report; a volunteer only their own; nobody else any."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*OPCC_ROLES):
            return self
        if user.has_role(Role.VOLUNTEER):
            return self.filter(assignment__volunteer__user=user)
        return self.none()

    def awaiting_review(self):
        # A practice report is compared with its key, not reviewed: it never counts.
        return self.filter(status=SubmissionStatus.SUBMITTED, practice=False).order_by("submitted_at", "pk")

    def with_flags(self):
        """Each report with what a reviewer must look at before approving it (read by `Submission.flags`)."""
        return self.annotate(
            was_corrected=Exists(AnswerChange.objects.filter(submission=OuterRef("pk"))),
            had_safety_alert=Exists(SafetyAlert.objects.filter(visit=OuterRef("assignment__visit"))),
            was_recognised=ExpressionWrapper(Q(assignment__recognised_at__isnull=False), output_field=BooleanField()),
        )

    def unflagged(self):
        """Reports with nothing for a reviewer to look at first: these may be approved together."""
        return self.with_flags().filter(
            low_agreement=False, excluded=False, was_corrected=False, had_safety_alert=False, was_recognised=False
        )

    def in_results(self):
        """Reports that count: approved, and not kept out of the results (a volunteer recognised,
        a result voided on appeal, a practice report, a report on a pilot questionnaire)."""
        return self.filter(status=SubmissionStatus.APPROVED, excluded=False, practice=False, pilot=False)


class Submission(models.Model):
    """One volunteer's report on one visit: one per assignment, however often they press submit."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="submission")
    version = models.ForeignKey("scenarios.QuestionnaireVersion", on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    # Scores are kept with the report so later rule changes do not rewrite history.
    scores = models.JSONField(default=dict, blank=True, help_text=_("Percentage met per commitment area slug."))
    overall_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    agreement = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    low_agreement = models.BooleanField(default=False)
    # Set in the same transaction as approval; the results capability clears it once rolled up.
    needs_rollup = models.BooleanField(default=False)
    # Kept out of the results though approved (see capture.exclude_from_results), with the reason why.
    excluded = models.BooleanField(default=False)
    excluded_reason = models.CharField(max_length=300, blank=True)
    # Never in the results: a volunteer's practice against an answer key, or a report on a pilot
    # questionnaire version. Set when the report is started, from its visit.
    practice = models.BooleanField(default=False)
    pilot = models.BooleanField(default=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["needs_rollup"], condition=Q(needs_rollup=True), name="submission_needs_rollup")
        ]

    def __str__(self) -> str:
        return f"Report by {self.assignment.volunteer} on {self.assignment.visit}"

    def get_absolute_url(self) -> str:
        return reverse("visits:report-check", args=[self.assignment_id])

    @property
    def is_editable(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)

    @property
    def flags(self) -> list[str]:
        """What a reviewer must look at before approving, in words (needs `with_flags()`)."""
        found = [
            (self.low_agreement, gettext("The two volunteers disagree on many scored questions")),
            (self.was_recognised, gettext("The volunteer thinks they were recognised")),
            (self.excluded and not self.was_recognised, gettext("Kept out of the results")),
            (self.had_safety_alert, gettext("A safety alert was raised on this visit")),
            (self.was_corrected, gettext("Corrected after being returned")),
        ]
        return [words for flagged, words in found if flagged]

    @property
    def reference(self) -> str:
        """What the volunteer and the OPCC quote to each other about this report."""
        return f"MS-{self.pk:06d}"


class Notable(models.TextChoices):
    NONE = "", _("Nothing notable")
    GOOD_PRACTICE = "good_practice", _("Notable good practice")
    CONCERN = "concern", _("A concern")


class Answer(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("scenarios.Question", on_delete=models.PROTECT, related_name="+")
    value = models.JSONField(null=True)
    # Whether the answer meets the commitment (None: not scored, blank or not applicable),
    # fixed when the report is sent, so the roll-ups can be summed in SQL.
    meets = models.BooleanField(null=True, blank=True)
    saved_at = models.DateTimeField(auto_now=True)
    # Set by the reviewer: quotes for the dashboards, and free text cleaned of names before release.
    notable = models.CharField(max_length=20, choices=Notable.choices, blank=True, default="")
    redacted_text = models.TextField(
        blank=True, help_text=_("The text as the force may see it: names of officers, staff or anyone else removed.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question"],
                name="answer_once_per_question",
                violation_error_message=_("This question is already answered in this report."),
            )
        ]
        # The few answers reviewers picked out as quotes, found without reading the rest.
        indexes = [models.Index(fields=["submission"], condition=~Q(notable=""), name="answer_quotes")]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"

    @property
    def released_text(self) -> str:
        """What the force may read: the redacted text, or nothing until a reviewer has checked it."""
        return self.redacted_text


class SubmissionEvent(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"


class VisitExpense(models.Model):
    """Links a volunteer's expense claim to the visit it was for (claims live in the volunteers app)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="expenses")
    claim = models.OneToOneField("volunteers.ExpenseClaim", on_delete=models.CASCADE, related_name="visit_link")

    def __str__(self) -> str:
        return f"{self.claim} for {self.assignment.visit}"


def evidence_path(instance, filename):
    from uuid import uuid4

    return f"evidence/{instance.submission_id}/{uuid4().hex}"


class Evidence(models.Model):
    """A photo a volunteer took (a sign, a notice, the parking), stored privately without its metadata."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    content_type = models.CharField(max_length=20)
    caption = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.caption or gettext("Photo %(number)s") % {"number": self.pk}


# --- Evidence for appeals, without tracking ------------------------------------------------
# Only what the server itself sees: when a page of the questionnaire was first opened and last
# saved, and what a volunteer changed after a report came back for correction, with their reason.
# Nothing from the phone (no location, no sound, no device details).


class PageTiming(models.Model):
    """When a page of a report was first opened (the server's time of serving it, signed into the
    form and kept on its first save) and last saved."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="page_timings")
    section = models.ForeignKey("scenarios.Section", on_delete=models.PROTECT, related_name="+")
    first_opened_at = models.DateTimeField()
    last_saved_at = models.DateTimeField()

    class Meta:
        ordering = ["section__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "section"],
                name="page_timing_once_per_page",
                violation_error_message=_("This page's times are already kept."),
            ),
            models.CheckConstraint(
                condition=Q(last_saved_at__gte=models.F("first_opened_at")),
                name="page_timing_saved_after_opened",
                violation_error_message=_("A page is saved after it is opened."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} of {self.submission.reference}"


class AnswerChange(models.Model):
    """An answer a volunteer changed after their report was returned for correction, and why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answer_changes")
    question = models.ForeignKey("scenarios.Question", on_delete=models.PROTECT, related_name="+")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="answer_change_has_reason",
                violation_error_message=_("Say why you changed the answer."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.question} changed on {self.submission.reference}"
