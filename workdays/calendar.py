"""The working-day calendar as the rest of the system calls it:

    from workdays.calendar import add_workdays, add_workdays_from_handover, is_workday

Each call answers from an in-memory `WorkdayIndex` (binary search, no query). The
index is rebuilt from the table when it may be stale:

* in this process, at once: the services and the post_save/post_delete signals of
  Day and PublishedYear call `calendar_invalidate()`;
* for other processes (each gunicorn worker has its own index), by comparing
  `CalendarRevision.number`, which every write bumps, at most every
  `WORKDAYS_REVISION_CHECK_SECONDS` (default 5). A change committed by one worker
  is therefore seen by every other within that many seconds.

Tests call `calendar_invalidate()` themselves: a rolled-back test transaction fires
no signal, and would otherwise leave its published years in the cache.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from workdays.arithmetic import WorkdayIndex
from workdays.errors import CalendarNotPublished
from workdays.models import CalendarRevision, Day, PublishedYear

__all__ = [
    "CalendarNotPublished",
    "add_workdays",
    "add_workdays_from_handover",
    "calendar_index",
    "calendar_invalidate",
    "is_workday",
    "published_years",
    "workdays_between",
]

DEFAULT_REVISION_CHECK_SECONDS = 5.0


@dataclass(frozen=True)
class _Cached:
    index: WorkdayIndex
    revision: int
    fresh_until: float  # time.monotonic() after which the revision is checked again


_cached: _Cached | None = None
_rebuild_lock = threading.Lock()


def is_workday(d: date) -> bool:
    return calendar_index().is_workday(d)


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after `start`; the start day is not counted (000 §五(二)2).
    n = 0: `start` if it is a working day, else the first working day after it."""
    return calendar_index().add_workdays(start, n)


def add_workdays_from_handover(start: date, n: int) -> date:
    """The n-th working day counting the handover day as day 1 when it is a working
    day (000 §五(二)2(3), between departments and branches)."""
    return calendar_index().add_workdays_from_handover(start, n)


def workdays_between(a: date, b: date) -> int:
    """Working days d with a < d ≤ b (negative if b < a): the inverse of add_workdays."""
    return calendar_index().workdays_between(a, b)


def published_years() -> frozenset[int]:
    return calendar_index().published_years


def calendar_index() -> WorkdayIndex:
    """The current index, rebuilt first if the table may have changed."""
    cached = _cached
    if cached is not None and time.monotonic() < cached.fresh_until:
        return cached.index
    with _rebuild_lock:
        return _refresh(_cached)


def calendar_invalidate() -> None:
    """Drop this process's index; the next call rebuilds it from the table."""
    global _cached
    _cached = None


def _refresh(cached: _Cached | None) -> WorkdayIndex:
    global _cached
    now = time.monotonic()
    if cached is not None and now < cached.fresh_until:
        return cached.index  # another thread refreshed it while we waited for the lock
    # Read the revision before the rows: a write that commits in between leaves an
    # older number with newer rows, which only costs one more rebuild later.
    revision = _current_revision()
    if cached is None or cached.revision != revision:
        cached = _Cached(_build_index(), revision, 0.0)
    _cached = _Cached(cached.index, revision, now + _check_seconds())
    return _cached.index


def _build_index() -> WorkdayIndex:
    # order_by(): the index sorts anyway; no need for the models' default ordering.
    years = PublishedYear.objects.filter(published=True).order_by().values_list("year", flat=True)
    workdays = Day.objects.filter(is_workday=True).order_by().values_list("date", flat=True)
    return WorkdayIndex(workdays=list(workdays), published_years=list(years))


def _current_revision() -> int:
    number = (
        CalendarRevision.objects.filter(pk=CalendarRevision.SINGLETON_ID)
        .values_list("number", flat=True)
        .first()
    )
    return number or 0


def _check_seconds() -> float:
    return float(getattr(settings, "WORKDAYS_REVISION_CHECK_SECONDS", DEFAULT_REVISION_CHECK_SECONDS))
