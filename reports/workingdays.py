"""Working days in England and Wales: Monday to Friday, bank holidays excluded.

Bank holidays come from the `holidays` package through
`scenarios.models.is_bank_holiday`, the same list that keeps contact points
closed, so substitute days (Boxing Day on a Saturday is observed on the
Monday) count as holidays here too.
"""

from __future__ import annotations

from datetime import date, timedelta

from scenarios.models import is_bank_holiday


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`.

    `start` itself never counts, whatever day it is: a finding raised on a
    Friday with one working day to answer is due on Monday. With `days=0`
    the answer is `start` if it is a working day, else the next one, so
    the result is always a working day.
    """
    if days < 0:
        raise ValueError("Count working days forwards only.")
    day = start
    for _ in range(days):
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
    while not is_working_day(day):  # only when days is 0
        day += timedelta(days=1)
    return day
