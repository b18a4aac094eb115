"""Legal calendar of a call: business days and the instants a window opens and closes.

Pure functions (no database). Deadlines are legal local times of the organization
(America/Bogota, America/Lima); a window closes at 23:59:59 local on its last day, and we
store and compare instants in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

OPENING_TIME = time(0, 0, 0)
# 23:59:59 is the legal closing time; the microseconds keep 23:59:59.5 inside the window.
CLOSING_TIME = time(23, 59, 59, 999_999)


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_business_day(day: date, country: str) -> bool:
    """Monday to Friday and not a national holiday of ``country`` (``"CO"``, ``"PE"``)."""
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def add_business_days(start: date, n: int, country: str) -> date:
    """The business day ``n`` business days after ``start``.

    A ``start`` that is a weekend or holiday first moves to the next business day, so the
    result is always a business day and never earlier than ``start``; ``n=0`` gives that
    first business day. A window "of N business days" that opens on ``start`` ends on
    ``add_business_days(start, N - 1, country)`` (see ``business_window_end``).
    """
    if n < 0:
        raise ValueError("n debe ser cero o positivo")
    day = start
    while not is_business_day(day, country):
        day += timedelta(days=1)
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_business_day(day, country):
            remaining -= 1
    return day


def business_window_end(start: date, n: int, country: str) -> date:
    """Last day of a window of ``n`` business days (``n`` ≥ 1) that opens on ``start``."""
    if n < 1:
        raise ValueError("Una ventana dura al menos un día hábil")
    return add_business_days(start, n - 1, country)


def window_bounds(start: date, end: date, tz: str) -> tuple[datetime, datetime]:
    """UTC instants of 00:00:00 local on ``start`` and 23:59:59.999999 local on ``end``."""
    if end < start:
        raise ValueError("La fecha final no puede ser anterior a la inicial")
    zone = ZoneInfo(tz)
    opens = datetime.combine(start, OPENING_TIME, tzinfo=zone)
    closes = datetime.combine(end, CLOSING_TIME, tzinfo=zone)
    return opens.astimezone(UTC), closes.astimezone(UTC)


def is_within(now_utc: datetime, start: date, end: date, tz: str) -> bool:
    """Whether the aware instant ``now_utc`` falls inside the window, both ends included."""
    if now_utc.tzinfo is None:
        raise ValueError("Se necesita una fecha y hora con zona horaria (UTC)")
    opens, closes = window_bounds(start, end, tz)
    return opens <= now_utc <= closes


def local_today(now_utc: datetime, tz: str) -> date:
    """The calendar date at ``now_utc`` in the legal time zone ``tz``."""
    return now_utc.astimezone(ZoneInfo(tz)).date()
