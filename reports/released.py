"""What force liaison may see of the results, in one place.

Two rules, for every page and document the force can open:

- **Only released periods.** A figure reaches the force only if every day of its period
  lies in a quarter the commissioner has released (`period_released`). A comparison —
  the earlier figure, the difference, a trend — counts as a figure of the earlier
  period, so it is shown only if that period is wholly released too. A weekly report
  of the first week of a released quarter is therefore shown without its comparison
  when the week before reaches into a quarter not released.
- **The week of a visit, not its day** (`visit_date`). Released results name the contact
  point and the scenario; with the day as well, the force could match a visit to its
  CCTV and duty rotas, and so identify the volunteers (and the staff who served them).
  `MYSTERYSHOP_RELEASED_VISIT_DATES = "day"` chooses the day instead: see
  docs/results.md for the trade-off.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from .models import Release
from .periods import PeriodKind, period_end, period_start

WEEK, DAY = "week", "day"


def period_released(kind: str, start: date) -> bool:
    """Whether every day of the week, month or quarter starting on `start` is in a released quarter."""
    last = period_end(kind, start) - timedelta(days=1)
    quarters = {period_start(PeriodKind.QUARTER, start), period_start(PeriodKind.QUARTER, last)}
    return Release.objects.filter(period_start__in=quarters).count() == len(quarters)


def shows_days() -> bool:
    return settings.MYSTERYSHOP_RELEASED_VISIT_DATES == DAY


def _local_day(moment: date | datetime) -> date:
    return timezone.localtime(moment).date() if isinstance(moment, datetime) else moment


def visit_week(moment: date | datetime) -> date:
    """The Monday of the week of a visit."""
    return period_start(PeriodKind.WEEK, _local_day(moment))


def visit_date(moment: date | datetime) -> str:
    """A released visit's date as the force sees it: "Week beginning 4 January 2027" (or, with the
    scheme's setting, "Tuesday 5 January 2027"). Never a time."""
    day = _local_day(moment)
    if shows_days():
        return date_format(day, "l j F Y")
    return gettext("Week beginning %(day)s") % {"day": date_format(visit_week(day), "j F Y")}


def sort_key(moment: date | datetime) -> date:
    """What released visits are put in order by: their week (or day), so nothing finer shows through the order."""
    return _local_day(moment) if shows_days() else visit_week(moment)
