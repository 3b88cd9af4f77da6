"""The seed of the calendar table: every day of 2004–2026 from the `chinesecalendar`
package (which transcribes the State Council's yearly holiday notices), with the
decisions of `workdays.corrections` applied where that package is wrong.

Pure Python, used by data migration 0002, the tests and the benchmark. 2027 is
deliberately not seeded even if a newer package knows it: a year enters the
calendar when an administrator publishes its notice (docs/workdays.md).
"""

from __future__ import annotations

from datetime import date, datetime
from importlib.metadata import version
from typing import Any

from chinese_calendar import get_holiday_detail
from chinese_calendar.constants import Holiday

from workdays.corrections import corrections_by_date
from workdays.kinds import HOLIDAY, MAKEUP_WORKDAY, WEEKDAY, WEEKEND
from workdays.yearplan import DaySpec, days_of_year

SEED_FIRST_YEAR = 2004
SEED_LAST_YEAR = 2026
SEED_YEARS = range(SEED_FIRST_YEAR, SEED_LAST_YEAR + 1)

# The names the notices use (the package's own Chinese names are abbreviated).
HOLIDAY_NAMES: dict[str, str] = {
    Holiday.new_years_day.value: "元旦",
    Holiday.spring_festival.value: "春节",
    Holiday.tomb_sweeping_day.value: "清明节",
    Holiday.labour_day.value: "劳动节",
    Holiday.dragon_boat_festival.value: "端午节",
    Holiday.mid_autumn_festival.value: "中秋节",
    Holiday.national_day.value: "国庆节",
    Holiday.anti_fascist_70th_day.value: "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def seed_source() -> str:
    return f"chinesecalendar {version('chinesecalendar')}"


def seeded_year(year: int) -> list[DaySpec]:
    """Every day of `year` as the table stores it."""
    corrections = corrections_by_date()
    days = []
    for d in days_of_year(year):
        fix = corrections.get(d)
        days.append(DaySpec(d, fix.kind, fix.name) if fix else _from_chinesecalendar(d))
    return days


def seed_notice_text(year: int) -> str:
    """What the calendar page shows as the basis of a seeded year."""
    text = (
        f"由数据迁移从 {seed_source()} 导入。该软件包按国务院办公厅发布的"
        f"《关于{year}年部分节假日安排的通知》逐日录入。"
    )
    fixes = [c for c in corrections_by_date().values() if c.date.year == year]
    for c in fixes:
        text += f"\n更正 {c.date.isoformat()}：依据{c.notice}：“{c.quote}” {c.reasoning}"
    return text


def write_seed(*, day_model: Any, year_model: Any, revision_model: Any, now: datetime) -> None:
    """Write the seed through the given models: the historical ones in migration
    0002, the real ones where a test has emptied the tables (browser tests flush)."""
    source = seed_source()
    for year in SEED_YEARS:
        specs = seeded_year(year)
        day_model.objects.bulk_create(
            day_model(date=s.date, is_workday=s.is_workday, kind=s.kind, name=s.name) for s in specs
        )
        year_model.objects.create(
            year=year, published=True, source=source, notice_text=seed_notice_text(year), published_at=now
        )
    revision_model.objects.update_or_create(pk=1, defaults={"number": 1, "changed_at": now})


def _from_chinesecalendar(d: date) -> DaySpec:
    on_holiday, english = get_holiday_detail(d)
    if english is None:
        return DaySpec(d, WEEKEND if on_holiday else WEEKDAY)
    name = _chinese_name(english)
    if on_holiday:
        return DaySpec(d, HOLIDAY, name)
    return DaySpec(d, MAKEUP_WORKDAY, f"{name}调休")


def _chinese_name(english: str) -> str:
    # A holiday added by a later package version still gets the package's own name.
    return HOLIDAY_NAMES.get(english) or Holiday(english).chinese
