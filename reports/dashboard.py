"""What the commissioner's dashboard shows, read from the roll-up tables only (never raw answers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Sum

from scenarios.models import Channel, CommitmentArea, ContactPoint, PolicingArea

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
    return period_start(PeriodKind.QUARTER, date.fromordinal(start.toordinal() - 1))


def _rows(start: date, policing_area_id: int | None):
    rows = RollupRow.objects.filter(period_kind=PeriodKind.QUARTER, period_start=start)
    return rows.filter(policing_area_id=policing_area_id) if policing_area_id else rows


def _sum(rows, label: str) -> Figure:
    totals = rows.aggregate(r=Sum("reports"), m=Sum("weight_met"), a=Sum("weight_applicable"))
    return Figure(label, totals["r"] or 0, totals["m"] or 0, totals["a"] or 0)


def _grouped(rows, field: str) -> dict[object, Figure]:
    grouped = rows.values(field).annotate(r=Sum("reports"), m=Sum("weight_met"), a=Sum("weight_applicable"))
    return {row[field]: Figure("", row["r"], row["m"], row["a"]) for row in grouped}


def dashboard(*, start: date, policing_area_id: int | None = None) -> dict:
    """Everything the dashboard shows for one quarter, in a fixed number of queries."""
    rows = _rows(start, policing_area_id)
    overall = rows.filter(area_id=0, question_id=0)
    before = _sum(_rows(previous_quarter(start), policing_area_id).filter(area_id=0, question_id=0), "Previous quarter")
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
        "period": quarter_label(start),
        "period_ends": period_end(PeriodKind.QUARTER, start),
        "force": force,
        "previous": before,
        "trend": None if force.score is None or before.score is None else round(force.score - before.score, 1),
        "areas": area_figures,
        "channels": channel_figures,
        "league": league,
        "policing_areas": PolicingArea.objects.all(),
    }
