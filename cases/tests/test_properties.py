"""Invariants of the time rules over the whole published calendar (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases import deadlines
from workdays.calendar import calendar_index

pytestmark = pytest.mark.django_db

days = st.dates(min_value=date(2004, 1, 2), max_value=date(2026, 11, 30))


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=20))
def test_a_deadline_is_a_working_day_exactly_n_working_days_after_the_start(start, n):
    cal = calendar_index()
    deadline = deadlines.case_deadline(
        cal, accepted_on=start, promised_days=n, start_offset=1, immediate_offset=0
    )
    assert deadline > start and cal.is_workday(deadline)
    assert cal.workdays_between(start, deadline) == n
    # The day before the deadline would be one working day short.
    assert cal.workdays_between(start, deadline - timedelta(days=1)) == n - 1


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=10))
def test_a_handover_is_never_later_than_the_same_limit_from_the_next_day(start, n):
    cal = calendar_index()
    handover = deadlines.counted_deadline(cal, start, n, 0)
    receipt = deadlines.counted_deadline(cal, start, n, 1)
    assert handover <= receipt and cal.is_workday(handover)
    assert (handover == start) == (n == 1 and cal.is_workday(start))


@settings(max_examples=300, deadline=None)
@given(
    deadline=days,
    decided=st.integers(min_value=-5, max_value=5),
    told=st.integers(min_value=0, max_value=5),
    delivered=st.integers(min_value=0, max_value=5),
    pickup=st.booleans(),
    later=st.integers(min_value=0, max_value=30),
)
def test_overdue_only_after_the_deadline_and_only_for_a_late_step(
    deadline, decided, told, delivered, pickup, later
):
    decided_on = deadline + timedelta(days=decided)
    notified_on = decided_on + timedelta(days=told)
    delivered_on = notified_on + timedelta(days=delivered)
    facts = deadlines.OverdueFacts(deadline, decided_on, notified_on, delivered_on, pickup=pickup)
    today = max(delivered_on, deadline) + timedelta(days=later)
    reasons = deadlines.overdue_reasons(facts, today)
    steps = [decided_on, notified_on] + ([] if pickup else [delivered_on])
    assert bool(reasons) == any(d > deadline for d in steps)
    assert len(reasons) <= 1
    # Nothing is ever found before the deadline's day has ended.
    assert deadlines.overdue_reasons(facts, deadline) == frozenset()
