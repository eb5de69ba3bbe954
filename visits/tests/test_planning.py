"""The quarter plan's spread: random, even, reproducible, always inside opening hours."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visits.planning import TIME_BANDS, _band_of, draft_plan, quarter_bounds

BANK_HOLIDAY = date(2027, 5, 3)


@dataclass
class Desk:
    """A contact point as the planner sees it: opening windows by day."""

    pk: int
    hours: dict = field(default_factory=dict)  # weekday -> list of (opens, closes)

    def opening_windows(self, on):
        if on == BANK_HOLIDAY:
            return []
        return self.hours.get(on.weekday(), [])

    def __str__(self):
        return f"desk {self.pk}"


WEEKDAYS_WITH_LUNCH = {day: [(time(9), time(12, 30)), (time(13, 30), time(17))] for day in range(5)}
LONG_HOURS = {day: [(time(8), time(20))] for day in range(7)}


def desks(count=20):
    return [Desk(pk, WEEKDAYS_WITH_LUNCH if pk % 2 else LONG_HOURS) for pk in range(1, count + 1)]


def plan(seed=7, points=None, per_point=4, first=date(2027, 4, 1), last=date(2027, 6, 30)):
    points = points or desks()
    return draft_plan(
        contact_points=points, targets={p.pk: per_point for p in points}, first_day=first, last_day=last, seed=seed
    )


def test_the_same_seed_gives_the_same_plan():
    assert plan(seed=42) == plan(seed=42)


def test_another_seed_gives_another_plan():
    assert plan(seed=1) != plan(seed=2)


def test_every_target_is_met():
    counts = Counter(slot.contact_point_id for slot in plan(per_point=6))
    assert set(counts.values()) == {6}


def test_visits_fall_inside_opening_hours_and_never_on_a_bank_holiday():
    points = {p.pk: p for p in desks()}
    for slot in plan():
        windows = points[slot.contact_point_id].opening_windows(slot.start.date())
        assert any(opens <= slot.start.time() and slot.end.time() <= closes for opens, closes in windows), slot
        assert slot.start.date() != BANK_HOLIDAY


def test_no_weekday_is_starved():
    slots = plan(points=[Desk(pk, WEEKDAYS_WITH_LUNCH) for pk in range(1, 41)], per_point=5)
    by_weekday = Counter(slot.start.weekday() for slot in slots)
    assert set(by_weekday) == {0, 1, 2, 3, 4}
    average = len(slots) / 5
    assert all(abs(count - average) <= 0.15 * average for count in by_weekday.values()), by_weekday


def test_no_time_of_day_is_starved():
    slots = plan(points=[Desk(pk, LONG_HOURS) for pk in range(1, 31)], per_point=6)
    by_band = Counter(_band_of(slot.start.time()) for slot in slots)
    assert set(by_band) == {name for name, _start, _end in TIME_BANDS}
    assert max(by_band.values()) - min(by_band.values()) <= 0.15 * len(slots)


def test_a_contact_point_gets_its_visits_across_the_quarter_not_in_a_bunch():
    first, last = quarter_bounds(2027, 2)
    for pk in {slot.contact_point_id for slot in plan()}:
        days = sorted(slot.start.date() for slot in plan() if slot.contact_point_id == pk)
        assert len(set(days)) == len(days)
        assert days[0] < first + timedelta(days=30) and days[-1] > last - timedelta(days=30)


def test_visits_keep_to_the_hours_volunteers_work():
    for slot in plan(points=[Desk(1, {d: [(time(0), time(23, 59))] for d in range(7)})], per_point=10):
        assert time(8) <= slot.start.time() and slot.end.time() <= time(21)


def test_a_target_that_cannot_be_met_is_refused_clearly():
    only_mondays = Desk(1, {0: [(time(9), time(12))]})
    with pytest.raises(ValueError, match="too few for 20 visits"):
        plan(points=[only_mondays], per_point=20)


def test_quarter_bounds():
    assert quarter_bounds(2027, 1) == (date(2027, 1, 1), date(2027, 3, 31))
    assert quarter_bounds(2027, 4) == (date(2027, 10, 1), date(2027, 12, 31))
    with pytest.raises(ValueError):
        quarter_bounds(2027, 5)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32), per_point=st.integers(1, 12), count=st.integers(1, 8))
def test_any_seed_meets_targets_inside_opening_hours(seed, per_point, count):
    points = desks(count)
    slots = plan(seed=seed, points=points, per_point=per_point)
    assert len(slots) == per_point * count
    assert all(slot.start.date().weekday() < 5 or slot.contact_point_id % 2 == 0 for slot in slots)
