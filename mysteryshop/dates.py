"""Dates and times people type: one rule for each kind of date, and clock times across clock changes.

Each kind of date has one check here, used by every form and service that takes one, so a
visit in 2126, days away for a hundred years or a date of birth in 1926 get the same plain
answer wherever they are typed. Times are Europe/London wall-clock times: a time the clocks
skip (spring) or pass twice (autumn) is refused with words, never shifted silently, and so is
a window the clocks change during.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext

# The 101 non-emergency number began in 2011: no figures for it can be older.
FIRST_101_MONTH = date(2011, 1, 1)
PLAN_YEARS_AHEAD = 2
OLDEST_AGE = 100
DAYS_AWAY_AT_ONCE = 366


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _long(day: date) -> str:
    return formats.date_format(day, "j F Y")


def _long_day(day: date) -> str:
    return formats.date_format(day, "l j F Y")


# --- One rule for each kind of date ------------------------------------------------------------


def check_visit_day(day: date, *, today: date | None = None) -> None:
    """A visit is planned for today or later, and no more than two years ahead."""
    today = today or timezone.localdate()
    latest = _years_after(today, PLAN_YEARS_AHEAD)
    if day < today:
        raise ValidationError(gettext("Choose a date from today on."), code="too_early")
    if day > latest:
        raise ValidationError(
            gettext("Choose a date no more than %(years)s years ahead (by %(day)s).")
            % {"years": PLAN_YEARS_AHEAD, "day": _long(latest)},
            code="too_late",
        )


def check_plan_year(year: int, *, today: date | None = None) -> None:
    """A quarter plan is for this year or the next two."""
    today = today or timezone.localdate()
    if not today.year <= year <= today.year + PLAN_YEARS_AHEAD:
        raise ValidationError(
            gettext("Plan a quarter of %(first)s to %(last)s.")
            % {"first": today.year, "last": today.year + PLAN_YEARS_AHEAD},
            code="out_of_range",
        )


def check_days_away(first: date, last: date, *, today: date | None = None) -> None:
    """Days away start today or later, no more than two years ahead, and last at most a year at a time."""
    today = today or timezone.localdate()
    if last < first:
        raise ValidationError({"ends_on": gettext("The last day away must be on or after the first day.")})
    if first < today:
        raise ValidationError({"starts_on": gettext("The first day away must be today or later.")})
    if first > _years_after(today, PLAN_YEARS_AHEAD):
        raise ValidationError(
            {"starts_on": gettext("The first day away must be within %(years)s years.") % {"years": PLAN_YEARS_AHEAD}}
        )
    if (last - first).days + 1 > DAYS_AWAY_AT_ONCE:
        raise ValidationError(
            {
                "ends_on": gettext(
                    "Add days away a year at a time at most. To stop for longer, tell the OPCC and they will pause you."
                )
            }
        )


def check_birth_date(born: date, *, today: date | None = None) -> None:
    """A date of birth is in the past and less than 100 years ago."""
    today = today or timezone.localdate()
    if born > today:
        raise ValidationError(gettext("Date of birth must be in the past"), code="future")
    if born <= _years_after(today, -OLDEST_AGE):
        raise ValidationError(
            gettext("Date of birth must be less than %(years)s years ago") % {"years": OLDEST_AGE}, code="too_old"
        )


def check_figure_month(month: date, *, today: date | None = None) -> None:
    """A month of the force's 101 figures: not before the 101 number began, and not in the future."""
    today = today or timezone.localdate()
    if month < FIRST_101_MONTH:
        raise ValueError(
            gettext("%(month)s is before the 101 number began (%(began)s)")
            % {"month": formats.date_format(month, "F Y"), "began": formats.date_format(FIRST_101_MONTH, "F Y")}
        )
    if month > today.replace(day=1):
        raise ValueError(gettext("%(month)s has not happened yet") % {"month": formats.date_format(month, "F Y")})


def check_training_day(day: date, *, today: date | None = None) -> None:
    """A training session is within the last year (to record one already held) or the next two years."""
    today = today or timezone.localdate()
    if day < _years_after(today, -1):
        raise ValidationError(gettext("Choose a date within the last year, or ahead."), code="too_early")
    if day > _years_after(today, PLAN_YEARS_AHEAD):
        raise ValidationError(
            gettext("Choose a date no more than %(years)s years ahead.") % {"years": PLAN_YEARS_AHEAD}, code="too_late"
        )


FIRST_YEAR_SHOWN = 2000


def year_to_show(asked: str | None, *, today: date | None = None) -> int:
    """A year asked for in a page's address (coverage, who visited): from 2000 to two years ahead;
    anything else, or nothing, shows this year."""
    today = today or timezone.localdate()
    try:
        year = int(asked or today.year)
    except ValueError:
        return today.year
    return year if FIRST_YEAR_SHOWN <= year <= today.year + PLAN_YEARS_AHEAD else today.year


# --- Clock times across clock changes ------------------------------------------------------------


def _is_real(naive: datetime, zone) -> bool:
    """Whether a wall-clock time happens exactly once that day (not skipped, not repeated)."""
    earlier, later = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    return earlier.utcoffset() == later.utcoffset()


def _change_on(day: date, zone) -> tuple[time, time, bool] | None:
    """The hour the clocks change on `day`: (from, to, skipped) or None on an ordinary day."""
    odd = [
        minute
        for minute in range(24 * 60)
        if not _is_real(datetime.combine(day, time(minute // 60, minute % 60)), zone)
    ]
    if not odd:
        return None
    first, last = odd[0], odd[-1] + 1
    naive = datetime.combine(day, time(first // 60, first % 60))
    skipped = naive.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive
    return time(first // 60, first % 60), time(last // 60 % 24, last % 60), skipped


def _hour(moment: time) -> str:
    if moment.minute:
        return f"{moment:%H:%M}"
    hour = {"hour": moment.hour % 12 or 12}
    return gettext("%(hour)sam") % hour if moment.hour < 12 else gettext("%(hour)spm") % hour


def local_datetime(day: date, at: time) -> datetime:
    """`day` at `at`, London time; a time the clocks skip or pass twice is refused in plain words."""
    zone = timezone.get_current_timezone()
    naive = datetime.combine(day, at)
    if _is_real(naive, zone):
        return naive.replace(tzinfo=zone)
    opens, closes, skipped = _change_on(day, zone)
    if skipped:
        message = gettext(
            "On %(day)s the clocks go forward at %(change)s, so %(time)s does not exist that day. "
            "Choose a time before %(before)s or from %(after)s."
        )
    else:
        message = gettext(
            "On %(day)s the clocks go back at %(change)s, so %(time)s happens twice that day. "
            "Choose a time before %(before)s or from %(after)s."
        )
    values = {
        "day": _long_day(day),
        "change": _hour(opens if skipped else closes),
        "time": f"{at:%H:%M}",
        "before": _hour(opens),
        "after": _hour(closes),
    }
    raise ValidationError(message % values, code="clock_change")


def check_no_clock_change(starts: datetime, ends: datetime) -> None:
    """Refuse a window the clocks change during: its clock times would not say how long it really is."""
    if starts.utcoffset() == ends.utcoffset():
        return
    zone = timezone.get_current_timezone()
    local_start, local_end = timezone.localtime(starts, zone), timezone.localtime(ends, zone)
    day = local_start.date()
    forward = ends.utcoffset() > starts.utcoffset()
    real = int((ends.astimezone(UTC) - starts.astimezone(UTC)).total_seconds() // 60)
    shown = int((local_end.replace(tzinfo=None) - local_start.replace(tzinfo=None)).total_seconds() // 60)
    if forward:
        message = gettext(
            "The clocks go forward on %(day)s, during this time: %(start)s to %(end)s is %(real)s minutes, "
            "not %(shown)s. Choose times that do not cross the change."
        )
    else:
        message = gettext(
            "The clocks go back on %(day)s, during this time: %(start)s to %(end)s is %(real)s minutes, "
            "not %(shown)s. Choose times that do not cross the change."
        )
    values = {
        "day": _long_day(day),
        "start": f"{local_start:%H:%M}",
        "end": f"{local_end:%H:%M}",
        "real": real,
        "shown": shown,
    }
    raise ValidationError(message % values, code="clock_change")


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed as London time: a time the clocks skip or pass twice gets a plain message
    (`local_datetime`) rather than Django's "couldn't be interpreted in time zone Europe/London"."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
        with timezone.override(UTC):  # read the wall-clock time as typed, then judge it in London
            naive = super().to_python(value).replace(tzinfo=None)
        return local_datetime(naive.date(), naive.time())
