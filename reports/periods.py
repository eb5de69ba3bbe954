"""The periods results are counted in: weeks (Monday to Sunday), calendar months and quarters.

One place for where a period starts and ends and what it is called, below everything else in
`reports` (it imports nothing from the app), so the models, roll-ups, dashboard and documents
all ask it and none of them needs another.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models


class PeriodKind(models.TextChoices):
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


def period_start(kind: str, day: date) -> date:
    """The first day of the period of `kind` that `day` falls in."""
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


def quarter_label(start: date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def _day_range(first: date, last: date) -> str:
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} to {last.day} {last:%B %Y}"
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


def period_label(kind: str, start: date, *, with_dates: bool = False) -> str:
    """What a period is called: "2026 Q3", "November 2026", "Week beginning 2 November 2026"; with its
    dates for a report's title: "2026 Q3 (July to September 2026)", "week of 2 to 8 November 2026"."""
    if kind == PeriodKind.MONTH:
        return f"{start:%B %Y}"
    if not with_dates:
        return quarter_label(start) if kind == PeriodKind.QUARTER else f"Week beginning {start.day} {start:%B %Y}"
    last = period_end(kind, start) - timedelta(days=1)
    if kind == PeriodKind.WEEK:
        return f"week of {_day_range(start, last)}"
    return f"{quarter_label(start)} ({start:%B} to {last:%B %Y})"
