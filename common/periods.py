"""Periods of the regulations: a calendar month, quarter or year, or any range of days.

One type for every period the product counts in: the window of a 1st/2nd/3rd ladder
(003 §十, 002 篇1 §一(一)), a scoring period of the window score (000 §五(五)), an
appraisal quarter, a statistics period. Both ends are inclusive, like the regulations'
own periods ("当季", "自然年度"); a record belongs to the period of its local date.
Pure Python, no Django: tested without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_NAMES = {"month": "自然月", "quarter": "自然季度", "year": "自然年度"}

_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|[Qq](?P<quarter>[1-4])))?$")


class InvalidPeriod(ValueError):
    """A period that is not YYYY-MM, YYYY-Qn or YYYY, or lies outside the years we count."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"期间的结束日 {self.end} 早于开始日 {self.start}")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    # --- the calendar periods -------------------------------------------------------

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("季度应为 1–4")
        return cls(date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), month_end(year, month))

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        """The calendar month, quarter or year (`kind`) that contains `day`."""
        if kind == "year":
            return cls.year(day.year)
        if kind == "quarter":
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == "month":
            return cls.month(day.year, day.month)
        raise ValueError(f"未知的计数周期：{kind}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2026-03' → March 2026, '2026-Q2' → April–June, '2026' → the year."""
        match = _KEY.match(text.strip()) if text.isascii() else None
        if not match:
            raise InvalidPeriod(f"期间“{text}”格式不对：请写成 2026-03（月）、2026-Q1（季度）或 2026（年）。")
        year = int(match["year"])
        if not 1900 <= year <= 9998:
            raise InvalidPeriod(f"年份 {year} 不在可计分的范围内。")
        if match["month"]:
            month = int(match["month"])
            if not 1 <= month <= 12:
                raise InvalidPeriod(f"月份“{match['month']}”不存在：请写 01–12。")
            return cls.month(year, month)
        if match["quarter"]:
            return cls.quarter(year, int(match["quarter"]))
        return cls.year(year)

    # --- what it is -----------------------------------------------------------------

    @property
    def kind(self) -> str:
        """ "year", "quarter", "month" for a calendar period, else "range"."""
        start, end = self.start, self.end
        if start.day != 1:
            return "range"
        if start.month == 1 and end == date(start.year, 12, 31):
            return "year"
        if end == month_end(start.year, start.month):
            return "month"
        if start.month % 3 == 1 and end == month_end(start.year, start.month + 2):
            return "quarter"
        return "range"

    @property
    def key(self) -> str:
        """The period as written in a URL: 2026, 2026-Q3, 2026-03, or 2026-03-02..2026-03-09."""
        kind, start = self.kind, self.start
        if kind == "year":
            return str(start.year)
        if kind == "quarter":
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        if kind == "month":
            return f"{start.year}-{start.month:02d}"
        return f"{start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        kind, start = self.kind, self.start
        if kind == "year":
            return f"{start.year}年"
        if kind == "quarter":
            return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
        if kind == "month":
            return f"{start.year}年{start.month}月"
        return f"{start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def parse_period(text: str) -> Period:
    return Period.parse(text)


def month_period(year: int, month: int) -> Period:
    return Period.month(year, month)
