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


class Quote(models.Model):
    """A reviewer's pick of an approved report's free text (good practice or a concern), kept with
    the roll-ups so the dashboards quote without reading answers. Replaced with its quarter."""

    period_start = models.DateField(help_text="The first day of the quarter of the visit.")
    contact_point_id = models.IntegerField()
    policing_area_id = models.IntegerField()
    answer_id = models.IntegerField(unique=True)
    submission_id = models.IntegerField()
    visit_day = models.DateField()
    notable = models.CharField(max_length=20)
    question = models.CharField(max_length=300)
    text = models.TextField(help_text="As the volunteer wrote it (OPCC only).")
    released_text = models.TextField(blank=True, help_text="As checked for names: all the force may see.")

    class Meta:
        ordering = ["-visit_day", "-answer_id"]
        indexes = [models.Index(fields=["period_start", "contact_point_id"])]

    def __str__(self) -> str:
        return f"{self.notable}: {self.text[:40]}"
