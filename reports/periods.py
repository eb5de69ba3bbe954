"""The periods results are counted in: weeks (Monday to Sunday), calendar months and quarters.

One place for where a period starts and ends and what it is called, below everything else in
`reports` (it imports nothing from the app), so the models, roll-ups, dashboard and documents
all ask it and none of them needs another.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy


class PeriodKind(models.TextChoices):
    WEEK = "week", gettext_lazy("Week")
    MONTH = "month", gettext_lazy("Month")
    QUARTER = "quarter", gettext_lazy("Quarter")


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
    """The quarter's name: "2026 Q4" ("2026 Ch4" in Welsh: chwarter)."""
    return gettext("%(year)s Q%(quarter)s") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}


def _day_range(first: date, last: date) -> str:
    """Whole phrases in the active language, months named in it."""
    if (first.year, first.month) == (last.year, last.month):
        return gettext("%(first)s to %(last)s") % {"first": first.day, "last": date_format(last, "j F Y")}
    if first.year == last.year:
        return gettext("%(first)s to %(last)s") % {
            "first": date_format(first, "j F"),
            "last": date_format(last, "j F Y"),
        }
    return gettext("%(first)s to %(last)s") % {"first": date_format(first, "j F Y"), "last": date_format(last, "j F Y")}


def period_label(kind: str, start: date, *, with_dates: bool = False) -> str:
    """What a period is called: "2026 Q3", "November 2026", "Week beginning 2 November 2026"; with its
    dates for a report's title: "2026 Q3 (July to September 2026)", "week of 2 to 8 November 2026"."""
    if kind == PeriodKind.MONTH:
        return date_format(start, "F Y")
    if not with_dates:
        if kind == PeriodKind.QUARTER:
            return quarter_label(start)
        return gettext("Week beginning %(day)s") % {"day": date_format(start, "j F Y")}
    last = period_end(kind, start) - timedelta(days=1)
    if kind == PeriodKind.WEEK:
        return gettext("week of %(days)s") % {"days": _day_range(start, last)}
    return gettext("%(quarter)s (%(first)s to %(last)s)") % {
        "quarter": quarter_label(start), "first": date_format(start, "F"), "last": date_format(last, "F Y"),
    }  # fmt: skip
