"""The four kinds of calendar day, as plain strings so that the pure modules
(arithmetic, year plans, seeding) share them with the models without importing
Django. `models.DayKind` gives them their Chinese labels."""

from __future__ import annotations

from datetime import date
from typing import Final

WEEKDAY: Final = "weekday"
WEEKEND: Final = "weekend"
HOLIDAY: Final = "holiday"
MAKEUP_WORKDAY: Final = "makeup_workday"

ALL_KINDS: Final = frozenset({WEEKDAY, WEEKEND, HOLIDAY, MAKEUP_WORKDAY})
WORKDAY_KINDS: Final = frozenset({WEEKDAY, MAKEUP_WORKDAY})

LABELS: Final = {
    WEEKDAY: "工作日",
    WEEKEND: "周末",
    HOLIDAY: "法定节假日",
    MAKEUP_WORKDAY: "调休上班",
}

# A makeup workday has no name of its own in every notice; this is what it shows.
DEFAULT_MAKEUP_NAME: Final = "调休上班"


def is_weekend(d: date) -> bool:
    return d.weekday() >= 5


def ordinary_kind(d: date) -> str:
    """The kind of a day no notice mentions: Monday–Friday work, Saturday–Sunday rest."""
    return WEEKEND if is_weekend(d) else WEEKDAY


def kind_problem(d: date, kind: str) -> str | None:
    """Why `kind` cannot describe `d`, in Chinese, or None if it can.

    A weekday can only be a working day or a holiday, and a makeup workday is by
    definition a Saturday or Sunday worked in exchange for a holiday."""
    if kind not in ALL_KINDS:
        return f"日期类型“{kind}”无效。"
    weekend = is_weekend(d)
    if kind == WEEKDAY and weekend:
        day_name = "周六" if d.weekday() == 5 else "周日"
        return f"{d.isoformat()} 是{day_name}，不能设为普通工作日；如需上班请设为“调休上班”。"
    if kind in (WEEKEND, MAKEUP_WORKDAY) and not weekend:
        return f"{d.isoformat()} 是周一至周五，不能设为“{LABELS[kind]}”。"
    return None
