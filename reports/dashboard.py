"""What the commissioner's dashboard shows, read from the roll-up tables only (never raw answers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Sum

from scenarios.models import Channel, CommitmentArea, ContactPoint, PolicingArea, Question

from .models import PeriodKind, RollupRow
from .rollups import period_end, period_start


@dataclass
class Figure:
    label: str
    reports: int
    weight_met: int
    weight_applicable: int

    @property
    def score(self) -> float | None:
        return round(100 * self.weight_met / self.weight_applicable, 1) if self.weight_applicable else None

    @property
    def status(self) -> str:
        """Red, amber or green against the scheme's thresholds."""
        if self.score is None:
            return "no data"
        if self.score >= settings.MYSTERYSHOP_GREEN_FROM:
            return "green"
        return "amber" if self.score >= settings.MYSTERYSHOP_AMBER_FROM else "red"


def quarter_label(start: date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def quarters_with_results() -> list[date]:
    return list(
        RollupRow.objects.filter(period_kind=PeriodKind.QUARTER)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .distinct()
    )


def previous_quarter(start: date) -> date:
    return previous_period(PeriodKind.QUARTER, start)


def previous_period(kind: str, start: date) -> date:
    return period_start(kind, date.fromordinal(start.toordinal() - 1))


def _rows(start: date, policing_area_id: int | None, kind: str = PeriodKind.QUARTER):
    rows = RollupRow.objects.filter(period_kind=kind, period_start=start)
    return rows.filter(policing_area_id=policing_area_id) if policing_area_id else rows


def _sum(rows, label: str) -> Figure:
    totals = rows.aggregate(r=Sum("reports"), m=Sum("weight_met"), a=Sum("weight_applicable"))
    return Figure(label, totals["r"] or 0, totals["m"] or 0, totals["a"] or 0)


def _grouped(rows, field: str) -> dict[object, Figure]:
    grouped = rows.values(field).annotate(r=Sum("reports"), m=Sum("weight_met"), a=Sum("weight_applicable"))
    return {row[field]: Figure("", row["r"], row["m"], row["a"]) for row in grouped}


def percentile(values: list[int], share: float) -> float | None:
    """The value below which `share` of the values fall (nearest rank)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@dataclass
class Timing:
    month: date
    count: int
    median: float | None
    p90: float | None
    within_target: float | None


def timings(*, start: date, policing_area_id: int | None = None, kind: str = PeriodKind.QUARTER) -> list[dict]:
    """For each timed question (such as the 101 line's time to answer): month by month, the median,
    90th percentile and share within the question's target, from the roll-up rows' durations.
    A week has no months: its one line is the week itself (`month` is then the Monday)."""
    if kind == PeriodKind.WEEK:
        rows = RollupRow.objects.filter(period_kind=kind, period_start=start, question_id__gt=0)
    else:
        end = period_end(kind, start)
        rows = RollupRow.objects.filter(
            period_kind=PeriodKind.MONTH, period_start__gte=start, period_start__lt=end, question_id__gt=0
        )
    if policing_area_id:
        rows = rows.filter(policing_area_id=policing_area_id)
    merged: dict[int, dict[date, list[int]]] = {}
    for question_id, month, durations in rows.exclude(durations=[]).values_list(
        "question_id", "period_start", "durations"
    ):
        merged.setdefault(question_id, {}).setdefault(month, []).extend(durations)
    questions = Question.objects.select_related("section__version__questionnaire").in_bulk(list(merged))
    result = []
    for question_id, months in merged.items():
        question = questions.get(question_id)
        if question is None:
            continue
        target = int(question.maximum) if question.maximum else None
        lines = [
            Timing(
                month=month, count=len(values), median=percentile(values, 0.5), p90=percentile(values, 0.9),
                within_target=round(100 * sum(v <= target for v in values) / len(values), 1) if target else None,
            )
            for month, values in sorted(months.items())
        ]  # fmt: skip
        result.append({"question": question, "target": target, "months": lines})
    return sorted(result, key=lambda item: item["question"].label)


def dashboard(*, start: date, policing_area_id: int | None = None, kind: str = PeriodKind.QUARTER) -> dict:
    """Everything the dashboard shows for one quarter (or, for the weekly report, one week), in a fixed
    number of queries."""
    rows = _rows(start, policing_area_id, kind)
    overall = rows.filter(area_id=0, question_id=0)
    before = _sum(
        _rows(previous_period(kind, start), policing_area_id, kind).filter(area_id=0, question_id=0),
        f"Previous {PeriodKind(kind).label.lower()}",
    )
    force = _sum(overall, "Force-wide")
    areas = _grouped(rows.filter(area_id__gt=0, question_id=0), "area_id")
    area_figures = []
    for area in CommitmentArea.objects.all():
        figure = areas.get(area.pk, Figure("", 0, 0, 0))
        figure.label = area.name
        area_figures.append(figure)
    channels = _grouped(overall, "channel")
    channel_figures = []
    for value, label in Channel.choices:
        if value in channels:
            channels[value].label = label
            channel_figures.append(channels[value])
    points = _grouped(overall, "contact_point_id")
    names = dict(ContactPoint.objects.filter(pk__in=points).values_list("pk", "name"))
    league = []
    for point_id, figure in points.items():
        figure.label = names.get(point_id, "Contact point")
        league.append(figure)
    league.sort(key=lambda f: (-(f.score or 0), f.label))
    return {
        "period": quarter_label(start) if kind == PeriodKind.QUARTER else f"Week beginning {start.day} {start:%B %Y}",
        "period_ends": period_end(kind, start),
        "force": force,
        "previous": before,
        "trend": None if force.score is None or before.score is None else round(force.score - before.score, 1),
        "areas": area_figures,
        "channels": channel_figures,
        "league": league,
        "policing_areas": PolicingArea.objects.all(),
        "timings": timings(start=start, policing_area_id=policing_area_id, kind=kind),
    }
