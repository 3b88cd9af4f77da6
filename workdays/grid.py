"""Twelve month grids (Monday first, as Chinese wall calendars) for the calendar
page and the notice preview. Pure Python: takes Day rows or DaySpecs alike."""

from __future__ import annotations

import calendar as stdlib_calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from workdays.kinds import LABELS, WEEKDAY
from workdays.yearplan import WEEKDAY_NAMES


class DayLike(Protocol):
    @property
    def date(self) -> date: ...
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Cell:
    date: date
    kind: str  # "" when the table has no row for the day
    name: str

    @property
    def css_class(self) -> str:
        return f"day-{self.kind}" if self.kind and self.kind != WEEKDAY else ""

    @property
    def title(self) -> str:
        parts = [self.date.isoformat(), WEEKDAY_NAMES[self.date.weekday()], LABELS.get(self.kind, "未录入")]
        return " ".join([*parts, self.name] if self.name else parts)


@dataclass(frozen=True)
class MonthGrid:
    month: int
    weeks: list[list[Cell | None]]  # None: a day of the neighbouring month


WEEK_HEADER = ("一", "二", "三", "四", "五", "六", "日")


def month_grids(year: int, days: Iterable[DayLike]) -> list[MonthGrid]:
    by_date = {d.date: d for d in days}
    layout = stdlib_calendar.Calendar(firstweekday=0)
    grids = []
    for month in range(1, 13):
        weeks = [
            [_cell(d, by_date) if d.month == month else None for d in week]
            for week in layout.monthdatescalendar(year, month)
        ]
        grids.append(MonthGrid(month, weeks))
    return grids


def _cell(d: date, by_date: dict[date, DayLike]) -> Cell:
    row = by_date.get(d)
    return Cell(d, row.kind, row.name) if row else Cell(d, "", "")
