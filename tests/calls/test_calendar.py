"""Business days and windows in legal local time (DESIGN: "Rules that hold everywhere")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from merito.calls.calendar import (
    add_business_days,
    business_window_end,
    is_business_day,
    is_within,
    window_bounds,
)


def test_a_five_business_day_window_from_friday_4_december_2026_in_colombia_ends_on_the_11th():
    # Fri 4, Mon 7, (Tue 8 Inmaculada Concepción), Wed 9, Thu 10, Fri 11.
    assert business_window_end(date(2026, 12, 4), 5, "CO") == date(2026, 12, 11)


def test_five_business_days_after_friday_4_december_2026_in_colombia_is_monday_the_14th():
    assert add_business_days(date(2026, 12, 4), 5, "CO") == date(2026, 12, 14)


def test_peru_also_skips_the_battle_of_ayacucho_on_9_december():
    # Fri 4, Mon 7, (8 and 9 are holidays in Peru), Thu 10, Fri 11, Mon 14.
    assert business_window_end(date(2026, 12, 4), 5, "PE") == date(2026, 12, 14)


def test_a_start_on_a_weekend_moves_to_the_next_business_day():
    assert add_business_days(date(2026, 12, 5), 0, "CO") == date(2026, 12, 7)
    assert business_window_end(date(2026, 12, 5), 1, "CO") == date(2026, 12, 7)


def test_a_window_across_christmas_and_new_year_in_colombia():
    # Thu 24, (Fri 25 Christmas), Mon 28, Tue 29, Wed 30, Thu 31, (Fri 1 January).
    assert business_window_end(date(2026, 12, 24), 5, "CO") == date(2026, 12, 31)
    assert add_business_days(date(2026, 12, 31), 1, "CO") == date(2027, 1, 4)


def test_negative_business_days_and_empty_windows_are_refused():
    with pytest.raises(ValueError):
        add_business_days(date(2026, 12, 4), -1, "CO")
    with pytest.raises(ValueError):
        business_window_end(date(2026, 12, 4), 0, "CO")


def test_a_window_closing_31_december_2026_in_lima_accepts_235959_and_refuses_midnight():
    opens, closes = window_bounds(date(2026, 12, 1), date(2026, 12, 31), "America/Lima")
    assert opens == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    assert closes == datetime(2027, 1, 1, 4, 59, 59, 999_999, tzinfo=UTC)
    start, end = date(2026, 12, 1), date(2026, 12, 31)
    assert is_within(datetime(2027, 1, 1, 4, 59, 59, tzinfo=UTC), start, end, "America/Lima")
    assert not is_within(datetime(2027, 1, 1, 5, 0, 0, tzinfo=UTC), start, end, "America/Lima")


def test_a_window_opens_at_midnight_local_time_in_bogota():
    start = end = date(2026, 11, 24)
    assert not is_within(
        datetime(2026, 11, 24, 4, 59, 59, tzinfo=UTC), start, end, "America/Bogota"
    )
    assert is_within(datetime(2026, 11, 24, 5, 0, 0, tzinfo=UTC), start, end, "America/Bogota")


def test_naive_instants_and_reversed_windows_are_refused():
    with pytest.raises(ValueError):
        is_within(
            datetime(2026, 12, 1, 12, 0), date(2026, 12, 1), date(2026, 12, 2), "America/Lima"
        )
    with pytest.raises(ValueError):
        window_bounds(date(2026, 12, 2), date(2026, 12, 1), "America/Lima")


@given(
    start=st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)),
    n=st.integers(min_value=0, max_value=80),
    country=st.sampled_from(["CO", "PE"]),
)
def test_add_business_days_lands_on_a_business_day_never_before_start(start, n, country):
    result = add_business_days(start, n, country)
    national = holidays.country_holidays(country, years=range(start.year, result.year + 1))
    assert result >= start
    assert result.weekday() < 5
    assert result not in national
    # Exactly n business days after the first business day on or after start.
    days = [start + timedelta(days=i) for i in range((result - start).days + 1)]
    assert sum(is_business_day(day, country) for day in days) == n + 1
