"""Counting windows of the ladders (pure, no database)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.periods import Period


@pytest.mark.parametrize(
    ("period", "day", "start", "end", "label"),
    [
        ("year", date(2026, 6, 30), date(2026, 1, 1), date(2026, 12, 31), "2026年"),
        ("quarter", date(2026, 2, 28), date(2026, 1, 1), date(2026, 3, 31), "2026年第1季度"),
        ("quarter", date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31), "2026年第4季度"),
        ("month", date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
        ("month", date(2026, 12, 5), date(2026, 12, 1), date(2026, 12, 31), "2026年12月"),
    ],
)
def test_the_window_containing_a_day_is_the_calendar_period(period, day, start, end, label):
    window = Period.containing(period, day)
    assert (window.start, window.end, window.label) == (start, end, label)


def test_a_free_range_is_labelled_by_its_dates_and_refuses_to_run_backwards():
    assert Period(date(2026, 3, 2), date(2026, 3, 9)).label == "2026-03-02 至 2026-03-09"
    with pytest.raises(ValueError, match="早于"):
        Period(date(2026, 3, 9), date(2026, 3, 2))
    with pytest.raises(ValueError, match="计数周期"):
        Period.containing("week", date(2026, 3, 2))


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["month", "quarter", "year"]),
)
def test_every_day_lies_in_its_window_and_windows_tile_the_calendar(day, period):
    window = Period.containing(period, day)
    assert day in window
    assert Period.containing(period, window.start) == window == Period.containing(period, window.end)
