"""Periods of service and how rubrics count them (``../shared/DESIGN.md``, period rule).

A period ``[start, end]`` includes both days. Its completed months are the whole months
from ``start`` to ``end + 1 day``: 2010-01-01..2010-12-31 is 12 months, 2011-03-01..
2012-02-28 is 11. Months of several periods add up; only whole years of the sum count
(12 months each), never fractions and never rounding up.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

Period = tuple[date, date]
"""``(start, end)``, both days included, ``start <= end``."""

ONE_DAY = timedelta(days=1)


def completed_months(start: date, end: date) -> int:
    """Whole months from ``start`` to the day after ``end`` (both days of the period count)."""
    after = end + ONE_DAY
    months = (after.year - start.year) * 12 + (after.month - start.month)
    if after.day < start.day:
        months -= 1
    return max(months, 0)


def merge(periods: Iterable[Period]) -> list[Period]:
    """Overlapping or back-to-back periods joined, so a day is never counted twice."""
    ordered = sorted(periods)
    if not ordered:
        return []
    merged = [ordered[0]]
    for start, end in ordered[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end + ONE_DAY:
            if end > last_end:
                merged[-1] = (last_start, end)
        else:
            merged.append((start, end))
    return merged


def total_months(periods: Iterable[Period]) -> int:
    """Sum of each period's completed months (merge first where the rubric says so)."""
    return sum(completed_months(start, end) for start, end in periods)


def clip(periods: Iterable[Period], within: Iterable[Period]) -> list[Period]:
    """The parts of ``periods`` that fall inside ``within`` (both merged first)."""
    outer = merge(within)
    pieces: list[Period] = []
    for start, end in merge(periods):
        for o_start, o_end in outer:
            lo, hi = max(start, o_start), min(end, o_end)
            if lo <= hi:
                pieces.append((lo, hi))
    return pieces


def school_years(
    periods: Iterable[Period], first: tuple[int, int], last: tuple[int, int]
) -> list[int]:
    """Calendar years whose whole school window (``first``..``last`` as (month, day)) the
    merged periods cover: the Peruvian *año lectivo*, which is not a 12-month year."""
    covered: list[int] = []
    merged = merge(periods)
    years = {year for start, end in merged for year in range(start.year, end.year + 1)}
    for year in sorted(years):
        window_start = date(year, *first)
        window_end = date(year, *last)
        if any(start <= window_start and window_end <= end for start, end in merged):
            covered.append(year)
    return covered


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
