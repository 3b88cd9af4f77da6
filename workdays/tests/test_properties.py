"""Invariants of the deadline arithmetic over random starts in 2004–2026, checked
against a day-by-day reference walk that reads the rules straight from the text."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

ONE_DAY = timedelta(days=1)
# Late enough for 60 working days to stay inside 2026.
starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 9, 30))
counts = st.integers(min_value=0, max_value=60)
positive_counts = st.integers(min_value=1, max_value=60)


def walk(seeded_days, start: date, n: int) -> date:
    """§五(二)2 literally: step from the day after `start`, counting working days."""
    d = start
    if n == 0:
        while not seeded_days[d].is_workday:
            d += ONE_DAY
        return d
    counted = 0
    while counted < n:
        d += ONE_DAY
        counted += seeded_days[d].is_workday
    return d


@given(start=starts, n=counts)
def test_it_agrees_with_a_day_by_day_walk(seeded_index, seeded_days, start, n):
    assert seeded_index.add_workdays(start, n) == walk(seeded_days, start, n)


@given(start=starts, n=positive_counts)
def test_the_deadline_is_a_working_day_strictly_after_the_start(seeded_index, start, n):
    deadline = seeded_index.add_workdays(start, n)
    assert deadline > start
    assert seeded_index.is_workday(deadline)


@given(start=starts)
def test_an_immediate_deadline_is_the_start_exactly_when_the_start_is_a_working_day(seeded_index, start):
    deadline = seeded_index.add_workdays(start, 0)
    assert deadline >= start
    assert seeded_index.is_workday(deadline)
    assert (deadline == start) == seeded_index.is_workday(start)


@given(start=starts, n=positive_counts)
def test_one_more_day_of_time_limit_is_exactly_the_next_working_day(seeded_index, start, n):
    earlier, later = seeded_index.add_workdays(start, n), seeded_index.add_workdays(start, n + 1)
    assert earlier < later
    assert seeded_index.workdays_between(earlier, later) == 1


@given(start=starts)
def test_zero_days_is_never_later_than_one_day(seeded_index, start):
    assert seeded_index.add_workdays(start, 0) <= seeded_index.add_workdays(start, 1)


@given(start=starts, n=positive_counts)
def test_counting_the_working_days_up_to_the_deadline_gives_back_the_time_limit(seeded_index, start, n):
    assert seeded_index.workdays_between(start, seeded_index.add_workdays(start, n)) == n


@given(start=starts, m=st.integers(min_value=1, max_value=30), n=st.integers(min_value=0, max_value=30))
def test_time_limits_add_up(seeded_index, start, m, n):
    first = seeded_index.add_workdays(start, m)
    assert seeded_index.add_workdays(first, n) == seeded_index.add_workdays(start, m + n)


@given(start=starts, n=positive_counts)
def test_a_handover_day_that_is_a_working_day_counts_as_day_one(seeded_index, seeded_days, start, n):
    deadline = seeded_index.add_workdays_from_handover(start, n)
    assert deadline == seeded_index.add_workdays(start, n - 1 if seeded_index.is_workday(start) else n)
    # Counting from the handover day itself = the walk that starts the day before.
    assert deadline == walk(seeded_days, start - ONE_DAY, n)


@given(start=starts)
def test_a_handover_with_zero_days_is_due_like_one_day(seeded_index, start):
    assert seeded_index.add_workdays_from_handover(start, 0) == seeded_index.add_workdays_from_handover(
        start, 1
    )


@given(a=starts, b=starts, c=starts)
def test_counting_working_days_is_additive_and_antisymmetric(seeded_index, a, b, c):
    assert seeded_index.workdays_between(a, b) == -seeded_index.workdays_between(b, a)
    assert seeded_index.workdays_between(a, b) + seeded_index.workdays_between(b, c) == (
        seeded_index.workdays_between(a, c)
    )
