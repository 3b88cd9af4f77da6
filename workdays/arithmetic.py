"""Deadline arithmetic of 000 §五(二) 限时办结制度, on an in-memory index.

Pure Python on purpose (no Django): the rules are tested here without a database,
and `workdays.calendar` only decides *which* index is current.

The rules (docs/workdays.md has the worked examples):

* 时限以日计算，开始之日不计算在办理时限内 (§五(二)2): `add_workdays(start, n)` is
  the n-th working day strictly after `start`, whatever kind of day `start` is.
* n = 0 (即办, immediate): `start` itself when it is a working day, otherwise the
  first working day after it — an immediate matter accepted on a rest day is due
  on the next day the centre works.
* 处室之间、管理部之间…从交接登记的当日起计算 (§五(二)2(3)):
  `add_workdays_from_handover(start, n)` counts the handover day as day 1 when it
  is a working day; n = 0 and n = 1 both mean "the first working day on or after
  the handover day".
* `workdays_between(a, b)` counts the working days d with a < d ≤ b (negative when
  b < a), so that workdays_between(a, add_workdays(a, n)) == n for every n ≥ 1.

Only published years are in the index. Any answer that would need a day of an
unpublished year raises `CalendarNotPublished` naming that year: a deadline is
never guessed from weekends alone (DESIGN.md "Guarantees").

Every query is two binary searches over sorted ordinals: O(log n) and no
allocation but the result date.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from workdays.errors import CalendarNotPublished, InvalidWorkdayCount


class _Span(NamedTuple):
    """A run of consecutive published years, as ordinals of its first and last day."""

    first: int
    last: int
    last_year: int


class WorkdayIndex:
    """The working days of the published years, as a sorted list of ordinals.

    Immutable once built, so a process can swap a new one in without a lock on
    the read path."""

    __slots__ = ("_published_years", "_span_firsts", "_spans", "_workdays")

    def __init__(self, workdays: Iterable[date], published_years: Iterable[int]) -> None:
        years = sorted(set(published_years))
        self._published_years = frozenset(years)
        self._spans = _spans_of(years)
        self._span_firsts = [span.first for span in self._spans]
        # Rows of unpublished years may exist (a withdrawn notice); they never count.
        self._workdays = sorted({d.toordinal() for d in workdays if d.year in self._published_years})

    @property
    def published_years(self) -> frozenset[int]:
        return self._published_years

    def __len__(self) -> int:
        return len(self._workdays)

    def is_workday(self, d: date) -> bool:
        self._span_of(d)
        ordinal = d.toordinal()
        i = bisect_left(self._workdays, ordinal)
        return i < len(self._workdays) and self._workdays[i] == ordinal

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after `start`, the start day not counted (§五(二)2)."""
        _check_count(n)
        span = self._span_of(start)
        ordinal = start.toordinal()
        if n == 0:
            return self._workday_at(bisect_left(self._workdays, ordinal), span)
        return self._workday_at(bisect_right(self._workdays, ordinal) + n - 1, span)

    def add_workdays_from_handover(self, start: date, n: int) -> date:
        """The n-th working day counting the handover day itself (§五(二)2(3))."""
        _check_count(n)
        span = self._span_of(start)
        first_on_or_after = bisect_left(self._workdays, start.toordinal())
        return self._workday_at(first_on_or_after + max(n, 1) - 1, span)

    def workdays_between(self, a: date, b: date) -> int:
        """Working days d with a < d ≤ b; negative (the same count) when b < a."""
        if b < a:
            return -self.workdays_between(b, a)
        span = self._span_of(a)
        if self._span_of(b) != span:
            raise CalendarNotPublished(span.last_year + 1)
        return bisect_right(self._workdays, b.toordinal()) - bisect_right(self._workdays, a.toordinal())

    def _span_of(self, d: date) -> _Span:
        _check_date(d)
        ordinal = d.toordinal()
        i = bisect_right(self._span_firsts, ordinal) - 1
        if i < 0 or ordinal > self._spans[i].last:
            raise CalendarNotPublished(d.year)
        return self._spans[i]

    def _workday_at(self, position: int, span: _Span) -> date:
        # Past the end of the run of published years means the answer lies in the
        # first unpublished year after it: refuse rather than skip over that year.
        if position >= len(self._workdays) or self._workdays[position] > span.last:
            raise CalendarNotPublished(span.last_year + 1)
        return date.fromordinal(self._workdays[position])


def _spans_of(years: list[int]) -> list[_Span]:
    spans: list[_Span] = []
    for year in years:
        if spans and spans[-1].last_year == year - 1:
            spans[-1] = spans[-1]._replace(last=date(year, 12, 31).toordinal(), last_year=year)
        else:
            spans.append(_Span(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal(), year))
    return spans


def _check_date(d: object) -> None:
    # A datetime is a date subclass; taking its date would silently use UTC or local
    # time depending on the caller. Business dates are local dates (DESIGN.md §7).
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"expected a datetime.date (a local business date), got {type(d).__name__}")


def _check_count(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"the number of working days must be an int, got {type(n).__name__}")
    if n < 0:
        raise InvalidWorkdayCount(f"办理时限的工作日数不能为负数（收到 {n}）。")
