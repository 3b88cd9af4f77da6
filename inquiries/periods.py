"""Counting windows of the regulations' ladders: a calendar month, quarter or year
(`rules.schemas.Period`). Pure Python, no Django: the 1st/2nd/3rd arithmetic of
003 §十 and 002 篇1 §一(一) is tested without a database.

A `DateRange` is inclusive at both ends, like the regulations' own periods
("当季", "自然年度")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_NAMES = {"month": "自然月", "quarter": "自然季度", "year": "自然年度"}


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"期间的结束日 {self.end} 早于开始日 {self.start}")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @classmethod
    def year(cls, year: int) -> DateRange:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> DateRange:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("季度应为 1–4")
        first = date(year, 3 * quarter - 2, 1)
        return cls(first, _month_end(year, 3 * quarter))

    @classmethod
    def month(cls, year: int, month: int) -> DateRange:
        return cls(date(year, month, 1), _month_end(year, month))

    @classmethod
    def containing(cls, period: str, day: date) -> DateRange:
        """The calendar month, quarter or year that contains `day`."""
        if period == "year":
            return cls.year(day.year)
        if period == "quarter":
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if period == "month":
            return cls.month(day.year, day.month)
        raise ValueError(f"未知的计数周期：{period}")

    @property
    def label(self) -> str:
        if self.start.month == 1 and self.start.day == 1 and self.end == date(self.start.year, 12, 31):
            return f"{self.start.year}年"
        if self.start.day == 1 and self.end == _month_end(self.start.year, self.start.month):
            return f"{self.start.year}年{self.start.month}月"
        if (
            self.start.day == 1
            and self.start.month % 3 == 1
            and self.end == _month_end(self.start.year, self.start.month + 2)
        ):
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)
