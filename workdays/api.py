"""Public reference data: is a day a working day, and when is a time limit due.
No authentication: the calendar is published by the State Council, and kiosks and
the H5 page show deadlines to citizens."""

from __future__ import annotations

import re
from datetime import date

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from common.api import errors
from common.errors import DomainError
from workdays import selectors
from workdays.calendar import add_workdays, add_workdays_from_handover
from workdays.forms import MAX_DEADLINE_DAYS
from workdays.kinds import LABELS

router = Router()

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DayOut(Schema):
    date: date
    is_workday: bool
    kind: str
    kind_label: str
    name: str


class DeadlineOut(Schema):
    start: date
    days: int
    from_handover: bool
    deadline: date


# Declared before /{day} so that "deadline" is never taken for a date.
@router.get(
    "/deadline",
    response={200: DeadlineOut, **errors(422)},
    summary="计算办理时限的截止日",
    description=(
        "受理（收到申请或补全材料）之日不计入，截止日为其后第 days 个工作日（000 §五(二)2）；"
        "from_handover=true 时为处室、管理部之间交接，交接当日计为第 1 个工作日（000 §五(二)2(3)）。"
        "days=0 表示即办：起算日为工作日则为当日，否则为其后第一个工作日。"
        "起算日或截止日所在年份的节假日安排尚未发布时返回 422 calendar_not_published。"
    ),
)
def deadline(
    request: HttpRequest,
    start: str = Query(..., description="起算日，YYYY-MM-DD"),
    days: int = Query(..., description=f"办理时限（工作日数），0–{MAX_DEADLINE_DAYS}"),
    from_handover: bool = Query(False, description="部门之间交接，从交接当日起算"),
) -> dict:
    start_date = _parse_date(start, "start")
    if days < 0:
        raise DomainError(f"days：办理时限的工作日数不能为负数（收到 {days}）。", code="invalid_input")
    if days > MAX_DEADLINE_DAYS:
        raise DomainError(
            f"days：办理时限最多 {MAX_DEADLINE_DAYS} 个工作日（收到 {days}）。", code="invalid_input"
        )
    compute = add_workdays_from_handover if from_handover else add_workdays
    return {
        "start": start_date,
        "days": days,
        "from_handover": from_handover,
        "deadline": compute(start_date, days),
    }


@router.get(
    "/{day}",
    response={200: DayOut, **errors(422)},
    summary="某日是否工作日",
    description="该日所在年份的节假日安排尚未发布时返回 422 calendar_not_published。",
)
def day_detail(request: HttpRequest, day: str = Path(..., description="日期，YYYY-MM-DD")) -> dict:
    row = selectors.day_detail(_parse_date(day, "date"))
    return {
        "date": row.date,
        "is_workday": row.is_workday,
        "kind": row.kind,
        "kind_label": LABELS[row.kind],
        "name": row.name,
    }


def _parse_date(text: str, field: str) -> date:
    # Strictly YYYY-MM-DD: pydantic would also take "20260201" or a Unix timestamp,
    # and a deadline computed from a misread date is worse than a refusal.
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise DomainError(
        f"{field}：“{text[:40]}”不是有效日期，应为 YYYY-MM-DD 格式的真实日期（如 2026-10-08）。",
        code="invalid_input",
    )
