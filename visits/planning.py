"""Drafting a quarter's unannounced visits, spread so the force cannot read a pattern.

The draft is random but even: each contact point's visits fall in different
parts of the quarter (the quarter is cut into as many stretches as the
contact point has visits, one visit in each), and across the whole plan the
weekdays and the times of day are kept level by always choosing among the
least used so far, with ties broken at random. The same seed and the same
inputs give the same draft, so a coordinator can reproduce and audit it.

This module knows nothing of the database: it takes anything with a `pk` and
an `opening_windows(day)` method (a contact point) and returns plain slots.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

LONDON = ZoneInfo("Europe/London")

# Times of day, so no part of the day is starved of visits.
TIME_BANDS = (
    ("morning", time(0, 0), time(12, 0)),
    ("afternoon", time(12, 0), time(17, 0)),
    ("evening", time(17, 0), time(23, 59)),
)
# Start times fall on five-minute marks, like a real appointment would.
STEP_MINUTES = 5


class Plannable(Protocol):
    pk: int

    def opening_windows(self, on: date) -> list[tuple[time, time]]: ...


@dataclass(frozen=True)
class Slot:
    contact_point_id: int
    start: datetime
    end: datetime


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter (1–4)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("A quarter is 1, 2, 3 or 4.")
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _band_of(moment: time) -> str:
    for name, start, end in TIME_BANDS:
        if start <= moment < end:
            return name
    return TIME_BANDS[-1][0]


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _starts_in(window: tuple[time, time], duration: int, hours: tuple[time, time]) -> list[int]:
    """Every start (in minutes after midnight) that fits the visit inside the window and the allowed hours."""
    opens = max(_minutes(window[0]), _minutes(hours[0]))
    closes = min(_minutes(window[1]), _minutes(hours[1]))
    first = -(-opens // STEP_MINUTES) * STEP_MINUTES
    return list(range(first, closes - duration + 1, STEP_MINUTES))


def _stretches(days: list[date], count: int) -> list[list[date]]:
    """Cut the days into `count` consecutive stretches of near-equal length."""
    size, extra = divmod(len(days), count)
    stretches, index = [], 0
    for number in range(count):
        length = size + (number < extra)
        stretches.append(days[index : index + length])
        index += length
    return stretches


def draft_plan(
    *,
    contact_points: Sequence[Plannable],
    targets: Mapping[int, int],
    first_day: date,
    last_day: date,
    seed: int,
    duration: timedelta = timedelta(minutes=30),
    hours: tuple[time, time] = (time(8, 0), time(21, 0)),
) -> list[Slot]:
    """Draft visits: `targets[contact_point.pk]` of them for each contact point.

    Visits fall within opening windows (so never on a closed day or a bank
    holiday the contact point keeps closed) and within `hours`, the times
    volunteers are asked to work. A contact point gets at most one visit a day.
    Raises ValueError when a target cannot be met in the quarter.
    """
    # Seeded so a draft is reproducible; the seed itself comes from `secrets` and is never shown to the force.
    rng = random.Random(seed)  # noqa: S311
    days = [first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1)]
    minutes = int(duration.total_seconds() // 60)
    weekday_use: Counter[int] = Counter()
    band_use: Counter[str] = Counter()
    slots: list[Slot] = []

    for contact_point in sorted(contact_points, key=lambda point: point.pk):
        count = targets.get(contact_point.pk, 0)
        if count <= 0:
            continue
        # Every start this contact point allows, day by day.
        starts_by_day = {}
        for day in days:
            starts = [s for window in contact_point.opening_windows(day) for s in _starts_in(window, minutes, hours)]
            if starts:
                starts_by_day[day] = starts
        open_days = sorted(starts_by_day)
        if len(open_days) < count:
            raise ValueError(
                gettext(
                    "Contact point %(place)s is open on %(open)s days in this period, too few for %(count)s visits."
                )
                % {"place": contact_point, "open": len(open_days), "count": count}
            )
        used_days: set[date] = set()
        stretches = _stretches(open_days, count)
        rng.shuffle(stretches)
        for stretch in stretches:
            candidates = [day for day in stretch if day not in used_days] or [
                day for day in open_days if day not in used_days
            ]
            day = _least_used(rng, candidates, key=lambda d: weekday_use[d.weekday()])
            bands = sorted({_band_of(time(s // 60, s % 60)) for s in starts_by_day[day]})
            band = _least_used(rng, bands, key=lambda name: band_use[name])
            start_minute = rng.choice([s for s in starts_by_day[day] if _band_of(time(s // 60, s % 60)) == band])
            start = datetime.combine(day, time(start_minute // 60, start_minute % 60), tzinfo=LONDON)
            slots.append(Slot(contact_point.pk, start, start + duration))
            used_days.add(day)
            weekday_use[day.weekday()] += 1
            band_use[band] += 1
    return sorted(slots, key=lambda slot: (slot.start, slot.contact_point_id))


def _least_used(rng: random.Random, options: list, *, key) -> object:
    """One of the options used least so far, chosen at random among equals."""
    fewest = min(key(option) for option in options)
    return rng.choice([option for option in options if key(option) == fewest])
