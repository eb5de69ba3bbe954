"""Working days: weekends and England and Wales bank holidays never count."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.workingdays import add_working_days, is_working_day
from scenarios.models import is_bank_holiday

days_from_2020_to_2040 = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31))
a_few_weeks = st.integers(min_value=0, max_value=60)


def test_a_finding_raised_before_christmas_skips_christmas_boxing_day_and_new_year():
    # Friday 18 December 2026. Christmas Day is a Friday; Boxing Day falls on a
    # Saturday, so its bank holiday is Monday 28 December; New Year's Day is a Friday.
    raised = date(2026, 12, 18)
    assert add_working_days(raised, 4) == date(2026, 12, 24)
    assert add_working_days(raised, 5) == date(2026, 12, 29)
    assert add_working_days(raised, 7) == date(2026, 12, 31)
    assert add_working_days(raised, 8) == date(2027, 1, 4)
    assert add_working_days(raised, 10) == date(2027, 1, 6)


def test_easter_2027_skips_good_friday_and_easter_monday():
    # Thursday 25 March 2027; Good Friday is 26 March and Easter Monday 29 March.
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    assert add_working_days(date(2027, 3, 19), 10) == date(2027, 4, 6)


def test_an_ordinary_fortnight_is_ten_working_days():
    assert add_working_days(date(2026, 11, 23), 10) == date(2026, 12, 7)


def test_the_day_it_starts_on_never_counts():
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30), "Friday + 1 is Monday"
    assert add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30), "Saturday + 1 is Monday"
    assert add_working_days(date(2026, 11, 28), 2) == date(2026, 12, 1)


def test_zero_days_is_the_day_itself_or_the_next_working_day():
    assert add_working_days(date(2026, 11, 25), 0) == date(2026, 11, 25)
    assert add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 29)


def test_counting_backwards_is_refused():
    with pytest.raises(ValueError, match="forwards"):
        add_working_days(date(2026, 11, 25), -1)


@given(days_from_2020_to_2040, a_few_weeks)
def test_the_result_is_a_working_day_never_earlier_than_the_start(start, days):
    result = add_working_days(start, days)
    assert is_working_day(result)
    assert result.weekday() < 5 and not is_bank_holiday(result)
    assert result >= start
    if days:
        assert result > start


@given(days_from_2020_to_2040, st.integers(min_value=1, max_value=60))
def test_exactly_that_many_working_days_follow_the_start(start, days):
    result = add_working_days(start, days)
    between = [start + timedelta(days=n) for n in range(1, (result - start).days + 1)]
    assert sum(map(is_working_day, between)) == days


@given(days_from_2020_to_2040, days_from_2020_to_2040, a_few_weeks)
def test_a_later_start_is_never_due_earlier(first, second, days):
    earlier, later = sorted((first, second))
    assert add_working_days(earlier, days) <= add_working_days(later, days)


@given(days_from_2020_to_2040, a_few_weeks, a_few_weeks)
def test_more_days_is_never_due_earlier(start, some, more):
    fewer, greater = sorted((some, more))
    assert add_working_days(start, fewer) <= add_working_days(start, greater)


def test_zero_days_from_a_weekend_is_the_next_working_day():
    # Kills the trailing `while not is_working_day(day)` → `if not is_working_day(day)` (one step lands on
    # Sunday) and a shortcut `if days == 0: return start`.
    assert add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30), "Saturday + 0 is Monday"
    assert add_working_days(date(2026, 11, 29), 0) == date(2026, 11, 30), "Sunday + 0 is Monday"
    # The weekend before the August bank holiday (Monday 31 August 2026): Tuesday.
    assert add_working_days(date(2026, 8, 29), 0) == date(2026, 9, 1)
