"""Results: roll-up tables derived from approved reports, releases to the force, and findings."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext_lazy as _

from mysteryshop.models import Language, Lifecycle, StatusHistory
from mysteryshop.roles import OPCC_ROLES, Role

from .periods import PeriodKind, period_end, period_label


class RollupRow(models.Model):
    """One cell of the results: a period × contact point × commitment area × question.

    `area_id` and `question_id` are 0 for "all" (plain integers, not foreign
    keys, so the unique key has no NULLs and a row never blocks deleting the
    source). Rows are replaced, never added to, so a retry cannot double-count.
    """

    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField()
    contact_point_id = models.IntegerField()
    channel = models.CharField(max_length=30)
    policing_area_id = models.IntegerField()
    area_id = models.IntegerField(default=0)
    question_id = models.IntegerField(default=0)
    reports = models.PositiveIntegerField(default=0)
    # Distinct visits behind the row: a pair's two reports are one visit, so shares are judged on visits.
    visits = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    weight_applicable = models.PositiveIntegerField(default=0)
    weight_met = models.PositiveIntegerField(default=0)
    durations = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("Sorted seconds, for medians and percentiles.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "contact_point_id", "area_id", "question_id"],
                name="rollup_one_row_per_key",
                violation_error_message=_("These results are already counted."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_kind} {self.period_start} cp{self.contact_point_id} a{self.area_id} q{self.question_id}"

    @property
    def score(self) -> float | None:
        return round(100 * self.weight_met / self.weight_applicable, 1) if self.weight_applicable else None


class ReleaseQuerySet(models.QuerySet):
    def quarter_starts(self) -> list:
        return list(self.order_by("-period_start").values_list("period_start", flat=True))


class Release(models.Model):
    """The commissioner released a closed quarter's results to the force.

    Force liaison users see results only of released quarters: nothing of a
    quarter that is not released, so nothing of a visit still to come.
    """

    period_start = models.DateField(unique=True, help_text=gettext_lazy("The first day of the released quarter."))
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, help_text=gettext_lazy("A covering note the force sees with the results."))

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__day=1, period_start__month__in=[1, 4, 7, 10]),
                name="release_is_a_quarter",
                violation_error_message=_(
                    "Results are released a whole quarter at a time, from 1 January, April, July or October."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_start.year} Q{(self.period_start.month - 1) // 3 + 1}"


class Quote(models.Model):
    """A reviewer's pick of an approved report's free text (good practice or a concern), kept with
    the roll-ups so the dashboards quote without reading answers. Replaced with its quarter."""

    period_start = models.DateField(help_text=gettext_lazy("The first day of the quarter of the visit."))
    contact_point_id = models.IntegerField()
    policing_area_id = models.IntegerField()
    answer_id = models.IntegerField(unique=True)
    submission_id = models.IntegerField()
    visit_day = models.DateField()
    notable = models.CharField(max_length=20)
    question = models.CharField(max_length=300)
    text = models.TextField(help_text=gettext_lazy("As the volunteer wrote it (OPCC only)."))
    released_text = models.TextField(blank=True, help_text=gettext_lazy("As checked for names: all the force may see."))

    class Meta:
        ordering = ["-visit_day", "-answer_id"]
        indexes = [models.Index(fields=["period_start", "contact_point_id"])]

    def __str__(self) -> str:
        return f"{self.notable}: {self.text[:40]}"


# --- Findings ----------------------------------------------------------------------


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESPONDED = "responded", _("Responded")
    ACCEPTED = "accepted", _("Response accepted")
    CHALLENGED = "challenged", _("Response challenged")
    CLOSED = "closed", _("Closed")


# The one table of allowed steps. A challenged finding goes back to the force,
# who answer again (responded); the OPCC may also close it without agreement,
# saying on the public page what changed (or did not).
FINDING_TRANSITIONS = {
    FindingStatus.OPEN: {FindingStatus.RESPONDED},
    FindingStatus.RESPONDED: {FindingStatus.ACCEPTED, FindingStatus.CHALLENGED},
    FindingStatus.ACCEPTED: {FindingStatus.CLOSED},
    FindingStatus.CHALLENGED: {FindingStatus.RESPONDED, FindingStatus.CLOSED},
    FindingStatus.CLOSED: set(),
}
# The force owes a response while a finding is in one of these.
AWAITING_FORCE = (FindingStatus.OPEN, FindingStatus.CHALLENGED)


class FollowUpQuerySet(models.QuerySet):
    """Findings and appeals: what the OPCC and the force follow up with each other, by a due date."""

    def visible_to(self, user):
        """OPCC staff and force liaison see every one (one force per installation); nobody else any."""
        if user.is_authenticated and user.has_role(*OPCC_ROLES, Role.FORCE_LIAISON):
            return self
        return self.none()

    def listed(self, show: str, today) -> tuple[models.QuerySet, str]:
        """A list page's filter: "overdue", one status, or everything (an unknown filter is ignored)."""
        if show == "overdue":
            return self.overdue(today), show
        if show in {value for value, _ in self.model._meta.get_field("status").choices}:
            return self.filter(status=show), show
        return self, ""


class FindingQuerySet(FollowUpQuerySet):
    """A finding shows the force only what is already released: the service refuses to cite any
    other report, and pages show cited reports through `reports.findings.released_citations`."""

    def awaiting_force(self):
        return self.filter(status__in=AWAITING_FORCE)

    def overdue(self, today):
        """Findings whose response was due before `today` (a local date) and has not come."""
        return self.awaiting_force().filter(response_due__lt=today)

    def published(self):
        """Closed findings with a summary for the public "You said, we did" page."""
        return self.filter(status=FindingStatus.CLOSED).exclude(what_changed="")


class Finding(Lifecycle, models.Model):
    """A recommendation the OPCC makes to the force from released results, and the force's answer."""

    transitions = FINDING_TRANSITIONS
    refusal = _("A finding that is “%(current)s” cannot become “%(wanted)s”.")

    title = models.CharField(
        max_length=200, help_text=gettext_lazy("Shown on the public page once the finding is closed. Name nobody.")
    )
    what_was_found = models.TextField(
        help_text=gettext_lazy("The force reads this. Refer only to released results: no volunteer names.")
    )
    recommendation = models.TextField(
        help_text=gettext_lazy("What the force should do. Shown on the public page once the finding is closed.")
    )
    contact_point = models.ForeignKey(
        "scenarios.ContactPoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        help_text=gettext_lazy("Leave empty for a finding about the whole force."),
    )
    commitment_areas = models.ManyToManyField("scenarios.CommitmentArea", blank=True, related_name="findings")
    cited_reports = models.ManyToManyField("visits.Submission", blank=True, related_name="findings")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    response_due = models.DateField(help_text=gettext_lazy("The last working day for the force's response."))
    status = models.CharField(max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    response = models.TextField(blank=True, help_text=gettext_lazy("The force's latest response."))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    what_changed = models.TextField(
        blank=True, help_text=gettext_lazy("For the public page: what changed as a result (written when closing).")
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Claimed by the daily task with a conditional update, so a reminder goes once per response due.
    reminded_at = models.DateTimeField(null=True, blank=True, help_text=gettext_lazy("When the force was reminded."))
    review_reminded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("When coordinators were reminded to review it, a year after closing."),
    )
    overdue_notified_at = models.DateTimeField(
        null=True, blank=True, help_text=gettext_lazy("When the OPCC was told the response is overdue.")
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["status", "response_due"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | (models.Q(closed_at__isnull=False) & ~models.Q(what_changed="")),
                name="finding_closed_says_what_changed",
                violation_error_message=_("Say what changed, for the public page."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:finding-detail", args=[self.pk])

    @property
    def awaits_force(self) -> bool:
        return self.status in AWAITING_FORCE

    def is_overdue(self, today=None) -> bool:
        return self.awaits_force and self.response_due < (today or timezone.localdate())

    def record_step(self, previous, status, *, by, reason):
        FindingEvent.objects.create(finding=self, from_status=previous, to_status=status, by=by, reason=reason)


class FindingEvent(StatusHistory):
    """The history of a finding: each step, who took it, and the response or comment that went with it."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=FindingStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=FindingStatus.choices)
    # A correction of the published text keeps the text as it was and as it became.
    data = models.JSONField(default=dict, blank=True)

    @property
    def is_correction(self) -> bool:
        return bool(self.data.get("corrected"))

    @property
    def corrected_fields(self) -> list[tuple[str, str]]:
        """Of a correction: each public text that changed, by its label, as it was before."""
        labels = {
            "title": gettext("Title"),
            "recommendation": gettext("What we asked for"),
            "what_changed": gettext("What changed"),
        }
        before, after = self.data.get("before", {}), self.data.get("after", {})
        return [(labels.get(name, name), text) for name, text in before.items() if text != after.get(name)]


class ReportKind(models.TextChoices):
    """The two reports the OPCC keeps: a week for scrutiny meetings, a quarter for the Police and Crime Panel."""

    WEEKLY = "weekly", _("Weekly scrutiny report")
    PANEL = "panel", _("Police and Crime Panel report")

    @property
    def period_kind(self) -> str:
        return PeriodKind.WEEK if self == ReportKind.WEEKLY else PeriodKind.QUARTER


class GenerationStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class GeneratedReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> GeneratedReportQuerySet:
        """OPCC staff see every report; force liaison only those of released periods (a panel report
        of a released quarter, a weekly report of a week wholly inside released quarters); nobody else any."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*OPCC_ROLES):
            return self.all()
        if not user.has_role(Role.FORCE_LIAISON):
            return self.none()
        released = set(Release.objects.values_list("period_start", flat=True))
        allowed = models.Q(kind=ReportKind.PANEL, period_start__in=released)
        for start in released:
            end = period_end(PeriodKind.QUARTER, start)
            # A week running on into the next quarter needs that quarter released too.
            last_start = end if end in released else end - timedelta(days=6)
            allowed |= models.Q(kind=ReportKind.WEEKLY, period_start__gte=start, period_start__lt=last_start)
        return self.filter(allowed, status=GenerationStatus.READY)


def generated_report_path(instance, filename):
    from uuid import uuid4

    extension = filename.rsplit(".", 1)[-1]
    return f"reports/{instance.kind}-{instance.period_start:%Y-%m-%d}-{uuid4().hex}.{extension}"


class GeneratedReport(models.Model):
    """A weekly scrutiny or Police and Crime Panel report, made by Celery from the roll-up tables and kept.

    One row per kind and period (a unique constraint): asking again while it is
    being made, or once it is ready, gives the same row, so two requests never make
    two jobs. "Make again" puts a finished row back in the queue. `content` is the
    figures as they were when it was made, and `charts` the charts drawn from them,
    so the page, the CSV and the PDF agree even after later approvals change the
    roll-ups, and a page view never draws anything.
    """

    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    period_start = models.DateField(help_text=gettext_lazy("The Monday of the week, or the first day of the quarter."))
    status = models.CharField(max_length=10, choices=GenerationStatus.choices, default=GenerationStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text=gettext_lazy("Per cent done."))
    step = models.CharField(max_length=100, default=gettext_noop("Waiting to start"))
    # The language it is written in: that of the page it was asked for on (a scheduled one: the commissioner's).
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=gettext_lazy("Empty for a report made on the schedule."),
    )  # fmt: skip
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    content = models.JSONField(default=dict, blank=True)
    charts = models.JSONField(
        default=dict, blank=True, help_text=gettext_lazy("Each chart's SVG, drawn from `content`.")
    )
    pdf = models.FileField(upload_to=generated_report_path, blank=True)
    csv = models.FileField(upload_to=generated_report_path, blank=True)
    error = models.TextField(blank=True)
    email_when_ready = models.BooleanField(
        default=False, help_text=gettext_lazy("Send it to the commissioner once it is ready.")
    )
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = GeneratedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start"],
                name="generated_report_one_per_period",
                violation_error_message=_("That report has already been asked for."),
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="generated_report_progress_percent",
                violation_error_message=_("Progress is a share out of 100."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind=ReportKind.WEEKLY, period_start__week_day=2)
                | models.Q(kind=ReportKind.PANEL, period_start__day=1, period_start__month__in=[1, 4, 7, 10]),
                name="generated_report_period_fits_kind",
                violation_error_message=_(
                    "A weekly report starts on a Monday, and a panel report on the first day of a quarter."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.period_label}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:document-detail", args=[self.pk])

    @property
    def step_label(self) -> str:
        """The step, kept in English, in the reader's language."""
        return gettext(self.step) if self.step else ""

    @property
    def error_label(self) -> str:
        """The error, kept in English, in the reader's language."""
        return gettext(self.error) if self.error else ""

    @property
    def period_label(self) -> str:
        return period_label(ReportKind(self.kind).period_kind, self.period_start, with_dates=True)

    @property
    def in_progress(self) -> bool:
        return self.status in (GenerationStatus.QUEUED, GenerationStatus.RUNNING)

    @property
    def is_ready(self) -> bool:
        return self.status == GenerationStatus.READY

    def file_name(self, extension: str) -> str:
        """The name a download is saved as, such as `weekly-scrutiny-report-2026-11-02.pdf`."""
        from django.utils.text import slugify

        return f"{slugify(self.get_kind_display())}-{self.period_start:%Y-%m-%d}.{extension}"


# --- Appeals: the force may appeal a released result ---------------------------------


class AppealGround(models.TextChoices):
    EVALUATOR_ERROR = "evaluator_error", _("The volunteer made an error")
    MISUNDERSTANDING = "misunderstanding", _("The volunteer misunderstood what happened")
    SCORING_ERROR = "scoring_error", _("The report was scored wrongly")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the OPCC's decision")
    UPHELD = "upheld", _("Result stands")
    RESCORED = "rescored", _("Rescored")
    VOIDED = "voided", _("Result voided")
    WITHDRAWN = "withdrawn", _("Withdrawn by the force")


# The one table of allowed steps: the OPCC decides an open appeal once, or the force withdraws it.
APPEAL_TRANSITIONS = {
    AppealStatus.OPEN: {AppealStatus.UPHELD, AppealStatus.RESCORED, AppealStatus.VOIDED, AppealStatus.WITHDRAWN},
    AppealStatus.UPHELD: set(),
    AppealStatus.RESCORED: set(),
    AppealStatus.VOIDED: set(),
    AppealStatus.WITHDRAWN: set(),
}
DECIDED = (AppealStatus.UPHELD, AppealStatus.RESCORED, AppealStatus.VOIDED)


class AppealQuerySet(FollowUpQuerySet):
    def open(self):
        return self.filter(status=AppealStatus.OPEN)

    def overdue(self, today):
        """Open appeals whose decision was due before `today` (a local date)."""
        return self.open().filter(decide_by__lt=today)


class Appeal(Lifecycle, models.Model):
    """The force's appeal against one released result (a report), and the OPCC's decision on it.

    The report's answers keep their values; a rescore changes only verdicts, and
    `changes` keeps each verdict as it was and as it became, with the scores before
    (`original_scores`), so the result's history is never lost.
    """

    transitions = APPEAL_TRANSITIONS
    refusal = _("An appeal that is “%(current)s” cannot become “%(wanted)s”.")

    submission = models.ForeignKey("visits.Submission", on_delete=models.PROTECT, related_name="appeals")
    ground = models.CharField(max_length=20, choices=AppealGround.choices)
    explanation = models.TextField(help_text=gettext_lazy("What the force says went wrong. Name nobody."))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    decide_by = models.DateField(help_text=gettext_lazy("The last working day for the OPCC's decision."))
    status = models.CharField(max_length=20, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(
        blank=True, help_text=gettext_lazy("Why, as the force will read it. Name nobody.")
    )
    original_scores = models.JSONField(
        default=dict, blank=True, help_text=gettext_lazy("The report's scores when appealed.")
    )
    changes = models.JSONField(
        default=dict, blank=True, help_text=gettext_lazy("Per answer: the verdict before and after.")
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=models.Q(status="open"),
                name="appeal_one_open_per_report",
                violation_error_message=_("This result already has an appeal awaiting a decision."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["upheld", "rescored", "voided"])
                | (models.Q(decided_at__isnull=False) & ~models.Q(decision_reason="")),
                name="appeal_decision_says_why",
                violation_error_message=_("Say why you decided so; the force reads this."),
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reports:appeal-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == AppealStatus.OPEN

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.decide_by < (today or timezone.localdate())

    def record_step(self, previous, status, *, by, reason, data: dict | None = None):
        AppealEvent.objects.create(
            appeal=self, from_status=previous, to_status=status, by=by, reason=reason, data=data or {}
        )


class AppealEvent(StatusHistory):
    """The history of an appeal: raised, decided or withdrawn, by whom, why, and what changed."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=AppealStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=AppealStatus.choices)
    data = models.JSONField(default=dict, blank=True)


# --- The force's own 101 figures ---------------------------------------------------------


class ForceFigure(models.Model):
    """One month of the force's published 101 call figures, imported by a coordinator.

    Shown beside the volunteers' measured answer times; re-importing a month replaces it.
    """

    month = models.DateField(unique=True, help_text=gettext_lazy("The first day of the month."))
    calls = models.PositiveIntegerField()
    average_answer_seconds = models.PositiveIntegerField()
    abandoned = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__day=1),
                name="force_figure_is_a_month",
                violation_error_message=_("The force’s figures are for a whole month."),
            ),
            models.CheckConstraint(
                condition=models.Q(abandoned__lte=models.F("calls")),
                name="force_figure_abandoned_within_calls",
                violation_error_message=_("There cannot be more calls abandoned than calls."),
            ),
        ]

    def __str__(self) -> str:
        return f"101 figures for {self.month:%B %Y}"

    @property
    def abandoned_share(self) -> float | None:
        return round(100 * self.abandoned / self.calls, 1) if self.calls else None


class EvidencePack(models.Model):
    """What the OPCC puts before the force on an appeal: the result as the force may see it, the report's
    own times and corrections (`visits.timings`) and the pair's agreement, with no volunteer's identity.

    Kept as plain data when made (the PDF is drawn from it), and seen by the force only once shared.
    """

    appeal = models.OneToOneField(Appeal, on_delete=models.CASCADE, related_name="evidence_pack")
    content = models.JSONField(default=dict)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shared_at__isnull=True) | models.Q(shared_by__isnull=False),
                name="evidence_pack_shared_by_someone",
                violation_error_message=_("Say who shared the evidence pack."),
            )
        ]

    def __str__(self) -> str:
        return f"Evidence pack for {self.appeal}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    def file_name(self) -> str:
        return f"evidence-pack-appeal-{self.appeal_id}.pdf"


class RetestResult(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    PARTLY = "partly", _("Partly fixed")
    NOT_FIXED = "not_fixed", _("Not fixed")


class Retest(models.Model):
    """A verification visit: once the OPCC accepts that the force fixed a finding, the same kind of visit at
    the same contact point, planned next quarter and as secret as any visit, and what it found.

    The force learns of it only from its result, once the quarter of the visit is released
    (`reports.retests.released_result`).
    """

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="retest")
    visit = models.OneToOneField("visits.Visit", on_delete=models.PROTECT, related_name="retest")
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(default=timezone.now)
    result = models.CharField(max_length=20, choices=RetestResult.choices, blank=True)
    result_note = models.TextField(
        blank=True, help_text=gettext_lazy("What the re-test found, as the force may read it.")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result="") | models.Q(decided_at__isnull=False, decided_by__isnull=False),
                name="retest_result_decided_by_someone",
                violation_error_message=_("Say who decided the re-test's result."),
            )
        ]

    def __str__(self) -> str:
        return f"Re-test of {self.finding}"
