"""Computing the roll-up tables from approved answers (the source of truth)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from scenarios.models import Question
from visits.models import Answer, Submission, SubmissionStatus

from .models import PeriodKind, RollupRow

KEY_FIELDS = ("period_kind", "period_start", "contact_point_id", "area_id", "question_id")
VALUE_FIELDS = (
    "channel",
    "policing_area_id",
    "reports",
    "answers",
    "met",
    "weight_applicable",
    "weight_met",
    "durations",
)


def period_start(kind: str, day: date) -> date:
    if kind == PeriodKind.WEEK:
        return day - timedelta(days=day.weekday())
    if kind == PeriodKind.MONTH:
        return day.replace(day=1)
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def period_end(kind: str, start: date) -> date:
    """The first day after the period."""
    if kind == PeriodKind.WEEK:
        return start + timedelta(days=7)
    months = 1 if kind == PeriodKind.MONTH else 3
    year, month = divmod(start.month - 1 + months, 12)
    return date(start.year + year, month + 1, 1)


def slices_of(submission: Submission) -> list[tuple[str, date, int]]:
    """The (period kind, period start, contact point) slices a report falls in."""
    visit = submission.assignment.visit
    day = timezone.localtime(visit.starts_at).date()
    return [(kind, period_start(kind, day), visit.contact_point_id) for kind in PeriodKind.values]


def compute(kind: str, start: date, contact_point_id: int) -> list[dict]:
    """Every roll-up row of one slice, from the approved answers in it."""
    tz = timezone.get_current_timezone()
    begins = datetime.combine(start, time.min, tzinfo=tz)
    ends = datetime.combine(period_end(kind, start), time.min, tzinfo=tz)
    answers = list(
        Answer.objects.filter(
            submission__status=SubmissionStatus.APPROVED,
            submission__assignment__visit__contact_point_id=contact_point_id,
            submission__assignment__visit__starts_at__gte=begins,
            submission__assignment__visit__starts_at__lt=ends,
        )
        .select_related("submission__assignment__visit__contact_point")
        .order_by("pk")
    )
    questions = Question.objects.in_bulk({answer.question_id for answer in answers})
    cells: dict[tuple[int, int], dict] = defaultdict(
        lambda: {"reports": set(), "answers": 0, "met": 0, "weight_applicable": 0, "weight_met": 0, "durations": []}
    )
    point = None
    for answer in answers:
        point = answer.submission.assignment.visit.contact_point
        question = questions[answer.question_id]
        area = question.commitment_area_id or 0
        outcome = question.meets_commitment(answer.value)
        question_cell = cells[(area, question.pk)]
        question_cell["reports"].add(answer.submission_id)
        question_cell["answers"] += 1
        if question.kind == "duration" and isinstance(answer.value, int):
            question_cell["durations"].append(answer.value)
        if outcome is None:
            continue
        for key in ((area, question.pk), (area, 0), (0, 0)):
            cell = cells[key]
            cell["reports"].add(answer.submission_id)
            cell["weight_applicable"] += question.weight
            cell["weight_met"] += question.weight if outcome else 0
            if key[1]:
                cell["met"] += int(outcome)
    rows = []
    for (area, question_id), cell in sorted(cells.items()):
        rows.append(
            {
                "period_kind": kind, "period_start": start, "contact_point_id": contact_point_id,
                "area_id": area, "question_id": question_id, "channel": point.channel,
                "policing_area_id": point.policing_area_id, "reports": len(cell["reports"]),
                "answers": cell["answers"], "met": cell["met"], "weight_applicable": cell["weight_applicable"],
                "weight_met": cell["weight_met"], "durations": sorted(cell["durations"]),
            }
        )  # fmt: skip
    return rows


@transaction.atomic
def replace_slice(kind: str, start: date, contact_point_id: int) -> int:
    """Recompute one slice and replace its rows: running it twice or late changes nothing."""
    RollupRow.objects.filter(period_kind=kind, period_start=start, contact_point_id=contact_point_id).delete()
    rows = compute(kind, start, contact_point_id)
    RollupRow.objects.bulk_create([RollupRow(**row) for row in rows])
    return len(rows)


@transaction.atomic
def rollup_submission(submission_id: int) -> bool:
    """Recompute the slices one report touches and clear its marker, all or nothing.

    The marker is cleared first with a conditional update, inside the same
    transaction as the recomputation: if anything fails the marker comes back
    for the sweeper, and an approval made meanwhile sets it again for another run.
    """
    submission = Submission.objects.select_related("assignment__visit").filter(pk=submission_id).first()
    if submission is None:
        return False
    Submission.objects.filter(pk=submission_id, needs_rollup=True).update(needs_rollup=False)
    for kind, start, contact_point_id in slices_of(submission):
        replace_slice(kind, start, contact_point_id)
    return True


def sweep(limit: int = 500) -> int:
    """Roll up every marked report a lost or late task left behind."""
    ids = list(Submission.objects.filter(needs_rollup=True).order_by("pk").values_list("pk", flat=True)[:limit])
    for submission_id in ids:
        rollup_submission(submission_id)
    return len(ids)


def all_slices() -> set[tuple[str, date, int]]:
    slices = set()
    approved = Submission.objects.filter(status=SubmissionStatus.APPROVED).select_related("assignment__visit")
    for submission in approved.iterator():
        slices.update(slices_of(submission))
    return slices


@transaction.atomic
def rebuild() -> int:
    """Throw every roll-up row away and recompute all of them from the answers."""
    RollupRow.objects.all().delete()
    count = 0
    for kind, start, contact_point_id in sorted(all_slices()):
        rows = compute(kind, start, contact_point_id)
        RollupRow.objects.bulk_create([RollupRow(**row) for row in rows])
        count += len(rows)
    Submission.objects.filter(needs_rollup=True).update(needs_rollup=False)
    return count


def differences() -> list[str]:
    """Rows where the tables differ from a from-scratch recomputation (empty when they agree)."""
    expected = {}
    for kind, start, contact_point_id in all_slices():
        for row in compute(kind, start, contact_point_id):
            expected[tuple(row[f] for f in KEY_FIELDS)] = {f: row[f] for f in VALUE_FIELDS}
    actual = {
        tuple(row[f] for f in KEY_FIELDS): {f: row[f] for f in VALUE_FIELDS}
        for row in RollupRow.objects.values(*KEY_FIELDS, *VALUE_FIELDS)
    }
    problems = [f"missing row {key}" for key in expected.keys() - actual.keys()]
    problems += [f"unexpected row {key}" for key in actual.keys() - expected.keys()]
    problems += [
        f"row {key}: table {actual[key]} but recomputed {expected[key]}"
        for key in expected.keys() & actual.keys()
        if actual[key] != expected[key]
    ]
    return sorted(problems)
