"""A year's calendar as the State Council notice (国务院办公厅关于××年部分节假日安排的通知)
states it: holiday ranges and makeup workdays on top of ordinary weekdays and
weekends. Pure Python: it is used by the publishing service, by its preview page and
by the seeding, and tested without a database.

A notice for year Y may reach back into December of Y-1: the 2007 notice made
2006-12-30/31 working days, the 2006 notice made 2005-12-31 one, and the 2023
notice started the New Year break on 2022-12-31. Those days are `carried` and
overwrite the previous year's rows when the notice is published.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from workdays.errors import NoticeInvalid
from workdays.kinds import (
    DEFAULT_MAKEUP_NAME,
    HOLIDAY,
    MAKEUP_WORKDAY,
    WEEKDAY,
    WEEKEND,
    WORKDAY_KINDS,
    is_weekend,
    kind_problem,
    ordinary_kind,
)

FIRST_YEAR = 2000
LAST_YEAR = 2100
# The longest break so far is the 2020 Spring Festival (10 days after its extension);
# a range longer than a month is a typing error, not a notice.
MAX_HOLIDAY_DAYS = 31
NAME_MAX_LENGTH = 50

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class DaySpec(NamedTuple):
    """One day as the calendar table stores it."""

    date: date
    kind: str
    name: str = ""

    @property
    def is_workday(self) -> bool:
        return self.kind in WORKDAY_KINDS


class HolidayRange(NamedTuple):
    name: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class MakeupWorkday(NamedTuple):
    date: date
    name: str


@dataclass(frozen=True)
class YearPlan:
    year: int
    days: list[DaySpec]  # every day of the year, in order
    carried: list[DaySpec]  # days of December of the previous year the notice changes
    holidays: list[HolidayRange]
    makeup_workdays: list[MakeupWorkday]


def days_of_year(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def build_year_plan(
    year: int,
    holidays: list[HolidayRange] | list[tuple[str, date, date]],
    makeup_workdays: list[MakeupWorkday] | list[tuple[date, str]],
) -> YearPlan:
    """Validate a notice and lay it out over the year. Raises NoticeInvalid listing
    every problem found."""
    ranges = [HolidayRange(name.strip(), start, end) for name, start, end in holidays]
    makeups = [MakeupWorkday(d, (name or "").strip() or DEFAULT_MAKEUP_NAME) for d, name in makeup_workdays]
    problems = _year_problems(year) or [
        *_range_problems(year, ranges),
        *_makeup_problems(year, ranges, makeups),
    ]
    if problems:
        raise NoticeInvalid(problems)
    specs = {d: DaySpec(d, ordinary_kind(d)) for d in days_of_year(year)}
    for r in ranges:
        for i in range(r.days):
            d = r.start + timedelta(days=i)
            specs[d] = DaySpec(d, HOLIDAY, r.name)
    for m in makeups:
        specs[m.date] = DaySpec(m.date, MAKEUP_WORKDAY, m.name)
    ordered = sorted(specs.values())
    return YearPlan(
        year=year,
        days=[s for s in ordered if s.date.year == year],
        carried=[s for s in ordered if s.date.year == year - 1],
        holidays=sorted(ranges, key=lambda r: r.start),
        makeup_workdays=sorted(makeups),
    )


def _year_problems(year: int) -> list[str]:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return [f"年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间。"]
    return []


def _in_reach(year: int, d: date) -> bool:
    """Days a notice for `year` may set: the year itself and December of the year before."""
    return d.year == year or (d.year == year - 1 and d.month == 12)


def _range_problems(year: int, ranges: list[HolidayRange]) -> list[str]:
    if not ranges:
        return ["请至少录入一个节假日。"]
    problems: list[str] = []
    for r in ranges:
        label = f"“{r.name}”" if r.name else "节假日"
        if not r.name:
            problems.append(f"{r.start.isoformat()} 开始的节假日缺少名称。")
        elif len(r.name) > NAME_MAX_LENGTH:
            problems.append(f"{label}的名称太长（最多 {NAME_MAX_LENGTH} 个字）。")
        if r.end < r.start:
            problems.append(f"{label}的结束日期 {r.end.isoformat()} 早于开始日期 {r.start.isoformat()}。")
        elif r.days > MAX_HOLIDAY_DAYS:
            problems.append(f"{label}长达 {r.days} 天，超过 {MAX_HOLIDAY_DAYS} 天，请核对日期。")
        if r.end.year != year or not _in_reach(year, r.start):
            problems.append(
                f"{label}（{r.start.isoformat()} 至 {r.end.isoformat()}）不在 {year} 年内"
                f"（只有跨年的元旦假期可以从 {year - 1} 年 12 月开始）。"
            )
    ordered = sorted((r for r in ranges if r.start <= r.end), key=lambda r: r.start)
    for earlier, later in itertools.pairwise(ordered):
        if later.start <= earlier.end:
            problems.append(
                f"“{earlier.name}”（{earlier.start.isoformat()} 至 {earlier.end.isoformat()}）与"
                f"“{later.name}”（{later.start.isoformat()} 至 {later.end.isoformat()}）日期重叠；"
                "连在一起的假期（如中秋节、国庆节）请录为一段。"
            )
    return problems


def _makeup_problems(year: int, ranges: list[HolidayRange], makeups: list[MakeupWorkday]) -> list[str]:
    problems: list[str] = []
    seen: set[date] = set()
    for m in makeups:
        day = m.date.isoformat()
        if m.date in seen:
            problems.append(f"调休上班日 {day} 重复录入。")
        seen.add(m.date)
        if len(m.name) > NAME_MAX_LENGTH:
            problems.append(f"调休上班日 {day} 的名称太长（最多 {NAME_MAX_LENGTH} 个字）。")
        if not _in_reach(year, m.date):
            problems.append(f"调休上班日 {day} 不在 {year} 年内（只允许延伸到 {year - 1} 年 12 月）。")
        if not is_weekend(m.date):
            problems.append(
                f"调休上班日 {day} 是{WEEKDAY_NAMES[m.date.weekday()]}；调休上班日必须是周六或周日。"
            )
        for r in ranges:
            if r.start <= m.date <= r.end:
                problems.append(f"调休上班日 {day} 落在“{r.name}”假期（{r.start} 至 {r.end}）之内。")
    return problems


def day_problems(d: date, kind: str, name: str) -> list[str]:
    """Why a single day cannot be stored as (kind, name); empty if it can."""
    problem = kind_problem(d, kind)
    if problem:
        return [problem]
    if kind == HOLIDAY and not name.strip():
        return ["法定节假日须填写节日名称（如“国庆节”）。"]
    if kind in (WEEKDAY, WEEKEND) and name.strip():
        return ["普通工作日和周末不填写名称；如该日因节假日调整，请选择“法定节假日”或“调休上班”。"]
    if len(name) > NAME_MAX_LENGTH:
        return [f"名称太长（最多 {NAME_MAX_LENGTH} 个字）。"]
    return []


# --- the administrator's text input ---------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HOLIDAY_LINE = re.compile(r"^(?P<name>.+?)\s+(?P<start>\S+)(?:\s+(?:至|到|—|~|-)?\s*(?P<end>\S+))?$")
_MAKEUP_LINE = re.compile(r"^(?P<date>\S+)(?:\s+(?P<name>.+))?$")


def parse_holiday_lines(text: str) -> list[HolidayRange]:
    """One holiday per line: `元旦 2027-01-01 2027-01-03` (a one-day holiday may
    give a single date). Raises NoticeInvalid naming every bad line."""
    ranges: list[HolidayRange] = []
    problems: list[str] = []
    for number, line in _lines(text):
        match = _HOLIDAY_LINE.match(line)
        if not match:
            problems.append(
                f"节假日第{number}行格式应为“名称 开始日期 结束日期”，例如“国庆节 2027-10-01 2027-10-07”。"
            )
            continue
        start = _parse_date(match["start"], f"节假日第{number}行", problems)
        end = _parse_date(match["end"], f"节假日第{number}行", problems) if match["end"] else start
        if start and end:
            ranges.append(HolidayRange(match["name"].strip(), start, end))
    if problems:
        raise NoticeInvalid(problems)
    return ranges


def parse_makeup_lines(text: str) -> list[MakeupWorkday]:
    """One makeup workday per line: `2027-02-07 春节调休` (the name is optional)."""
    makeups: list[MakeupWorkday] = []
    problems: list[str] = []
    for number, line in _lines(text):
        match = _MAKEUP_LINE.match(line)
        d = _parse_date(match["date"], f"调休上班日第{number}行", problems) if match else None
        if d:
            makeups.append(MakeupWorkday(d, (match["name"] or "").strip() if match else ""))
    if problems:
        raise NoticeInvalid(problems)
    return makeups


def _lines(text: str) -> list[tuple[int, str]]:
    numbered = enumerate((line.strip() for line in text.splitlines()), start=1)
    return [(n, line) for n, line in numbered if line and not line.startswith("#")]


def _parse_date(text: str, where: str, problems: list[str]) -> date | None:
    if _DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    problems.append(f"{where}：“{text}”不是有效日期，应为 YYYY-MM-DD 格式的真实日期（如 2027-10-01）。")
    return None
