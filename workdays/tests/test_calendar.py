"""The calendar as the rest of the system calls it: the index built from the table."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from workdays.calendar import (
    add_workdays,
    add_workdays_from_handover,
    is_workday,
    published_years,
    workdays_between,
)
from workdays.errors import CalendarNotPublished
from workdays.seed import SEED_YEARS
from workdays.tests.test_arithmetic import ACCEPTANCE_CASES, HANDOVER_CASES

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def test_the_index_from_the_table_agrees_with_the_seed_on_every_day(seeded_index):
    d, last = date(2004, 1, 1), date(2026, 12, 31)
    while d <= last:
        assert is_workday(d) == seeded_index.is_workday(d), d
        d += timedelta(days=1)
    assert published_years() == frozenset(SEED_YEARS)


@pytest.mark.parametrize(("start", "n", "deadline", "why"), ACCEPTANCE_CASES)
def test_it_counts_from_the_day_after_acceptance(start, n, deadline, why):
    assert add_workdays(D(start), n) == D(deadline), why


@pytest.mark.parametrize(("start", "n", "deadline", "why"), HANDOVER_CASES)
def test_a_handover_counts_from_the_handover_day_itself(start, n, deadline, why):
    assert add_workdays_from_handover(D(start), n) == D(deadline), why


def test_it_counts_working_days_back_to_the_time_limit():
    assert workdays_between(D("2026-09-30"), add_workdays(D("2026-09-30"), 7)) == 7


@pytest.mark.parametrize(
    ("call", "year"),
    [
        (lambda: add_workdays(D("2026-12-31"), 1), 2027),
        (lambda: add_workdays(D("2027-03-01"), 0), 2027),
        (lambda: add_workdays(D("2003-12-31"), 1), 2003),
        (lambda: add_workdays_from_handover(D("2003-06-02"), 1), 2003),
        (lambda: is_workday(D("2027-01-01")), 2027),
        (lambda: workdays_between(D("2026-12-31"), D("2027-01-04")), 2027),
    ],
)
def test_it_refuses_2027_and_2003_because_their_notices_are_not_in(call, year):
    with pytest.raises(CalendarNotPublished) as caught:
        call()
    assert caught.value.year == year
    assert f"{year}年的节假日安排尚未发布" in caught.value.message
