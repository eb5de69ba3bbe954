"""Roll-up tables: derived from approved reports, always recomputable, read by dashboards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PeriodKind(models.TextChoices):
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


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
    answers = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    weight_applicable = models.PositiveIntegerField(default=0)
    weight_met = models.PositiveIntegerField(default=0)
    durations = models.JSONField(default=list, blank=True, help_text="Sorted seconds, for medians and percentiles.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "contact_point_id", "area_id", "question_id"],
                name="rollup_one_row_per_key",
            )
        ]
        indexes = [models.Index(fields=["period_kind", "period_start", "area_id", "question_id"])]

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

    period_start = models.DateField(unique=True, help_text="The first day of the released quarter.")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, help_text="A covering note the force sees with the results.")

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__day=1, period_start__month__in=[1, 4, 7, 10]),
                name="release_is_a_quarter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_start.year} Q{(self.period_start.month - 1) // 3 + 1}"


class ReportKind(models.TextChoices):
    """The two reports the OPCC keeps: a week for scrutiny meetings, a quarter for the Police and Crime Panel."""

    WEEKLY = "weekly", "Weekly scrutiny report"
    PANEL = "panel", "Police and Crime Panel report"

    @property
    def period_kind(self) -> str:
        return PeriodKind.WEEK if self == ReportKind.WEEKLY else PeriodKind.QUARTER


class GenerationStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class GeneratedReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> GeneratedReportQuerySet:
        """OPCC staff see every report. Everyone else, the force included, sees none (for now)."""
        from mysteryshop.roles import OPCC_ROLES

        if user.is_authenticated and user.has_role(*OPCC_ROLES):
            return self.all()
        return self.none()


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
    period_start = models.DateField(help_text="The Monday of the week, or the first day of the quarter.")
    status = models.CharField(max_length=10, choices=GenerationStatus.choices, default=GenerationStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    step = models.CharField(max_length=100, default="Waiting to start")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Empty for a report made on the schedule.",
    )  # fmt: skip
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    content = models.JSONField(default=dict, blank=True)
    charts = models.JSONField(default=dict, blank=True, help_text="Each chart's SVG, drawn from `content`.")
    pdf = models.FileField(upload_to=generated_report_path, blank=True)
    csv = models.FileField(upload_to=generated_report_path, blank=True)
    error = models.TextField(blank=True)
    email_when_ready = models.BooleanField(default=False, help_text="Send it to the commissioner once it is ready.")
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = GeneratedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start"], name="generated_report_one_per_period"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="generated_report_progress_percent"),
            models.CheckConstraint(
                condition=models.Q(kind=ReportKind.WEEKLY, period_start__week_day=2)
                | models.Q(kind=ReportKind.PANEL, period_start__day=1, period_start__month__in=[1, 4, 7, 10]),
                name="generated_report_period_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.period_label}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:document-detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        from .documents import period_label

        return period_label(self.kind, self.period_start)

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
