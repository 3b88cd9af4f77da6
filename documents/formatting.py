"""How dates, time limits and personal numbers are written on the forms."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from common import clock
from common.identity import mask_id, mask_phone
from documents.blocks import Audience

WEEKDAYS = "一二三四五六日"


def local(value: datetime) -> datetime:
    """Forms print Asia/Shanghai wall-clock time, whatever zone the value came in."""
    return clock.local(value) if timezone.is_aware(value) else value


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def fmt_date_weekday(value: date) -> str:
    return f"{fmt_date(value)}（星期{WEEKDAYS[value.weekday()]}）"


def fmt_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    value = local(value)
    return f"{fmt_date(value)} {value:%H:%M}"


def days_text(days: int) -> str:
    """0 is an immediate matter (即办); otherwise working days (000 §五(二)2)."""
    return "即办" if days == 0 else f"{days}个工作日"


def id_for(value: str, audience: Audience) -> str:
    """An identity number: masked on the citizen's part, whole on the archive part."""
    if not value:
        return "—"
    return mask_id(value) if audience == Audience.CITIZEN else value


def phone_for(value: str, audience: Audience) -> str:
    if not value:
        return "—"
    return mask_phone(value) if audience == Audience.CITIZEN else value


def checkbox(value: bool) -> str:
    return "■ 是　□ 否" if value else "□ 是　■ 否"
