"""Honest shares: every share of the commitment met is shown with its count and a 95% Wilson score interval.

The count behind a share is the number of **visits**, not answers or reports:
a pair's two reports describe one visit and the answers within a report are
not independent, so counting them would make an interval falsely narrow. The
share itself is weighted (met weight over applicable weight); the interval
treats it as a proportion of `n` visits, which is the usual approximation for
a score built from a handful of questions per visit.
"""

from __future__ import annotations

from math import sqrt

# The 97.5th percentile of the standard normal distribution, for a two-sided 95% interval.
Z_95 = 1.959963984540054


def wilson_interval(share: float, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion `share` (0 to 1) observed over `n` trials,
    as (low, high) proportions; None without trials."""
    if n <= 0:
        return None
    share = min(max(share, 0.0), 1.0)
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (share + z2 / (2 * n)) / denominator
    half = z * sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def percent_interval(percent: float | None, n: int) -> tuple[float, float] | None:
    """`wilson_interval` for a share given in per cent, in per cent rounded to one decimal place."""
    if percent is None:
        return None
    interval = wilson_interval(percent / 100, n)
    if interval is None:
        return None
    return round(100 * interval[0], 1), round(100 * interval[1], 1)
