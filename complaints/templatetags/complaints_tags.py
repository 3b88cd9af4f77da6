"""Template filters of the complaint pages."""

from __future__ import annotations

from fractions import Fraction

from django import template

from complaints.analysis import percent
from complaints.models import Complaint
from complaints.selectors import deadline_flags

register = template.Library()


@register.filter
def complaint_flags(complaint: Complaint) -> list[tuple[str, str]]:
    """(css class, text) of the time limit: 已逾期, 今日到期, 即将到期, 期限待日历发布."""
    return deadline_flags(complaint)


@register.filter
def pct(value: Fraction | None) -> str:
    return percent(value)


@register.filter
def share(part: int, whole: int) -> int:
    """Width in percent of a bar (0–100)."""
    return round(100 * part / whole) if whole else 0
